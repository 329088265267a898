import { computeHkidCheckDigit } from './check-digits.js';
import { assertString, beginCheck, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

export interface HkidResult {
  valid: boolean;
  errors: RuleIssue[];
  /** Prefix (1-2 letters + 6 digits), upper case, when the input has that shape. */
  prefix?: string;
  /** The check character as written. */
  checkDigit?: string;
  expectedCheckDigit?: string;
  /** 'A123456(3)', when prefix and check character were found. */
  formatted?: string;
}

// Letters, digits, then the check character bare or in () / [] (both are written; OCR often turns ( into [).
const HKID_SHAPE = /^([A-Z]{1,2})(\d{6})\s*(?:\(([0-9A-Z])\)|\[([0-9A-Z])\]|([0-9A-Z]))$/;

/**
 * Validates a Hong Kong identity card number in 'A123456(3)', 'A123456[3]' or 'A1234563' form (case-insensitive).
 * Positions index the input as given.
 */
export function validateHkid(id: string): HkidResult {
  const { lead, s, errors } = beginCheck(id, 'HKID');
  const result: HkidResult = { valid: false, errors };
  if (s === '') return result;
  const m = HKID_SHAPE.exec(s);
  if (!m) {
    errors.push(...describeShape(s, lead));
    return result;
  }
  const prefix = m[1]! + m[2]!;
  const check = (m[3] ?? m[4] ?? m[5])!;
  const checkAt = lead + s.length - (m[5] === undefined ? 2 : 1);
  result.prefix = prefix;
  result.checkDigit = check;
  const expected = computeHkidCheckDigit(prefix);
  result.expectedCheckDigit = expected;
  if (!/^[0-9A]$/.test(check)) {
    errors.push({
      code: IssueCode.Character,
      message: `check character '${check}' is not 0-9 or A`,
      position: checkAt,
    });
  } else if (check !== expected) {
    errors.push({
      code: IssueCode.CheckDigit,
      message: `check character is '${check}', expected '${expected}'`,
      position: checkAt,
    });
  }
  result.formatted = `${prefix}(${check})`;
  result.valid = errors.length === 0;
  return result;
}

/** Says where a string stops looking like an HKID. */
function describeShape(s: string, lead: number): RuleIssue[] {
  const letters = /^[A-Z]*/.exec(s)![0].length;
  if (letters === 0 || letters > 2) {
    return [{ code: IssueCode.Format, message: 'HKID starts with 1 or 2 letters', position: lead }];
  }
  const digits = /^\d*/.exec(s.slice(letters))![0].length;
  if (digits < 6) {
    const at = letters + digits;
    return [
      at < s.length
        ? { code: IssueCode.Character, message: `'${s.charAt(at)}' where a digit belongs`, position: lead + at }
        : { code: IssueCode.Length, message: 'HKID needs 6 digits after the letters', position: lead + at },
    ];
  }
  const at = letters + 6;
  return [
    {
      code: s.length <= at ? IssueCode.Length : IssueCode.Format,
      message: 'expected one check character (0-9 or A), bare or in brackets, after the 6 digits',
      position: lead + Math.min(at, s.length),
    },
  ];
}

/**
 * 'A123456' -> 'A123456(3)'.
 * @example formatHkid('G123456') // 'G123456(A)'
 */
export function formatHkid(prefix: string): string {
  assertString(prefix, 'prefix');
  const check = computeHkidCheckDigit(prefix);
  if (!check) throw new RuleError(RuleErrorCode.InvalidField, 'prefix must be 1-2 letters and 6 digits');
  return `${prefix.toUpperCase()}(${check})`;
}

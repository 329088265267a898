import { computeCnResidentIdCheckChar } from './check-digits.js';
import { isRealDate, referenceIso, toIsoDate } from './dates.js';
import { beginCheck, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

/**
 * First two digits of GB/T 2260 region codes (provinces), plus 81/82/83 used by the residence permits of Hong Kong,
 * Macao and Taiwan residents, which share the GB 11643 number format. Only the province is checked: real numbers keep
 * the county code in force at registration, so abolished county codes are legitimate.
 */
const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

/** Earliest birth year accepted; older dates are OCR or fabrication errors (no holder is that old). */
const MIN_BIRTH_YEAR = 1880;

export interface CnResidentIdOptions {
  /** Birth dates after this day are errors (default: now). */
  referenceDate?: Date | string;
  /** Accept the legacy 15-digit number (yymmdd birth in the 1900s, no check character). Default false. */
  allowLegacy15?: boolean;
}

export interface CnResidentIdResult {
  valid: boolean;
  errors: RuleIssue[];
  /** The number as validated: trimmed, lower-case 'x' raised. */
  normalised: string;
  birthDate?: string;
  sex?: 'M' | 'F';
  /** The 6-digit region code as written (not looked up). */
  regionCode?: string;
  /** The check character the first 17 digits call for (18-digit numbers with 17 digits only). */
  expectedCheckChar?: string;
}

/**
 * Validates a mainland resident ID number (GB 11643-1999): length, characters, province, a real birth date not in the
 * future, and the MOD 11-2 check character. Positions index the input string as given.
 * @example validateCnResidentId('11010519491231002X').sex // 'F'
 */
export function validateCnResidentId(id: string, opts: CnResidentIdOptions = {}): CnResidentIdResult {
  const { lead, s, errors } = beginCheck(id, 'ID number');
  const result: CnResidentIdResult = { valid: false, errors, normalised: s };
  if (s === '') return result;
  const legacy = s.length === 15 && opts.allowLegacy15 === true;
  if (s.length !== 18 && !legacy) {
    errors.push({
      code: IssueCode.Length,
      message:
        s.length === 15
          ? 'legacy 15-digit number (pass allowLegacy15 to accept it)'
          : `ID number has ${s.length} characters, expected 18`,
    });
  }
  const bodyLength = legacy ? 15 : 17;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const ok = i < bodyLength ? /\d/.test(ch) : i === 17 && /[\dX]/.test(ch);
    if (!ok && i < 18) {
      errors.push({ code: IssueCode.Character, message: `'${ch}' is not allowed here`, position: lead + i });
    }
  }

  if (/^\d{6}/.test(s)) {
    result.regionCode = s.slice(0, 6);
    if (!PROVINCE_CODES.has(s.slice(0, 2))) {
      errors.push({ code: IssueCode.Region, message: `'${s.slice(0, 2)}' is not a province code`, position: lead });
    }
  }

  const birth = legacy ? `19${s.slice(6, 12)}` : s.slice(6, 14);
  if (/^\d{8}$/.test(birth)) {
    const [y, m, d] = [Number(birth.slice(0, 4)), Number(birth.slice(4, 6)), Number(birth.slice(6, 8))];
    const at = lead + 6;
    if (!isRealDate(y, m, d)) {
      errors.push({ code: IssueCode.Date, message: `birth date ${birth} is not a calendar date`, position: at });
    } else {
      const iso = toIsoDate(y, m, d);
      if (iso > referenceIso(opts.referenceDate)) {
        errors.push({ code: IssueCode.FutureDate, message: `birth date ${iso} is in the future`, position: at });
      } else if (y < MIN_BIRTH_YEAR) {
        errors.push({
          code: IssueCode.DateOutOfRange,
          message: `birth year ${y} is before ${MIN_BIRTH_YEAR}`,
          position: at,
        });
      }
      result.birthDate = iso;
    }
  }

  const seqDigit = s.charAt(bodyLength - 1);
  if (/\d/.test(seqDigit) && s.length >= bodyLength) result.sex = Number(seqDigit) % 2 === 1 ? 'M' : 'F';

  if (!legacy && s.length === 18) {
    const expected = computeCnResidentIdCheckChar(s.slice(0, 17));
    if (expected) {
      result.expectedCheckChar = expected;
      if (s.charAt(17) !== expected) {
        errors.push({
          code: IssueCode.CheckDigit,
          message: `check character is '${s.charAt(17)}', expected '${expected}'`,
          position: lead + 17,
        });
      }
    }
  }
  result.valid = errors.length === 0;
  return result;
}

export interface CnResidentIdFields {
  /** 6 digits, GB/T 2260. */
  regionCode: string;
  /** yyyy-mm-dd */
  birthDate: string;
  /** 1..999; its parity must match `sex` (odd male, even female). */
  sequence: number;
}

/**
 * Builds an 18-character number with its check character (for specimens).
 * @example formatCnResidentId({ regionCode: '110105', birthDate: '1949-12-31', sequence: 2 }) // '11010519491231002X'
 */
export function formatCnResidentId(fields: CnResidentIdFields): string {
  const { regionCode, birthDate, sequence } = fields;
  if (!/^\d{6}$/.test(regionCode)) throw new RuleError(RuleErrorCode.InvalidField, 'regionCode must be 6 digits');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m || !isRealDate(+m[1]!, +m[2]!, +m[3]!)) {
    throw new RuleError(RuleErrorCode.InvalidField, 'birthDate must be a real yyyy-mm-dd date');
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new RuleError(RuleErrorCode.InvalidField, 'sequence must be an integer 0..999');
  }
  const first17 = `${regionCode}${m[1]}${m[2]}${m[3]}${String(sequence).padStart(3, '0')}`;
  return first17 + computeCnResidentIdCheckChar(first17);
}

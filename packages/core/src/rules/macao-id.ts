import { assertString, beginCheck, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

export interface MacaoIdResult {
  valid: boolean;
  errors: RuleIssue[];
  /** 'XNNNNNN', when the shape matched. */
  number?: string;
  checkDigit?: string;
  /**
   * Always true: no published check-digit rule for the Macao BIR was found (see notes/chinese-documents.md §4;
   * public validators such as Hutool's only check the shape), so `valid` means "well-formed", not "genuine".
   */
  checkDigitUnverified: true;
  /** 'XNNNNNN(Y)' */
  formatted?: string;
}

// Smart cards print 'XNNNNNN(Y)'; older cards '/' separated 'X/NNNNNN/Y'. Leading digit 1, 5 or 7.
const MACAO_SHAPE = /^([157])\/?(\d{6})\s*(?:\((\d)\)|\[(\d)\]|\/(\d)|(\d))$/;

/**
 * Checks the shape of a Macao resident ID number: 1, 5 or 7, six digits, and a bracketed (or '/'-separated, or bare)
 * check digit. The check digit itself is NOT verified (`checkDigitUnverified: true`): its rule is not public.
 */
export function validateMacaoId(id: string): MacaoIdResult {
  const { lead, s, errors } = beginCheck(id, 'Macao ID');
  const result: MacaoIdResult = { valid: false, errors, checkDigitUnverified: true };
  if (s === '') return result;
  const m = MACAO_SHAPE.exec(s);
  if (m) {
    result.number = m[1]! + m[2]!;
    result.checkDigit = (m[3] ?? m[4] ?? m[5] ?? m[6])!;
    result.formatted = `${result.number}(${result.checkDigit})`;
    result.valid = true;
    return result;
  }
  if (!/^[157]/.test(s)) {
    errors.push({ code: IssueCode.Format, message: 'Macao ID starts with 1, 5 or 7', position: lead });
    return result;
  }
  const compact = s.replace(/[/\s]/g, '');
  const digits = /^\d*/.exec(compact)![0].length;
  if (digits < 7) {
    const bad = s.search(/[^\d/\s]/);
    errors.push(
      bad >= 0 && bad < s.length && !/[([]/.test(s.charAt(bad))
        ? { code: IssueCode.Character, message: `'${s.charAt(bad)}' where a digit belongs`, position: lead + bad }
        : { code: IssueCode.Length, message: 'Macao ID needs 7 digits before the check digit' },
    );
  } else {
    errors.push({ code: IssueCode.Format, message: 'expected one check digit, in brackets, after 7 digits' });
  }
  return result;
}

/**
 * 'XNNNNNN' + check digit -> 'XNNNNNN(Y)'. The check digit must be supplied: it cannot be computed (rule unknown).
 * @example formatMacaoId('1234567', '8') // '1234567(8)'
 */
export function formatMacaoId(number: string, checkDigit: string): string {
  assertString(number, 'number');
  assertString(checkDigit, 'checkDigit');
  if (!/^[157]\d{6}$/.test(number)) throw new RuleError(RuleErrorCode.InvalidField, 'number must be [157] + 6 digits');
  if (!/^\d$/.test(checkDigit)) throw new RuleError(RuleErrorCode.InvalidField, 'checkDigit must be one digit');
  return `${number}(${checkDigit})`;
}

import { assertString, beginCheck, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

/**
 * Two-digit values of the leading letter of a Taiwan ID (by issuing area). Not alphabetical: I, O, W-Z were added
 * later and sit at the end.
 */
const LETTER_VALUES: Record<string, number> = {
  A: 10, B: 11, C: 12, D: 13, E: 14, F: 15, G: 16, H: 17, I: 34, J: 18, K: 19, L: 20, M: 21,
  N: 22, O: 35, P: 23, Q: 24, R: 25, S: 26, T: 27, U: 28, V: 29, W: 32, X: 30, Y: 31, Z: 33,
}; // prettier-ignore

export interface TwNationalIdResult {
  valid: boolean;
  errors: RuleIssue[];
  normalised: string;
  /** From the first digit: 1 male, 2 female (national ID); 8/9 on resident certificates since 2021. */
  sex?: 'M' | 'F';
  expectedCheckDigit?: string;
}

/** The check digit a Taiwan ID's first nine characters (letter + 8 digits) call for, or '' if they are malformed. */
export function computeTwNationalIdCheckDigit(first9: string): string {
  assertString(first9, 'first9');
  const s = first9.toUpperCase();
  if (!/^[A-Z]\d{8}$/.test(s)) return '';
  const v = LETTER_VALUES[s.charAt(0)]!;
  let sum = Math.floor(v / 10) + (v % 10) * 9;
  for (let i = 1; i <= 8; i++) sum += Number(s.charAt(i)) * (9 - i);
  return String((10 - (sum % 10)) % 10);
}

/**
 * Validates a Taiwan (ROC) national ID number: letter, 1/2 (sex; 8/9 for the 2021 resident certificates), 7 digits,
 * check digit. Relevant to Taiwan-issued documents only; the mainland travel permit for Taiwan residents carries
 * its own 8-digit number (see validatePermitNumber).
 * @example validateTwNationalId('A123456789').valid // true
 */
export function validateTwNationalId(id: string): TwNationalIdResult {
  const { lead, s, errors } = beginCheck(id, 'ID');
  const result: TwNationalIdResult = { valid: false, errors, normalised: s };
  if (s === '') return result;
  if (s.length !== 10) errors.push({ code: IssueCode.Length, message: `ID has ${s.length} characters, expected 10` });
  if (!/^[A-Z]/.test(s)) errors.push({ code: IssueCode.Format, message: 'ID starts with a letter', position: lead });
  for (let i = 1; i < Math.min(s.length, 10); i++) {
    if (!/\d/.test(s.charAt(i))) {
      errors.push({ code: IssueCode.Character, message: `'${s.charAt(i)}' where a digit belongs`, position: lead + i });
    }
  }
  const first = s.charAt(1);
  if (/\d/.test(first)) {
    if (!'1289'.includes(first)) {
      errors.push({
        code: IssueCode.Sex,
        message: `second character '${first}' is not 1, 2, 8 or 9`,
        position: lead + 1,
      });
    } else {
      result.sex = first === '1' || first === '8' ? 'M' : 'F';
    }
  }
  const expected = computeTwNationalIdCheckDigit(s.slice(0, 9));
  if (expected && s.length === 10 && /\d/.test(s.charAt(9))) {
    result.expectedCheckDigit = expected;
    if (s.charAt(9) !== expected) {
      errors.push({
        code: IssueCode.CheckDigit,
        message: `check digit is '${s.charAt(9)}', expected '${expected}'`,
        position: lead + 9,
      });
    }
  }
  result.valid = errors.length === 0;
  return result;
}

/** Builds a Taiwan ID from letter + 8 digits (for specimens). */
export function formatTwNationalId(first9: string): string {
  const check = computeTwNationalIdCheckDigit(first9);
  if (!check) throw new RuleError(RuleErrorCode.InvalidField, 'first9 must be a letter and 8 digits');
  return first9.toUpperCase() + check;
}

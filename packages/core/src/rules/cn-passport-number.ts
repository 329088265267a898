import { beginCheck, IssueCode, type RuleIssue } from './rule-error.js';

export interface CnPassportNumberResult {
  valid: boolean;
  errors: RuleIssue[];
  normalised: string;
}

/**
 * Validates the number of a PRC ordinary passport as validator.js does: 'G' + 8 digits (before 2012), or 'E' + 8
 * digits or 'E' + a letter other than I/O + 7 digits (e-passports). The number has no check digit of its own (the
 * MRZ's protects it). Other letters (diplomatic, service, HK/Macao SAR passports) are not covered.
 */
export function validateCnPassportNumber(value: string): CnPassportNumberResult {
  const { lead, s, errors } = beginCheck(value, 'passport number');
  const result: CnPassportNumberResult = { valid: false, errors, normalised: s };
  if (s !== '' && !/^[GE]/.test(s)) {
    errors.push({ code: IssueCode.Format, message: 'ordinary passport numbers start with G or E', position: lead });
  } else if (s !== '') {
    const letterAllowed = s.startsWith('E');
    for (let i = 1; i < s.length; i++) {
      const ch = s.charAt(i);
      const ok = /\d/.test(ch) || (i === 1 && letterAllowed && /[A-HJ-NP-Z]/.test(ch));
      if (!ok) {
        errors.push({ code: IssueCode.Character, message: `'${ch}' is not allowed here`, position: lead + i });
        break;
      }
    }
    if (errors.length === 0 && s.length !== 9) {
      errors.push({ code: IssueCode.Length, message: `passport number has ${s.length} characters, expected 9` });
    }
  }
  result.valid = errors.length === 0;
  return result;
}

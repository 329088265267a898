import { assertString, beginCheck, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

export interface MacaoIdResult {
  valid: boolean;
  errors: RuleIssue[];
  /** 'XNNNNNN', when the shape matched. */
  number?: string;
  checkDigit?: string;
  /**
   * True unless `mrzDocumentNumber` confirmed the check digit: no published check-digit rule for the Macao BIR was
   * found (notes/chinese-documents.md §4; public validators such as Hutool's only check the shape), so without the
   * MRZ `valid` means "well-formed", not "genuine".
   */
  checkDigitUnverified: boolean;
  /** 'XNNNNNN(Y)' */
  formatted?: string;
}

// Smart cards print 'XNNNNNN(Y)'; older cards '/' separated 'X/NNNNNN/Y'. Leading digit 1, 5 or 7.
const MACAO_SHAPE = /^([157])\/?(\d{6})\s*(?:\((\d)\)|\[(\d)\]|\/(\d)|(\d))$/;

export interface MacaoIdOptions {
  /**
   * The document number read from the card's TD1 MRZ, when it has one. The one MRZ-bearing card seen (PassportEye
   * test image '100_id-mac', a non-permanent resident card of the pre-2013 design) carries the BIR number followed
   * by its check digit as the ICAO document number ('12281507' for 1228150(7)), protected by an ICAO check digit.
   * Given a parsed MRZ whose check digits pass, an equal number confirms the printed check digit; a different one is
   * an error. Whether current cards all carry that MRZ is not confirmed.
   */
  mrzDocumentNumber?: string;
}

/**
 * Checks the shape of a Macao resident ID number: 1, 5 or 7, six digits, and a bracketed (or '/'-separated, or bare)
 * check digit. The check digit itself is NOT verified (`checkDigitUnverified: true`): its rule is not public, unless
 * the MRZ's copy of the number is passed to compare against.
 */
export function validateMacaoId(id: string, opts: MacaoIdOptions = {}): MacaoIdResult {
  const { lead, s, errors } = beginCheck(id, 'Macao ID');
  const result: MacaoIdResult = { valid: false, errors, checkDigitUnverified: true };
  if (s === '') return result;
  const m = MACAO_SHAPE.exec(s);
  if (m) {
    result.number = m[1]! + m[2]!;
    result.checkDigit = (m[3] ?? m[4] ?? m[5] ?? m[6])!;
    result.formatted = `${result.number}(${result.checkDigit})`;
    if (opts.mrzDocumentNumber !== undefined) {
      assertString(opts.mrzDocumentNumber, 'mrzDocumentNumber');
      const mrz = opts.mrzDocumentNumber.replace(/</g, '').trim();
      if (mrz === result.number + result.checkDigit) {
        result.checkDigitUnverified = false;
      } else {
        const sameNumber = mrz.slice(0, 7) === result.number;
        errors.push({
          code: sameNumber ? IssueCode.CheckDigit : IssueCode.Format,
          message: `the MRZ carries '${mrz}', the card '${result.number}${result.checkDigit}'`,
          position: lead + (sameNumber ? s.length - (m[6] === undefined ? 2 : 1) : 0),
        });
      }
    }
    result.valid = errors.length === 0;
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

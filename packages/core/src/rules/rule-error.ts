/**
 * The one error the rules throw: input that is not a string (or not a string array where lines are expected).
 * Anything wrong *inside* a string is reported as data in the result, never thrown.
 */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  readonly retryable = false;

  constructor(
    readonly code: RuleErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Works across duplicated copies of this package, where `instanceof` does not. */
  static is(error: unknown): error is RuleError {
    return (
      error instanceof Error && error.name === 'RuleError' && typeof (error as { code?: unknown }).code === 'string'
    );
  }
}

export const RuleErrorCode = {
  /** The argument is not a string (or not an array of strings). */
  InvalidInput: 'INVALID_INPUT',
  /** An option or a formatter's field is outside what the document can carry (formatters only). */
  InvalidField: 'INVALID_FIELD',
} as const;
export type RuleErrorCode = (typeof RuleErrorCode)[keyof typeof RuleErrorCode];

/** Codes of what can be wrong with a document string; shared by every validator and parser. */
export const IssueCode = {
  Empty: 'EMPTY',
  Length: 'LENGTH',
  Character: 'CHARACTER',
  Format: 'FORMAT',
  Region: 'REGION',
  Date: 'DATE',
  FutureDate: 'FUTURE_DATE',
  DateOutOfRange: 'DATE_OUT_OF_RANGE',
  CheckDigit: 'CHECK_DIGIT',
  Sex: 'SEX',
  UnknownState: 'UNKNOWN_STATE',
  Unconfirmed: 'UNCONFIRMED',
} as const;
export type IssueCode = (typeof IssueCode)[keyof typeof IssueCode];

/** One thing wrong with a string. `position` is a 0-based index into the string as given. */
export interface RuleIssue {
  code: IssueCode;
  message: string;
  position?: number;
}

export function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new RuleError(RuleErrorCode.InvalidInput, `${what} must be a string, got ${describe(value)}`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Common start of the string validators: type check, trim (positions still count from the input as given via
 * `lead`), ASCII upper case, and the EMPTY issue for a blank string.
 */
export function beginCheck(value: unknown, what: string): { lead: number; s: string; errors: RuleIssue[] } {
  assertString(value, what);
  const lead = value.length - value.trimStart().length;
  // ASCII only: full upper-casing turns 'ß' into 'SS' (and some Greek letters into three characters), which would
  // shift every position past the input as given; ID numbers are ASCII, so any other character is reported as it is.
  const s = value.trim().replace(/[a-z]+/g, (m) => m.toUpperCase());
  return { lead, s, errors: s === '' ? [{ code: IssueCode.Empty, message: `${what} is empty` }] : [] };
}

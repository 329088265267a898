/** Field helpers shared by the ICAO and the permit MRZ code; not part of the package surface. */
import { expandTwoDigitYear, isRealDate, toIsoDate, type DatePivot } from './dates.js';
import type { MrzField, MrzIssue, MrzPosition } from './mrz-types.js';
import { IssueCode, RuleError, RuleErrorCode } from './rule-error.js';

export type Span = readonly [line: number, start: number, end: number];

export const text = (lines: readonly string[], [line, start, end]: Span) => lines[line]!.slice(start, end);
export const pos = ([line, start, end]: Span): MrzPosition => ({ line, start, end });
export const cleanFillers = (s: string) => s.replace(/<+$/, '').replace(/</g, ' ');

export function readMrzDate(
  lines: readonly string[],
  span: Span,
  pivot: DatePivot,
  referenceDate: Date | string | undefined,
  field: MrzField,
  errors: MrzIssue[],
  warnings: MrzIssue[],
): string | null {
  const raw = text(lines, span);
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!m) {
    // ICAO allows unknown month/day as '<<'; other characters are already reported as CHARACTER errors.
    if (/^\d{2}[\d<]{4}$/.test(raw)) {
      warnings.push({
        field,
        code: IssueCode.Date,
        message: `${field} '${raw}' is partly unknown`,
        position: pos(span),
      });
    }
    return null;
  }
  const [yy, mm, dd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const year = isRealDate(2000 + yy, mm, dd) ? expandTwoDigitYear(yy, mm, dd, { pivot, referenceDate }) : 0;
  if (!isRealDate(year, mm, dd)) {
    errors.push({
      field,
      code: IssueCode.Date,
      message: `${field} '${raw}' is not a calendar date`,
      position: pos(span),
    });
    return null;
  }
  return toIsoDate(year, mm, dd);
}

/** yyyy-mm-dd or yymmdd -> yymmdd, for the formatters. */
export function toMrzDate(value: string, what: string): string {
  const iso = /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(value);
  if (iso && isRealDate(Number(iso[1]! + iso[2]!), Number(iso[3]), Number(iso[4]))) return iso[2]! + iso[3]! + iso[4]!;
  if (
    /^\d{6}$/.test(value) &&
    isRealDate(2000 + Number(value.slice(0, 2)), Number(value.slice(2, 4)), Number(value.slice(4)))
  ) {
    return value;
  }
  throw new RuleError(
    RuleErrorCode.InvalidField,
    `${what} must be a real date as yyyy-mm-dd or yymmdd, got '${value}'`,
  );
}

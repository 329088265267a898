import { assertString, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

/** How a two-digit year is given its century. */
export type DatePivot =
  /** Birth and issue dates: never after the reference date. */
  | 'past'
  /** Expiry dates: up to `maxYearsAhead` (default 20) after the reference date, otherwise the previous century. */
  | 'expiry';

export interface DateOptions {
  /** Dates are judged against this day (default: now). Pass it for reproducible results. */
  referenceDate?: Date | string;
  /** Century rule for two-digit years (default 'past'). */
  pivot?: DatePivot;
  /** With pivot 'expiry': how far ahead an expiry may lie (default 20 years). */
  maxYearsAhead?: number;
}

export const DateStyle = {
  /** '1990.02.21', '1990-2-21', '1990/02/21', '1990 02 21' */
  Ymd: 'ymd',
  /** '21-02-1990', '21.02.1990', '21/02/1990' (Hong Kong ID, many permits) */
  Dmy: 'dmy',
  /** '21 FEB/FEB 90', '21 FEB 1990', '21 2月/FEB 1990' (passports, bilingual month) */
  DayMonthName: 'day-month-name',
  /** '1990年2月21日', '1990 年 2 月 21 日' (mainland ID portrait side) */
  Cjk: 'cjk',
  /** '19900221' */
  Yyyymmdd: 'yyyymmdd',
  /** '900221' (MRZ); the century follows `pivot` */
  Yymmdd: 'yymmdd',
  /** Guess the style from the shape of the input. */
  Auto: 'auto',
} as const;
export type DateStyle = (typeof DateStyle)[keyof typeof DateStyle];

export interface DocumentDateResult {
  /** yyyy-mm-dd, present when the input is a real calendar date. */
  date?: string;
  errors: RuleIssue[];
}

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
  // French halves of bilingual passport months ('FÉV', 'AVR', 'MAI', 'JUIN', 'JUIL', 'AOÛT', 'DÉC').
  FEV: 2,
  AVR: 4,
  MAI: 5,
  JUI: 6,
  AOU: 8,
};

export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1 || year < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function toIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The reference day as yyyy-mm-dd (UTC), from an option or the clock. */
export function referenceIso(referenceDate: Date | string | undefined): string {
  if (referenceDate === undefined) return new Date().toISOString().slice(0, 10);
  if (typeof referenceDate === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}/.test(referenceDate)) {
      throw new RuleError(RuleErrorCode.InvalidField, `referenceDate must be yyyy-mm-dd, got '${referenceDate}'`);
    }
    return referenceDate.slice(0, 10);
  }
  if (!(referenceDate instanceof Date) || Number.isNaN(referenceDate.getTime())) {
    throw new RuleError(RuleErrorCode.InvalidInput, 'referenceDate must be a valid Date or yyyy-mm-dd');
  }
  return referenceDate.toISOString().slice(0, 10);
}

/**
 * Century for a two-digit year. 'past': the latest century that puts the date on or before the reference day
 * (a birth date cannot be in the future). 'expiry': this century unless that is more than `maxYearsAhead` years
 * after the reference day, then the previous one (documents expire at most ~10-20 years after issue, and an
 * expired 1990s document is likelier than one expiring in 2090).
 */
export function expandTwoDigitYear(yy: number, month: number, day: number, opts: DateOptions = {}): number {
  const ref = referenceIso(opts.referenceDate);
  const refYear = Number(ref.slice(0, 4));
  const century = Math.floor(refYear / 100) * 100;
  const candidate = century + yy;
  const iso = toIsoDate(candidate, month, day);
  if ((opts.pivot ?? 'past') === 'past') return iso <= ref ? candidate : candidate - 100;
  const limit = toIsoDate(refYear + (opts.maxYearsAhead ?? 20), Number(ref.slice(5, 7)), Number(ref.slice(8, 10)));
  if (iso > limit) return candidate - 100;
  // A candidate more than (100 - maxYearsAhead) years back belongs to the next century.
  if (candidate + 100 <= refYear + (opts.maxYearsAhead ?? 20)) return candidate + 100;
  return candidate;
}

interface RawParts {
  year: number;
  month: number;
  day: number;
  twoDigitYear: boolean;
}

function detectStyle(s: string): DateStyle {
  if (/[年月日]/.test(s) && !/[A-Z]/i.test(s)) return DateStyle.Cjk;
  if (/[A-Z]/i.test(s)) return DateStyle.DayMonthName;
  if (/^\d{8}$/.test(s)) return DateStyle.Yyyymmdd;
  if (/^\d{6}$/.test(s)) return DateStyle.Yymmdd;
  if (/^\d{4}\D/.test(s)) return DateStyle.Ymd;
  return DateStyle.Dmy;
}

function splitParts(s: string, style: DateStyle): RawParts | null {
  let m: RegExpExecArray | null;
  switch (style) {
    case DateStyle.Ymd:
      m = /^(\d{4})\s*[.\-/\s]\s*(\d{1,2})\s*[.\-/\s]\s*(\d{1,2})$/.exec(s);
      return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, twoDigitYear: false } : null;
    case DateStyle.Dmy:
      m = /^(\d{1,2})\s*[.\-/\s]\s*(\d{1,2})\s*[.\-/\s]\s*(\d{4}|\d{2})$/.exec(s);
      return m ? { year: +m[3]!, month: +m[2]!, day: +m[1]!, twoDigitYear: m[3]!.length === 2 } : null;
    case DateStyle.Cjk:
      m = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/.exec(s);
      return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, twoDigitYear: false } : null;
    case DateStyle.Yyyymmdd:
      m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
      return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, twoDigitYear: false } : null;
    case DateStyle.Yymmdd:
      m = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
      return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, twoDigitYear: true } : null;
    case DateStyle.DayMonthName: {
      // Day first, then one or two month tokens ('FEB/FEB', '2月/FEB', 'FÉV'), then the year.
      m = /^(\d{1,2})\s*[.\-\s]?\s*(.+?)\s*[.\-\s]?\s*(\d{4}|\d{2})$/.exec(
        s.toUpperCase().normalize('NFD').replace(/\p{M}/gu, ''),
      );
      if (!m) return null;
      const month = monthFromTokens(m[2]!);
      return month === null ? null : { year: +m[3]!, month, day: +m[1]!, twoDigitYear: m[3]!.length === 2 };
    }
    default:
      return null;
  }
}

function monthFromTokens(text: string): number | null {
  let found: number | null = null;
  for (const token of text.split(/[\s/.-]+/).filter(Boolean)) {
    const cjk = /^(\d{1,2})月$/.exec(token);
    const month = cjk ? Number(cjk[1]) : MONTHS[token.slice(0, 3)];
    if (month === undefined || month < 1 || month > 12) return null;
    // Both halves of a bilingual month must agree ('FEB/MAR' is a misread, not a date).
    if (found !== null && found !== month) return null;
    found = month;
  }
  return found;
}

/**
 * Parses a date as printed on an ID document and says what is wrong with it.
 * @example parseDocumentDate('1990年2月21日', 'cjk').date // '1990-02-21'
 */
export function parseDocumentDate(
  input: string,
  style: DateStyle = 'auto',
  opts: DateOptions = {},
): DocumentDateResult {
  assertString(input, 'input');
  const s = input.trim();
  if (s === '') return { errors: [{ code: IssueCode.Empty, message: 'date is empty' }] };
  const effective = style === DateStyle.Auto ? detectStyle(s) : style;
  const parts = splitParts(s, effective);
  if (!parts) {
    return { errors: [{ code: IssueCode.Format, message: `'${s}' is not a ${effective} date` }] };
  }
  const { month, day } = parts;
  if (!isRealDate(parts.twoDigitYear ? 2000 + parts.year : parts.year, month, day)) {
    // 2000 is a leap year, so 29 February with a two-digit year is judged again after the century is known.
    return { errors: [{ code: IssueCode.Date, message: `'${s}' is not a calendar date` }] };
  }
  const year = parts.twoDigitYear ? expandTwoDigitYear(parts.year, month, day, opts) : parts.year;
  if (!isRealDate(year, month, day)) {
    return { errors: [{ code: IssueCode.Date, message: `'${s}' is not a calendar date in ${year}` }] };
  }
  return { date: toIsoDate(year, month, day), errors: [] };
}

/**
 * Normalises a printed date to yyyy-mm-dd, or returns null when it is not a real date in the given style;
 * use {@link parseDocumentDate} to learn why.
 * @example normaliseDate('21 FEB/FEB 90', 'day-month-name') // '1990-02-21'
 */
export function normaliseDate(input: string, style: DateStyle = 'auto', opts: DateOptions = {}): string | null {
  return parseDocumentDate(input, style, opts).date ?? null;
}

/** The mainland ID card's word for a validity without end ("long-term"). */
export const LONG_TERM = '长期';

export interface ValidityPeriod {
  valid: boolean;
  errors: RuleIssue[];
  startDate?: string;
  /**
   * yyyy-mm-dd, or '长期' exactly as the card prints it for long-term cards: the DocOcrV2 response carries
   * the card's own words, and inventing a sentinel date (9999-12-31) would be a value no card shows.
   */
  expiryDate?: string;
  longTerm: boolean;
}

/**
 * Parses the mainland ID emblem side's validity ('2015.03.01-2035.03.01' or '2015.03.01-长期'). Also accepts
 * '–', '—', '~', '至' between the dates and spaces inside them, as OCR returns them.
 */
export function parseValidityPeriod(input: string): ValidityPeriod {
  assertString(input, 'input');
  const s = input.trim().replace(/\s+/g, '');
  const errors: RuleIssue[] = [];
  const m = /^(\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2})[-–—~～至](.+)$/.exec(s);
  if (!m) {
    return {
      valid: false,
      longTerm: false,
      errors: [
        { code: s ? IssueCode.Format : IssueCode.Empty, message: `'${input}' is not 'start-end' or 'start-长期'` },
      ],
    };
  }
  const start = parseDocumentDate(m[1]!, DateStyle.Ymd);
  errors.push(...start.errors.map((e) => ({ ...e, message: `start: ${e.message}` })));
  const result: ValidityPeriod = { valid: false, errors, longTerm: false };
  if (start.date) result.startDate = start.date;
  if (m[2] === LONG_TERM) {
    result.longTerm = true;
    result.expiryDate = LONG_TERM;
  } else {
    const end = parseDocumentDate(m[2]!, DateStyle.Ymd);
    errors.push(...end.errors.map((e) => ({ ...e, message: `end: ${e.message}`, position: m[1]!.length + 1 })));
    if (end.date) result.expiryDate = end.date;
    if (start.date && end.date && end.date <= start.date) {
      errors.push({ code: IssueCode.DateOutOfRange, message: 'expiry is not after the start date' });
    }
  }
  result.valid = errors.length === 0;
  return result;
}

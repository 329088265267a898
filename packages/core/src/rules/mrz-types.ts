import type { IssueCode } from './rule-error.js';

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

/** Lines and length of each ICAO 9303 format. */
export const MRZ_SHAPES: Record<MrzFormat, { lines: number; length: number }> = {
  TD1: { lines: 3, length: 30 },
  TD2: { lines: 2, length: 36 },
  TD3: { lines: 2, length: 44 },
};

/** A span of an MRZ: 0-based line and columns, `end` exclusive. */
export interface MrzPosition {
  line: number;
  start: number;
  end: number;
}

export type MrzField =
  | 'lines'
  | 'documentCode'
  | 'issuingState'
  | 'documentNumber'
  | 'nationality'
  | 'birthDate'
  | 'sex'
  | 'expiryDate'
  | 'name'
  | 'optionalData'
  | 'optionalData2'
  | 'personalNumber'
  | 'composite';

export interface MrzIssue {
  field: MrzField;
  code: IssueCode;
  message: string;
  position?: MrzPosition;
}

export type MrzCheckName = 'documentNumber' | 'birthDate' | 'expiryDate' | 'personalNumber' | 'composite';

export interface MrzCheck {
  /** The check digit as printed. */
  digit: string;
  /** The digit the protected data calls for. */
  expected: string;
  valid: boolean;
  position: MrzPosition;
}

export interface MrzFields {
  /** 'P', 'PT', 'I', 'ID', 'AC'... (fillers removed). */
  documentCode: string;
  /** Three-letter code with fillers removed ('D' for Germany); may be a non-ISO code such as 'UTO'. */
  issuingState: string;
  /** Full number; for TD1/TD2 numbers longer than 9 characters the extension from the optional field is joined. */
  documentNumber: string;
  nationality: string;
  /** yyyy-mm-dd, null when the MRZ date is not a calendar date or is partly unknown ('<<'). */
  birthDate: string | null;
  /** The six MRZ characters as printed. */
  birthDateRaw: string;
  /** 'X' also stands for '<' (unspecified). Null when the character is none of M, F, X, '<'. */
  sex: 'M' | 'F' | 'X' | null;
  expiryDate: string | null;
  expiryDateRaw: string;
  /** Primary identifier: the part before '<<', fillers turned into spaces. */
  surname: string;
  /** Secondary identifier: the part after the first '<<'. */
  givenNames: string;
  /** TD3: personal number; TD2: optional data; TD1: line-1 optional data after any number extension. '<' -> ' '. */
  optionalData: string;
  /** TD1 only: optional data of line 2. */
  optionalData2: string;
}

export interface MrzResult {
  /** Null when neither the format option nor the line shape decides it. */
  format: MrzFormat | null;
  /** True when no errors: shape, characters, dates, sex and every check digit. Unknown state codes are warnings. */
  valid: boolean;
  fields: MrzFields;
  checks: Partial<Record<MrzCheckName, MrzCheck>>;
  errors: MrzIssue[];
  /** Not wrong per ICAO 9303 but worth knowing: non-ISO state codes (e.g. the 'UTO' specimens), unknown date parts. */
  warnings: MrzIssue[];
  /** The lines as parsed: spaces removed, upper-cased, padded or cut to the format's length. */
  lines: string[];
  /** Expiry date before the reference date. */
  expired?: boolean;
}

export interface MrzParseOptions {
  /** Force a format instead of detecting it from the line count and lengths. */
  format?: MrzFormat;
  /** Birth dates are never after this day; expiry dates at most ~20 years after it (default: now). */
  referenceDate?: Date | string;
}

/** Data for the MRZ formatters. Dates are yyyy-mm-dd or MRZ yymmdd. */
export interface MrzInputFields {
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  nationality: string;
  birthDate: string;
  sex: 'M' | 'F' | 'X' | '<';
  expiryDate: string;
  surname: string;
  givenNames: string;
  /** TD3 personal number (<= 14), TD2 optional data (<= 7), TD1 line-1 optional data. */
  optionalData?: string;
  /** TD1 line-2 optional data (<= 11). */
  optionalData2?: string;
}

export interface MrzFormatOptions {
  /** Write this check digit wrong ((d + 1) mod 10), for deliberate-error specimens. Later checks cover the wrong digit. */
  corruptCheckDigit?: MrzCheckName;
}

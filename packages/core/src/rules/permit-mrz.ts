/**
 * Machine-readable codes of Chinese travel permits.
 *
 * Confirmed (notes/chinese-documents.md §5, three independent open-source readers agree, check digits recomputed):
 * the one-line, 30-character code of the Exit-Entry Permit for travelling to and from Hong Kong and Macao
 * (往来港澳通行证, card since 2014), document code 'CS':
 *   1-2 'CS' | 3-11 number | 12 check | 13 '<' | 14-19 expiry yymmdd | 20 check | 21 '<' | 22-27 birth yymmdd
 *   | 28 check | 29 '<' | 30 composite over 3-12 + 14-20 + 22-28   (ICAO 7-3-1 check digits)
 * The line carries no name and no sex.
 *
 * Partly confirmed: document code 'CD' (mainland residents' permit to Taiwan) appears in one reader's constant list
 * with the same layout; it is parsed as such and reported in `unconfirmed`.
 *
 * NOT confirmed: the three-line code on the back of the Mainland Travel Permits for Hong Kong and Macao residents
 * (回乡证, 2013 card) and for Taiwan residents (台胞证, 2015 card). No specification or reader was found. These are
 * parsed as ICAO TD1 (3x30, the only public three-line 30-character layout), and the document codes 'CR' (HK/Macao)
 * and 'CT' (Taiwan) that were given to this project are unverified; every such result lists what was assumed in
 * `unconfirmed`, and its `kind` comes from the document code alone.
 */
import { computeMrzCheckDigit } from './check-digits.js';
import { referenceIso } from './dates.js';
import { readMrzDate, toMrzDate } from './mrz-fields.js';
import { formatTd1Mrz, parseMrz, toMrzLines, toMrzText } from './mrz.js';
import type { MrzCheck, MrzField, MrzInputFields, MrzIssue, MrzPosition } from './mrz-types.js';
import { PermitKind, validatePermitNumber } from './permit-number.js';
import { IssueCode, RuleError, RuleErrorCode } from './rule-error.js';

export const PermitMrzKind = {
  ...PermitKind,
  /** 往来台湾通行证 (mainland residents travelling to Taiwan), document code 'CD'. */
  ExitEntryTaiwan: 'exit-entry-taiwan',
} as const;
export type PermitMrzKind = (typeof PermitMrzKind)[keyof typeof PermitMrzKind];

export type PermitMrzLayout = 'permit-1x30' | 'td1-3x30';

/** Document codes by kind. Only 'CS' is confirmed; see the file comment. */
export const PERMIT_DOCUMENT_CODES: Record<PermitMrzKind, string> = {
  'exit-entry-hk-macao': 'CS',
  'exit-entry-taiwan': 'CD',
  'mainland-travel-hk-macao': 'CR',
  'mainland-travel-taiwan': 'CT',
};

export type PermitCheckName = 'documentNumber' | 'expiryDate' | 'birthDate' | 'composite';

export interface PermitMrzFields {
  documentCode: string;
  documentNumber: string;
  birthDate: string | null;
  birthDateRaw: string;
  expiryDate: string | null;
  expiryDateRaw: string;
  /** Three-line layout only (unconfirmed). */
  surname?: string;
  givenNames?: string;
  sex?: 'M' | 'F' | 'X' | null;
}

export interface PermitMrzResult {
  kind: PermitMrzKind | null;
  layout: PermitMrzLayout | null;
  /** No errors. For the unconfirmed layouts this only means "consistent under the assumed layout". */
  valid: boolean;
  fields: PermitMrzFields;
  checks: Partial<Record<PermitCheckName, MrzCheck>>;
  errors: MrzIssue[];
  warnings: MrzIssue[];
  /** What the result rests on that no source confirmed; empty for a 'CS' line. */
  unconfirmed: string[];
  lines: string[];
  expired?: boolean;
}

export interface PermitMrzOptions {
  referenceDate?: Date | string;
}

const ONE_LINE = {
  documentCode: [0, 2],
  documentNumber: [2, 11],
  documentNumberCheck: [11, 12],
  expiryDate: [13, 19],
  expiryDateCheck: [19, 20],
  birthDate: [21, 27],
  birthDateCheck: [27, 28],
  composite: [29, 30],
  fillers: [12, 20, 28],
} as const;

/** Check digits and dates: digits only (a permit has no unknown date parts). */
const NUMERIC_COLUMNS = new Set([11, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 29]);

const span = (start: number, end: number): MrzPosition => ({ line: 0, start, end });

/**
 * Parses the machine-readable code of a Chinese travel permit: one 30-character line ('CS'/'CD') or three
 * 30-character lines (TD1 assumed, unconfirmed).
 * @example parsePermitMrz('CSC123456788<3012316<9001011<8').fields.documentNumber // 'C12345678'
 */
export function parsePermitMrz(input: string | readonly string[], opts: PermitMrzOptions = {}): PermitMrzResult {
  const lines = toMrzLines(input);
  if (lines.length === 3) return parseThreeLine(lines, opts);
  if (lines.length === 1) return parseOneLine(lines[0]!, opts);
  return {
    kind: null,
    layout: null,
    valid: false,
    fields: {
      documentCode: '',
      documentNumber: '',
      birthDate: null,
      birthDateRaw: '',
      expiryDate: null,
      expiryDateRaw: '',
    },
    checks: {},
    errors: [
      { field: 'lines', code: IssueCode.Format, message: `a permit code has 1 or 3 lines, got ${lines.length}` },
    ],
    warnings: [],
    unconfirmed: [],
    lines,
  };
}

function parseOneLine(given: string, opts: PermitMrzOptions): PermitMrzResult {
  const errors: MrzIssue[] = [];
  const warnings: MrzIssue[] = [];
  const unconfirmed: string[] = [];
  if (given.length !== 30) {
    errors.push({
      field: 'lines',
      code: IssueCode.Length,
      message: `the permit line has ${given.length} characters, expected 30`,
      position: span(Math.min(given.length, 30), Math.max(given.length, 30)),
    });
  }
  const line = given.slice(0, 30).padEnd(30, '<');
  const at = ([s, e]: readonly [number, number]) => line.slice(s, e);
  for (let i = 0; i < 30; i++) {
    const ch = line.charAt(i);
    if (!(NUMERIC_COLUMNS.has(i) ? /[0-9]/ : /[A-Z0-9<]/).test(ch)) {
      errors.push({
        field: fieldAt(i),
        code: IssueCode.Character,
        message: `'${ch}' is not allowed here`,
        position: span(i, i + 1),
      });
    }
  }

  const code = at(ONE_LINE.documentCode);
  let kind: PermitMrzKind | null = null;
  if (code === 'CS') kind = 'exit-entry-hk-macao';
  else if (code === 'CD') {
    kind = 'exit-entry-taiwan';
    unconfirmed.push("document code 'CD' and its layout (one reader's constant list only)");
  } else {
    errors.push({
      field: 'documentCode',
      code: IssueCode.Format,
      message: `document code '${code}' is not CS or CD`,
      position: span(0, 2),
    });
  }
  for (const f of ONE_LINE.fillers) {
    if (line.charAt(f) !== '<') {
      errors.push({
        field: fieldAt(f),
        code: IssueCode.Format,
        message: `position ${f + 1} must be '<'`,
        position: span(f, f + 1),
      });
    }
  }

  const number = at(ONE_LINE.documentNumber);
  if (kind === 'exit-entry-hk-macao') {
    for (const e of validatePermitNumber('exit-entry-hk-macao', number).errors) {
      const p = e.position ?? 0;
      errors.push({ field: 'documentNumber', code: e.code, message: e.message, position: span(2 + p, 3 + p) });
    }
  }

  const check = (data: string, [s, e]: readonly [number, number]): MrzCheck => {
    const digit = line.slice(s, e);
    const expected = computeMrzCheckDigit(data);
    return { digit, expected, valid: digit === expected, position: span(s, e) };
  };
  const checks: Partial<Record<PermitCheckName, MrzCheck>> = {
    documentNumber: check(number, ONE_LINE.documentNumberCheck),
    expiryDate: check(at(ONE_LINE.expiryDate), ONE_LINE.expiryDateCheck),
    birthDate: check(at(ONE_LINE.birthDate), ONE_LINE.birthDateCheck),
    composite: check(line.slice(2, 12) + line.slice(13, 20) + line.slice(21, 28), ONE_LINE.composite),
  };
  for (const [name, c] of Object.entries(checks) as Array<[PermitCheckName, MrzCheck]>) {
    if (!c.valid) {
      errors.push({
        field: name,
        code: IssueCode.CheckDigit,
        message: `${name} check digit is '${c.digit}', expected '${c.expected}'`,
        position: c.position,
      });
    }
  }

  const ref = opts.referenceDate;
  const expiry = readMrzDate([line], [0, ...ONE_LINE.expiryDate], 'expiry', ref, 'expiryDate', errors, warnings);
  const birth = readMrzDate([line], [0, ...ONE_LINE.birthDate], 'past', ref, 'birthDate', errors, warnings);
  const result: PermitMrzResult = {
    kind,
    layout: 'permit-1x30',
    valid: errors.length === 0,
    fields: {
      documentCode: code,
      documentNumber: number.replace(/</g, ''),
      birthDate: birth,
      birthDateRaw: at(ONE_LINE.birthDate),
      expiryDate: expiry,
      expiryDateRaw: at(ONE_LINE.expiryDate),
    },
    checks,
    errors,
    warnings,
    unconfirmed,
    lines: [line],
  };
  if (expiry) result.expired = expiry < referenceIso(opts.referenceDate);
  return result;
}

function fieldAt(i: number): MrzField {
  if (i < 2) return 'documentCode';
  if (i < 13) return 'documentNumber';
  if (i < 21) return 'expiryDate';
  if (i < 29) return 'birthDate';
  return 'composite';
}

const THREE_LINE_ASSUMPTIONS = [
  'three-line layout assumed to be ICAO TD1 (no specification or reader found)',
  'document code CR (HK/Macao) / CT (Taiwan) unverified',
];

function parseThreeLine(lines: string[], opts: PermitMrzOptions): PermitMrzResult {
  const r = parseMrz(lines, {
    format: 'TD1',
    ...(opts.referenceDate === undefined ? {} : { referenceDate: opts.referenceDate }),
  });
  const code = r.fields.documentCode;
  const kind = code === 'CR' ? 'mainland-travel-hk-macao' : code === 'CT' ? 'mainland-travel-taiwan' : null;
  const warnings = r.warnings.filter((w) => !(w.field === 'documentCode' && w.code === IssueCode.Format));
  const errors = [...r.errors];
  if (kind === null) {
    errors.push({
      field: 'documentCode',
      code: IssueCode.Format,
      message: `document code '${code}' is not CR or CT`,
      position: { line: 0, start: 0, end: 2 },
    });
  } else {
    const number = validatePermitNumber(kind, r.fields.documentNumber);
    for (const e of number.errors) {
      warnings.push({ field: 'documentNumber', code: e.code, message: `number shape: ${e.message}` });
    }
  }
  const { documentNumber, birthDate, expiryDate, composite } = r.checks;
  const result: PermitMrzResult = {
    kind,
    layout: 'td1-3x30',
    valid: errors.length === 0,
    fields: {
      documentCode: code,
      documentNumber: r.fields.documentNumber,
      birthDate: r.fields.birthDate,
      birthDateRaw: r.fields.birthDateRaw,
      expiryDate: r.fields.expiryDate,
      expiryDateRaw: r.fields.expiryDateRaw,
      surname: r.fields.surname,
      givenNames: r.fields.givenNames,
      sex: r.fields.sex,
    },
    checks: {
      ...(documentNumber && { documentNumber }),
      ...(birthDate && { birthDate }),
      ...(expiryDate && { expiryDate }),
      ...(composite && { composite }),
    },
    errors,
    warnings,
    unconfirmed: [...THREE_LINE_ASSUMPTIONS],
    lines: r.lines,
  };
  if (r.expired !== undefined) result.expired = r.expired;
  return result;
}

export interface PermitMrzInputFields {
  kind: PermitMrzKind;
  documentNumber: string;
  /** yyyy-mm-dd or yymmdd */
  birthDate: string;
  expiryDate: string;
  /** Three-line layout only. */
  surname?: string;
  givenNames?: string;
  sex?: 'M' | 'F' | 'X';
  nationality?: string;
}

export interface PermitMrzFormatOptions {
  corruptCheckDigit?: PermitCheckName;
}

/**
 * Builds a permit's machine-readable code: one line for the exit-entry permits, three lines (ICAO TD1 with document
 * code CR/CT, issuing state CHN: UNCONFIRMED layout, for specimens only) for the mainland travel permits.
 * @example formatPermitMrz({ kind: 'exit-entry-hk-macao', documentNumber: 'C12345678', expiryDate: '2030-12-31', birthDate: '1990-01-01' })
 * // ['CSC123456788<3012316<9001011<8']
 */
export function formatPermitMrz(fields: PermitMrzInputFields, opts: PermitMrzFormatOptions = {}): string[] {
  const code = PERMIT_DOCUMENT_CODES[fields.kind];
  if (code === undefined)
    throw new RuleError(RuleErrorCode.InvalidInput, `unknown permit kind '${String(fields.kind)}'`);
  if (fields.kind === 'mainland-travel-hk-macao' || fields.kind === 'mainland-travel-taiwan') {
    const td1: MrzInputFields = {
      documentCode: code,
      issuingState: 'CHN',
      documentNumber: fields.documentNumber,
      nationality: fields.nationality ?? 'CHN',
      birthDate: fields.birthDate,
      sex: fields.sex ?? 'X',
      expiryDate: fields.expiryDate,
      surname: fields.surname ?? '',
      givenNames: fields.givenNames ?? '',
    };
    return formatTd1Mrz(td1, opts.corruptCheckDigit ? { corruptCheckDigit: opts.corruptCheckDigit } : {});
  }
  const number = toMrzText(fields.documentNumber);
  if (!/^[A-Z0-9]{1,9}$/.test(number)) {
    throw new RuleError(RuleErrorCode.InvalidField, 'documentNumber must be 1-9 letters or digits');
  }
  const parts = {
    number: number.padEnd(9, '<'),
    expiry: toMrzDate(fields.expiryDate, 'expiryDate'),
    birth: toMrzDate(fields.birthDate, 'birthDate'),
  };
  const digit = (name: PermitCheckName, data: string) => {
    const d = computeMrzCheckDigit(data);
    return name === opts.corruptCheckDigit ? String((Number(d) + 1) % 10) : d;
  };
  const a = parts.number + digit('documentNumber', parts.number);
  const b = parts.expiry + digit('expiryDate', parts.expiry);
  const c = parts.birth + digit('birthDate', parts.birth);
  return [`${code}${a}<${b}<${c}<${digit('composite', a + b + c)}`];
}

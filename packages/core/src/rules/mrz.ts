/**
 * ICAO 9303 machine-readable zones: TD1 (3x30), TD2 (2x36), TD3 (2x44).
 *
 * Library decision: the parser is our own; the `mrz` package (cheminfo) supplies the ISO 3166 / ICAO state-code
 * table and serves as a reference implementation in the tests (random valid MRZs must parse the same in both).
 * Its `parse()` was not used as the engine because, for OCR output, it: throws on lines with stray characters,
 * returns null for any field that fails validation (so the caller loses what was read), treats a non-ISO state code
 * (the ICAO 'UTO' specimens) as invalid like a bad check digit, rejects sex 'X' (ICAO 9303 8th ed.), leaves dates as
 * yymmdd without a century, and gives no hook for trying repairs against the check digits. Everything here keeps the
 * raw reading, reports each problem with its field and position, and maps fillers and dates.
 * Out of scope: the French national ID and Swiss/French driving licences that `mrz` also reads, and visas (MRV-A/B).
 */
import { states } from 'mrz';
import { computeMrzCheckDigit } from './check-digits.js';
import { referenceIso } from './dates.js';
import { cleanFillers, pos, readMrzDate, text, toMrzDate, type Span } from './mrz-fields.js';
import {
  MRZ_SHAPES,
  type MrzCheck,
  type MrzCheckName,
  type MrzField,
  type MrzFields,
  type MrzFormat,
  type MrzFormatOptions,
  type MrzInputFields,
  type MrzIssue,
  type MrzParseOptions,
  type MrzResult,
} from './mrz-types.js';
import { describe, IssueCode, RuleError, RuleErrorCode } from './rule-error.js';

interface Layout {
  documentCode: Span;
  issuingState: Span;
  name: Span;
  documentNumber: Span;
  documentNumberCheck: Span;
  nationality: Span;
  birthDate: Span;
  birthDateCheck: Span;
  sex: Span;
  expiryDate: Span;
  expiryDateCheck: Span;
  optionalData: Span;
  optionalData2?: Span;
  personalNumberCheck?: Span;
  composite: Span;
  compositeOver: readonly Span[];
  /** TD1 and TD2 continue a number longer than 9 characters in the optional field. */
  extendedNumber: boolean;
}

const TD3_LINE2_LAYOUT = {
  documentNumber: [1, 0, 9],
  documentNumberCheck: [1, 9, 10],
  nationality: [1, 10, 13],
  birthDate: [1, 13, 19],
  birthDateCheck: [1, 19, 20],
  sex: [1, 20, 21],
  expiryDate: [1, 21, 27],
  expiryDateCheck: [1, 27, 28],
} as const;

export const MRZ_LAYOUTS: Record<MrzFormat, Layout> = {
  TD1: {
    documentCode: [0, 0, 2],
    issuingState: [0, 2, 5],
    documentNumber: [0, 5, 14],
    documentNumberCheck: [0, 14, 15],
    optionalData: [0, 15, 30],
    birthDate: [1, 0, 6],
    birthDateCheck: [1, 6, 7],
    sex: [1, 7, 8],
    expiryDate: [1, 8, 14],
    expiryDateCheck: [1, 14, 15],
    nationality: [1, 15, 18],
    optionalData2: [1, 18, 29],
    composite: [1, 29, 30],
    compositeOver: [
      [0, 5, 30],
      [1, 0, 7],
      [1, 8, 15],
      [1, 18, 29],
    ],
    name: [2, 0, 30],
    extendedNumber: true,
  },
  TD2: {
    documentCode: [0, 0, 2],
    issuingState: [0, 2, 5],
    name: [0, 5, 36],
    ...TD3_LINE2_LAYOUT,
    optionalData: [1, 28, 35],
    composite: [1, 35, 36],
    compositeOver: [
      [1, 0, 10],
      [1, 13, 20],
      [1, 21, 35],
    ],
    extendedNumber: true,
  },
  TD3: {
    documentCode: [0, 0, 2],
    issuingState: [0, 2, 5],
    name: [0, 5, 44],
    ...TD3_LINE2_LAYOUT,
    optionalData: [1, 28, 42],
    personalNumberCheck: [1, 42, 43],
    composite: [1, 43, 44],
    compositeOver: [
      [1, 0, 10],
      [1, 13, 20],
      [1, 21, 43],
    ],
    extendedNumber: false,
  },
};

/** Which characters a field may hold; the repair uses the same classes. */
export type MrzCharClass = 'alpha' | 'numeric' | 'alphanumeric';

/** Every span of a format with its character class, in reading order. */
export function mrzFieldClasses(format: MrzFormat): Array<{ field: MrzField; span: Span; cls: MrzCharClass }> {
  const l = MRZ_LAYOUTS[format];
  const out: Array<{ field: MrzField; span: Span; cls: MrzCharClass }> = [
    { field: 'documentCode', span: l.documentCode, cls: 'alpha' },
    { field: 'issuingState', span: l.issuingState, cls: 'alpha' },
    { field: 'name', span: l.name, cls: 'alpha' },
    { field: 'documentNumber', span: l.documentNumber, cls: 'alphanumeric' },
    { field: 'documentNumber', span: l.documentNumberCheck, cls: 'numeric' },
    { field: 'nationality', span: l.nationality, cls: 'alpha' },
    { field: 'birthDate', span: l.birthDate, cls: 'numeric' },
    { field: 'birthDate', span: l.birthDateCheck, cls: 'numeric' },
    { field: 'sex', span: l.sex, cls: 'alpha' },
    { field: 'expiryDate', span: l.expiryDate, cls: 'numeric' },
    { field: 'expiryDate', span: l.expiryDateCheck, cls: 'numeric' },
    { field: format === 'TD3' ? 'personalNumber' : 'optionalData', span: l.optionalData, cls: 'alphanumeric' },
    { field: 'composite', span: l.composite, cls: 'numeric' },
  ];
  if (l.optionalData2) out.push({ field: 'optionalData2', span: l.optionalData2, cls: 'alphanumeric' });
  if (l.personalNumberCheck) out.push({ field: 'personalNumber', span: l.personalNumberCheck, cls: 'numeric' });
  return out;
}

const EMPTY_FIELDS: MrzFields = {
  documentCode: '',
  issuingState: '',
  documentNumber: '',
  nationality: '',
  birthDate: null,
  birthDateRaw: '',
  sex: null,
  expiryDate: null,
  expiryDateRaw: '',
  surname: '',
  givenNames: '',
  optionalData: '',
  optionalData2: '',
};

/** Splits input into MRZ lines: newlines separate lines, spaces are OCR noise, empty lines are dropped. */
export function toMrzLines(input: string | readonly string[]): string[] {
  let raw: readonly unknown[];
  if (typeof input === 'string') raw = input.split(/\r?\n|\r/);
  else if (Array.isArray(input)) raw = input;
  else
    throw new RuleError(
      RuleErrorCode.InvalidInput,
      `MRZ must be a string or an array of strings, got ${describe(input)}`,
    );
  return raw
    .map((line, i) => {
      if (typeof line !== 'string') {
        throw new RuleError(RuleErrorCode.InvalidInput, `MRZ line ${i + 1} must be a string, got ${describe(line)}`);
      }
      return line.replace(/\s+/g, '').toUpperCase();
    })
    .filter((line) => line !== '');
}

/** Guesses the format from line count and length; null when it cannot be told. */
export function detectMrzFormat(lines: readonly string[]): MrzFormat | null {
  if (lines.length === 3) return 'TD1';
  if (lines.length !== 2) return null;
  const len = Math.max(lines[0]!.length, lines[1]!.length);
  if (len < 33) return null;
  return len <= 40 ? 'TD2' : 'TD3';
}

/**
 * Parses a TD1, TD2 or TD3 MRZ, checking every check digit and reporting every problem with its field and position.
 * @example parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'])
 */
export function parseMrz(input: string | readonly string[], opts: MrzParseOptions = {}): MrzResult {
  const given = toMrzLines(input);
  const errors: MrzIssue[] = [];
  const warnings: MrzIssue[] = [];
  const format = opts.format ?? detectMrzFormat(given);
  if (format === null) {
    errors.push({
      field: 'lines',
      code: IssueCode.Format,
      message: `cannot tell the format from ${given.length} line(s) of length ${given.map((l) => l.length).join('/') || 0}`,
    });
    return { format, valid: false, fields: { ...EMPTY_FIELDS }, checks: {}, errors, warnings, lines: given };
  }
  const shape = MRZ_SHAPES[format];
  if (given.length !== shape.lines) {
    errors.push({
      field: 'lines',
      code: IssueCode.Length,
      message: `${format} has ${shape.lines} lines, got ${given.length}`,
    });
  }
  const lines: string[] = [];
  for (let i = 0; i < shape.lines; i++) {
    const line = given[i] ?? '';
    if (i < given.length && line.length !== shape.length) {
      errors.push({
        field: 'lines',
        code: IssueCode.Length,
        message: `line ${i + 1} has ${line.length} characters, ${format} needs ${shape.length}`,
        position: { line: i, start: Math.min(line.length, shape.length), end: Math.max(line.length, shape.length) },
      });
    }
    lines.push(line.slice(0, shape.length).padEnd(shape.length, '<'));
  }

  for (const { field, span, cls } of mrzFieldClasses(format)) {
    const value = text(lines, span);
    for (let k = 0; k < value.length; k++) {
      const ch = value.charAt(k);
      if (!fitsClass(ch, cls)) {
        const at = span[1] + k;
        errors.push({
          field,
          code: IssueCode.Character,
          message: `'${ch}' is not allowed in ${field} (${cls})`,
          position: { line: span[0], start: at, end: at + 1 },
        });
      }
    }
  }

  const layout = MRZ_LAYOUTS[format];
  const ref = opts.referenceDate;
  const checks: Partial<Record<MrzCheckName, MrzCheck>> = {};

  const code = text(lines, layout.documentCode);
  if (!/^[A-Z]/.test(code)) {
    errors.push({
      field: 'documentCode',
      code: IssueCode.Format,
      message: 'document code starts with a letter',
      position: pos(layout.documentCode),
    });
  }

  // ICAO reserves A, C, I for TD1/TD2 and P for passports (V for visas, not read here); some issuers use others,
  // so an unusual first letter is a warning, not an error.
  if (/^[A-Z]/.test(code) && !(format === 'TD3' ? /^P/ : /^[ACI]/).test(code)) {
    warnings.push({
      field: 'documentCode',
      code: IssueCode.Format,
      message: `document code '${code}' is not ICAO's ${format === 'TD3' ? 'P' : 'A, C or I'}`,
      position: pos(layout.documentCode),
    });
  }

  const number = readDocumentNumber(lines, layout);
  if (number.missingCheck) {
    errors.push({
      field: 'documentNumber',
      code: IssueCode.CheckDigit,
      message: 'extended document number has no check digit in the optional field',
      position: pos(layout.optionalData),
    });
  } else {
    const check = checkDigit(lines, number.data, number.checkSpan);
    if (!check.valid && number.altData !== undefined && computeMrzCheckDigit(number.altData) === check.digit) {
      check.valid = true;
      check.expected = check.digit;
    }
    checks.documentNumber = check;
  }

  const birth = readMrzDate(lines, layout.birthDate, 'past', ref, 'birthDate', errors, warnings);
  checks.birthDate = checkDigit(lines, text(lines, layout.birthDate), layout.birthDateCheck);
  const expiry = readMrzDate(lines, layout.expiryDate, 'expiry', ref, 'expiryDate', errors, warnings);
  checks.expiryDate = checkDigit(lines, text(lines, layout.expiryDate), layout.expiryDateCheck);
  if (layout.personalNumberCheck) {
    const data = text(lines, layout.optionalData);
    const check = checkDigit(lines, data, layout.personalNumberCheck);
    // An empty personal number may carry '<' or 0 as its check digit (ICAO 9303 part 4, 4.2.2).
    if (/^<+$/.test(data) && (check.digit === '<' || check.digit === '0')) check.valid = true;
    checks.personalNumber = check;
  }
  checks.composite = checkDigit(lines, layout.compositeOver.map((s) => text(lines, s)).join(''), layout.composite);

  const fieldOf: Record<MrzCheckName, MrzField> = {
    documentNumber: 'documentNumber',
    birthDate: 'birthDate',
    expiryDate: 'expiryDate',
    personalNumber: 'personalNumber',
    composite: 'composite',
  };
  for (const [name, check] of Object.entries(checks) as Array<[MrzCheckName, MrzCheck]>) {
    if (!check.valid) {
      errors.push({
        field: fieldOf[name],
        code: IssueCode.CheckDigit,
        message: `${name} check digit is '${check.digit}', expected '${check.expected}'`,
        position: check.position,
      });
    }
  }

  const sexChar = text(lines, layout.sex);
  const sex = sexChar === 'M' || sexChar === 'F' ? sexChar : sexChar === 'X' || sexChar === '<' ? 'X' : null;
  if (sex === null) {
    errors.push({
      field: 'sex',
      code: IssueCode.Sex,
      message: `sex '${sexChar}' is not M, F, X or <`,
      position: pos(layout.sex),
    });
  }

  const issuingState = text(lines, layout.issuingState).replace(/</g, '');
  const nationality = text(lines, layout.nationality).replace(/</g, '');
  for (const [field, value, span] of [
    ['issuingState', issuingState, layout.issuingState],
    ['nationality', nationality, layout.nationality],
  ] as const) {
    if (/^[A-Z]+$/.test(value) && !(value in states)) {
      warnings.push({
        field,
        code: IssueCode.UnknownState,
        message: `'${value}' is not an ISO 3166 / ICAO state code`,
        position: pos(span),
      });
    }
  }

  const nameField = text(lines, layout.name);
  const split = nameField.indexOf('<<');
  const fields: MrzFields = {
    documentCode: code.replace(/</g, ''),
    issuingState,
    documentNumber: number.value,
    nationality,
    birthDate: birth,
    birthDateRaw: text(lines, layout.birthDate),
    sex,
    expiryDate: expiry,
    expiryDateRaw: text(lines, layout.expiryDate),
    surname: cleanFillers(split < 0 ? nameField : nameField.slice(0, split)).trim(),
    givenNames: split < 0 ? '' : cleanFillers(nameField.slice(split + 2)).trim(),
    optionalData: cleanFillers(number.optionalRest),
    optionalData2: layout.optionalData2 ? cleanFillers(text(lines, layout.optionalData2)) : '',
  };
  const result: MrzResult = { format, valid: errors.length === 0, fields, checks, errors, warnings, lines };
  if (expiry) result.expired = expiry < referenceIso(ref);
  return result;
}

function fitsClass(ch: string, cls: MrzCharClass): boolean {
  if (ch === '<') return true;
  if (cls === 'numeric') return /[0-9]/.test(ch);
  if (cls === 'alpha') return /[A-Z]/.test(ch);
  return /[0-9A-Z]/.test(ch);
}

interface DocumentNumberReading {
  value: string;
  /** The characters the check digit covers (fillers included). */
  data: string;
  checkSpan: Span;
  missingCheck: boolean;
  /** Optional data left after an extended number. */
  optionalRest: string;
  /** Extended numbers: the other reading of what the check digit covers (see readDocumentNumber). */
  altData?: string;
}

function readDocumentNumber(lines: readonly string[], layout: Layout): DocumentNumberReading {
  const base = text(lines, layout.documentNumber);
  const optional = text(lines, layout.optionalData);
  if (!layout.extendedNumber || text(lines, layout.documentNumberCheck) !== '<') {
    return {
      value: base.replace(/</g, ''),
      data: base,
      checkSpan: layout.documentNumberCheck,
      missingCheck: false,
      optionalRest: optional,
    };
  }
  // ICAO 9303 part 5/6: '<' in the check position means the number continues in the optional field, ended by its
  // check digit and a filler. Issuers differ on whether that '<' is inside the checked data (PRADO BEL-BO-11005
  // checks without it, BEL-BO-03003 with it; the ICAO example gives the same digit both ways), so both are accepted,
  // as the mrz package does. The formatters write the digit over the number alone.
  const ext = /^[^<]+/.exec(optional)?.[0] ?? '';
  if (ext === '') {
    return {
      value: base.replace(/</g, ''),
      data: base,
      checkSpan: layout.documentNumberCheck,
      missingCheck: true,
      optionalRest: optional,
    };
  }
  const [line, start] = layout.optionalData;
  const checkAt = start + ext.length - 1;
  return {
    value: (base + ext.slice(0, -1)).replace(/</g, ''),
    data: base + ext.slice(0, -1),
    checkSpan: [line, checkAt, checkAt + 1],
    missingCheck: false,
    optionalRest: optional.slice(ext.length + 1),
    altData: `${base}<${ext.slice(0, -1)}`,
  };
}

function checkDigit(lines: readonly string[], data: string, span: Span): MrzCheck {
  const digit = text(lines, span);
  const expected = computeMrzCheckDigit(data);
  return { digit, expected, valid: digit === expected, position: pos(span) };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatters (specimen generation)

function invalidField(message: string): never {
  throw new RuleError(RuleErrorCode.InvalidField, message);
}

/** Upper case, accents stripped, spaces/hyphens/commas as '<', apostrophes dropped; only A-Z, 0-9, '<' remain. */
export function toMrzText(value: string): string {
  if (typeof value !== 'string') invalidField(`expected a string, got ${describe(value)}`);
  const s = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/['’.]/g, '')
    .replace(/[\s,-]+/g, '<');
  if (!/^[A-Z0-9<]*$/.test(s)) invalidField(`'${value}' has characters an MRZ cannot carry (transliterate first)`);
  return s;
}

function padded(value: string, width: number, what: string): string {
  const s = toMrzText(value);
  if (s.length > width) invalidField(`${what} '${value}' is longer than ${width}`);
  return s.padEnd(width, '<');
}

function mrzName(surname: string, givenNames: string, width: number): string {
  const g = toMrzText(givenNames.trim());
  const s = toMrzText(surname.trim());
  if (/\d/.test(g + s)) invalidField('names cannot contain digits');
  // ICAO truncates long names at the end of the field; a truncated name simply has no trailing filler.
  return (s + (g ? `<<${g}` : '')).slice(0, width).padEnd(width, '<');
}

function mrzSex(sex: string): string {
  if (sex === 'M' || sex === 'F' || sex === '<') return sex;
  if (sex === 'X') return '<';
  return invalidField(`sex must be M, F, X or <, got '${sex}'`);
}

/** Writes check digits into an MRZ being built, corrupting the one asked for. */
class MrzBuilder {
  readonly lines: string[][];
  constructor(
    lines: string[],
    private readonly corrupt: MrzCheckName | undefined,
  ) {
    this.lines = lines.map((l) => [...l]);
  }
  read([line, start, end]: Span): string {
    return this.lines[line]!.slice(start, end).join('');
  }
  write(name: MrzCheckName, [line, start]: Span, data: string, emptyAsFiller = false): void {
    let digit = emptyAsFiller && /^<*$/.test(data) ? '<' : computeMrzCheckDigit(data);
    if (name === this.corrupt) digit = String(((digit === '<' ? 0 : Number(digit)) + 1) % 10);
    this.lines[line]![start] = digit;
  }
  result(): string[] {
    return this.lines.map((l) => l.join(''));
  }
}

function buildMrz(format: MrzFormat, f: MrzInputFields, opts: MrzFormatOptions): string[] {
  const layout = MRZ_LAYOUTS[format];
  const { lines: count, length } = MRZ_SHAPES[format];
  const lines = Array.from({ length: count }, () => '<'.repeat(length).split(''));
  const put = ([line, start, end]: Span, value: string) => {
    if (value.length !== end - start) throw new Error(`internal: ${value} does not fit ${end - start}`);
    lines[line]!.splice(start, end - start, ...value);
  };
  put(layout.documentCode, padded(f.documentCode, 2, 'documentCode'));
  if (!/^[A-Z]/.test(f.documentCode.toUpperCase())) invalidField('documentCode must start with a letter');
  put(layout.issuingState, padded(f.issuingState, 3, 'issuingState'));
  put(layout.nationality, padded(f.nationality, 3, 'nationality'));
  put(layout.name, mrzName(f.surname, f.givenNames, layout.name[2] - layout.name[1]));
  put(layout.birthDate, toMrzDate(f.birthDate, 'birthDate'));
  put(layout.sex, mrzSex(f.sex));
  put(layout.expiryDate, toMrzDate(f.expiryDate, 'expiryDate'));
  if (layout.optionalData2) put(layout.optionalData2, padded(f.optionalData2 ?? '', 11, 'optionalData2'));
  else if (f.optionalData2) invalidField(`${format} has no second optional field`);

  const number = toMrzText(f.documentNumber);
  if (number === '' || number.includes('<')) invalidField('documentNumber must be letters and digits only');
  const optWidth = layout.optionalData[2] - layout.optionalData[1];
  const optional = toMrzText(f.optionalData ?? '');
  let extension = '';
  if (number.length > 9) {
    if (!layout.extendedNumber) invalidField(`${format} document numbers have at most 9 characters`);
    extension = number.slice(9);
  }
  put(layout.documentNumber, number.slice(0, 9).padEnd(9, '<'));
  // Extended numbers: '<' at the check position, then the rest, its check digit ('?' until written) and a filler.
  const optionalText = extension ? `${extension}?<${optional}` : optional;
  if (optionalText.length > optWidth)
    invalidField(`optionalData (with any number extension) is longer than ${optWidth}`);
  put(layout.optionalData, optionalText.padEnd(optWidth, '<'));

  const b = new MrzBuilder(
    lines.map((l) => l.join('')),
    opts.corruptCheckDigit,
  );
  if (extension) {
    const [line, start] = layout.optionalData;
    b.write('documentNumber', [line, start + extension.length, start + extension.length + 1], number);
  } else {
    b.write('documentNumber', layout.documentNumberCheck, b.read(layout.documentNumber));
  }
  b.write('birthDate', layout.birthDateCheck, b.read(layout.birthDate));
  b.write('expiryDate', layout.expiryDateCheck, b.read(layout.expiryDate));
  if (layout.personalNumberCheck)
    b.write('personalNumber', layout.personalNumberCheck, b.read(layout.optionalData), true);
  else if (opts.corruptCheckDigit === 'personalNumber') invalidField(`${format} has no personal number check digit`);
  b.write('composite', layout.composite, layout.compositeOver.map((s) => b.read(s)).join(''));
  return b.result();
}

/**
 * Builds a passport-size (TD3) MRZ with correct check digits, or one deliberately wrong one.
 * @example formatTd3Mrz({ documentCode: 'P', issuingState: 'UTO', surname: 'Eriksson', givenNames: 'Anna Maria', ... })
 */
export function formatTd3Mrz(fields: MrzInputFields, opts: MrzFormatOptions = {}): [string, string] {
  const [a, b] = buildMrz('TD3', fields, opts);
  return [a!, b!];
}

/** Builds a TD2 (2x36) MRZ; numbers over 9 characters continue in the optional field. */
export function formatTd2Mrz(fields: MrzInputFields, opts: MrzFormatOptions = {}): [string, string] {
  const [a, b] = buildMrz('TD2', fields, opts);
  return [a!, b!];
}

/** Builds an ID-card-size (TD1, 3x30) MRZ; numbers over 9 characters continue in the optional field. */
export function formatTd1Mrz(fields: MrzInputFields, opts: MrzFormatOptions = {}): [string, string, string] {
  const [a, b, c] = buildMrz('TD1', fields, opts);
  return [a!, b!, c!];
}

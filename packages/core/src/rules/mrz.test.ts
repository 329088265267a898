import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse as referenceParse, states } from 'mrz';
import { describe, expect, it } from 'vitest';
import { formatTd1Mrz, formatTd2Mrz, formatTd3Mrz, MRZ_LAYOUTS, parseMrz } from './mrz.js';
import type { MrzCheckName, MrzFormat, MrzInputFields } from './mrz-types.js';
import { RuleError } from './rule-error.js';
import { validateTwNationalId } from './tw-national-id.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
interface CheminfoCase {
  name: string;
  mrz: string[];
  format: string;
  valid: boolean;
  fields?: Record<string, string | null>;
}
const cheminfo = (
  JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/fixtures/vectors/mrz_cheminfo.json'), 'utf8')) as {
    cases: CheminfoCase[];
  }
).cases.filter((c) => ['TD1', 'TD2', 'TD3'].includes(c.format));
const referenceDate = '2026-11-26';

const icaoTd3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

describe('parseMrz on the mrz package test vectors', () => {
  it.each(cheminfo.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = parseMrz(c.mrz, { referenceDate });
    expect(r.format).toBe(c.format);
    // cheminfo's verdict also fails non-ISO states; ours keeps those as warnings.
    const unknownState = r.warnings.some((w) => w.code === 'UNKNOWN_STATE');
    expect(r.valid && !unknownState).toBe(c.valid);
    if (!c.name.includes('wrong')) expect(r.errors).toEqual([]);
    const f = c.fields;
    if (!f) return;
    const extended =
      c.format !== 'TD3' && r.lines[c.format === 'TD1' ? 0 : 1]!.charAt(c.format === 'TD1' ? 14 : 9) === '<';
    const expected: Record<string, unknown> = {
      documentCode: f.documentCode,
      documentNumber: f.documentNumber,
      birthDateRaw: f.birthDate,
      expiryDateRaw: f.expirationDate,
      sex: f.sex === 'male' ? 'M' : f.sex === 'female' ? 'F' : 'X',
      surname: f.lastName,
      givenNames: f.firstName,
    };
    if (f.issuingState) expected.issuingState = f.issuingState;
    if (f.nationality) expected.nationality = f.nationality;
    if (c.format === 'TD3') expected.optionalData = f.personalNumber;
    if (c.format === 'TD2') expected.optionalData = f.optional;
    if (c.format === 'TD1') expected.optionalData2 = f.optional2;
    // cheminfo keeps an extended number's tail inside optional1; we move it into documentNumber.
    if (c.format === 'TD1' && !extended) expected.optionalData = f.optional1;
    expect(r.fields).toMatchObject(expected);
    expect(r.checks.documentNumber?.digit).toBe(f.documentNumberCheckDigit);
    expect(r.checks.composite?.digit).toBe(f.compositeCheckDigit);
  });

  it('says which check failed and where', () => {
    const wrongNumber = parseMrz(cheminfo.find((c) => c.name.includes('wrong document number'))!.mrz, {
      referenceDate,
    });
    expect(wrongNumber.errors).toContainEqual(
      expect.objectContaining({
        field: 'documentNumber',
        code: 'CHECK_DIGIT',
        position: { line: 0, start: 18, end: 19 },
      }),
    );
    const wrongBirth = parseMrz(cheminfo.find((c) => c.name.includes('wrong birth'))!.mrz, { referenceDate });
    expect(wrongBirth.errors.map((e) => e.field)).toEqual(['birthDate', 'composite']);
    const wrongPersonal = parseMrz(cheminfo.find((c) => c.name.includes('wrong personal'))!.mrz, { referenceDate });
    // The composite covers the personal number's check digit, so it fails too.
    expect(wrongPersonal.errors).toEqual([
      expect.objectContaining({
        field: 'personalNumber',
        code: 'CHECK_DIGIT',
        position: { line: 1, start: 42, end: 43 },
      }),
      expect.objectContaining({ field: 'composite', code: 'CHECK_DIGIT' }),
    ]);
  });
});

describe('parseMrz on MRZs transcribed from the real fixture images', () => {
  it('reads the ROC passport specimen (PassportEye 100_pass-chn.jpg) and its Taiwan ID personal number', () => {
    const r = parseMrz(
      ['P<TWNLIN<<MEI<HUA<<<<<<<<<<<<<<<<<<<<<<<<<<<', '0000000000TWN7601015F1404018A234567893<<<<18'],
      { referenceDate },
    );
    expect(r).toMatchObject({ valid: true, format: 'TD3', warnings: [] });
    expect(r.fields).toMatchObject({
      issuingState: 'TWN',
      surname: 'LIN',
      givenNames: 'MEI HUA',
      birthDate: '1976-01-01',
      expiryDate: '2014-04-01',
      sex: 'F',
      optionalData: 'A234567893',
    });
    expect(validateTwNationalId(r.fields.optionalData).valid).toBe(true);
  });

  it('reads the Slovenian ID specimen (PassportEye 100_id-si.jpg)', () => {
    const r = parseMrz(
      ['I<SI<09999100180706966505468<<', '6606079F0807276SI<<<<<<<<<<<<0', 'VZOREC<<TINA<<<<<<<<<<<<<<<<<<'],
      { referenceDate },
    );
    expect(r).toMatchObject({ valid: true, format: 'TD1' });
    // This card writes Slovenia as 'SI<', not the ISO 3166 alpha-3 'SVN': a warning, not an error.
    expect(r.warnings.map((w) => `${w.field}:${w.code}`)).toEqual([
      'issuingState:UNKNOWN_STATE',
      'nationality:UNKNOWN_STATE',
    ]);
    expect(r.fields).toMatchObject({ issuingState: 'SI', documentNumber: '099991001', optionalData: '0706966505468' });
  });

  it('flags the digits in the nationality of the Romanian sample (PassportEye 100_id-rou.jpg) though every check passes', () => {
    const r = parseMrz(['IDROUSAVA<<SUPERMAN<<<<<<<<<<<<<<<<<', 'HD198025<51328505095M130509012049941'], {
      referenceDate,
    });
    expect(Object.values(r.checks).every((c) => c.valid)).toBe(true);
    expect(r.errors.map((e) => [e.field, e.code, e.position?.start])).toEqual([
      ['nationality', 'CHARACTER', 10],
      ['nationality', 'CHARACTER', 11],
      ['nationality', 'CHARACTER', 12],
    ]);
  });
});

describe('parseMrz', () => {
  it('reads the ICAO TD3 specimen with centuries and fillers mapped', () => {
    const r = parseMrz(icaoTd3.join('\n'), { referenceDate });
    expect(r).toMatchObject({ format: 'TD3', valid: true, expired: true });
    expect(r.fields).toMatchObject({
      documentCode: 'P',
      issuingState: 'UTO',
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      documentNumber: 'L898902C3',
      birthDate: '1974-08-12',
      expiryDate: '2012-04-15',
      sex: 'F',
      optionalData: 'ZE184226B',
    });
    expect(Object.values(r.checks).every((c) => c.valid)).toBe(true);
    expect(r.warnings.map((w) => w.field)).toEqual(['issuingState', 'nationality']);
  });

  it('keeps birth dates in the past and expiry dates up to 20 years ahead', () => {
    const [l1, l2] = formatTd3Mrz({ ...specimen, birthDate: '250101', expiryDate: '450101' });
    expect(parseMrz([l1, l2], { referenceDate }).fields).toMatchObject({
      birthDate: '2025-01-01',
      expiryDate: '2045-01-01',
    });
    const [m1, m2] = formatTd3Mrz({ ...specimen, birthDate: '270101', expiryDate: '470101' });
    expect(parseMrz([m1, m2], { referenceDate }).fields).toMatchObject({
      birthDate: '1927-01-01',
      expiryDate: '1947-01-01',
    });
  });

  it('reports wrong lengths, bad characters, bad dates and sex, and still reads the rest', () => {
    const r = parseMrz([icaoTd3[0]!.slice(0, 40), 'L898902C36UTO7413322Q1204159ZE184226B<<<<<1O'], { referenceDate });
    const found = r.errors.map((e) => `${e.field}:${e.code}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'lines:LENGTH',
        'composite:CHARACTER',
        'birthDate:DATE',
        'sex:SEX',
        'birthDate:CHECK_DIGIT',
      ]),
    );
    expect(r.errors.find((e) => e.code === 'CHARACTER')?.position).toEqual({ line: 1, start: 43, end: 44 });
    expect(r.fields.documentNumber).toBe('L898902C3');
    expect(r.fields.surname).toBe('ERIKSSON');
  });

  it('accepts sex X and <, and an empty personal number with < or 0 as its check', () => {
    const base = formatTd3Mrz({ ...specimen, sex: 'X', optionalData: '' });
    expect(base[1].charAt(20)).toBe('<');
    expect(base[1].charAt(42)).toBe('<');
    expect(parseMrz(base, { referenceDate }).fields.sex).toBe('X');
    const zero = base[1].slice(0, 42) + '0' + base[1].slice(43);
    expect(parseMrz([base[0], zero], { referenceDate }).checks.personalNumber?.valid).toBe(true);
  });

  it('refuses to guess a format from an odd shape', () => {
    expect(parseMrz('ABC', { referenceDate })).toMatchObject({ format: null, valid: false });
    expect(parseMrz([], { referenceDate }).errors[0]!.code).toBe('FORMAT');
  });

  it('never throws on strings or string arrays; throws RuleError otherwise', () => {
    const line = fc.string({ maxLength: 50 });
    fc.assert(fc.property(fc.oneof(line, fc.array(line, { maxLength: 4 })), (input) => void parseMrz(input)));
    const mrzish = fc.array(fc.stringMatching(/^[A-Z0-9<]{25,48}$/), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(mrzish, (input) => void parseMrz(input, { referenceDate })));
    expect(() => parseMrz(42 as unknown as string)).toThrow(RuleError);
    expect(() => parseMrz(['ok', 42] as unknown as string[])).toThrow(RuleError);
  });
});

const specimen: MrzInputFields = {
  documentCode: 'P',
  issuingState: 'UTO',
  documentNumber: 'L898902C3',
  nationality: 'UTO',
  birthDate: '1974-08-12',
  sex: 'F',
  expiryDate: '2012-04-15',
  surname: 'Eriksson',
  givenNames: 'Anna Maria',
  optionalData: 'ZE184226B',
};

describe('formatTd3Mrz / formatTd2Mrz / formatTd1Mrz', () => {
  it('rebuilds the ICAO specimens', () => {
    expect(formatTd3Mrz(specimen)).toEqual(icaoTd3);
    const td1 = cheminfo.find((c) => c.name === 'Utopia example' && c.format === 'TD1')!.mrz;
    expect(formatTd1Mrz({ ...specimen, documentCode: 'I', documentNumber: 'D23145890', optionalData: 'ABC' })).toEqual(
      td1,
    );
    const td2 = cheminfo.find((c) => c.name === 'Utopia example' && c.format === 'TD2')!.mrz;
    expect(formatTd2Mrz({ ...specimen, documentCode: 'I', documentNumber: 'D23145890', optionalData: '' })).toEqual(
      td2,
    );
  });

  it('writes extended document numbers the ICAO way', () => {
    const belgian = cheminfo.find((c) => c.name === 'Belgium ID BEL-BO-11005 - valid')!;
    const built = formatTd1Mrz({
      documentCode: 'ID',
      issuingState: 'BEL',
      documentNumber: '600001795015',
      nationality: 'BEL',
      birthDate: '130101',
      sex: 'F',
      expiryDate: '231120',
      surname: 'SPECIMEN',
      givenNames: 'SPECIMEN',
      optionalData2: '13010198739',
    });
    expect(built).toEqual(belgian.mrz);
  });

  it('corrupts exactly the check digit asked for', () => {
    for (const name of ['documentNumber', 'birthDate', 'expiryDate', 'personalNumber', 'composite'] as const) {
      const r = parseMrz(formatTd3Mrz(specimen, { corruptCheckDigit: name }), { referenceDate });
      expect(r.errors.map((e) => e.field)).toEqual([name]);
    }
    expect(() => formatTd1Mrz(specimen, { corruptCheckDigit: 'personalNumber' })).toThrow(RuleError);
  });

  it('refuses what an MRZ cannot carry', () => {
    expect(() => formatTd3Mrz({ ...specimen, surname: '张' })).toThrow(RuleError);
    expect(() => formatTd3Mrz({ ...specimen, documentNumber: 'L898902C34' })).toThrow(RuleError);
    expect(() => formatTd3Mrz({ ...specimen, birthDate: '1974-02-30' })).toThrow(RuleError);
    expect(() => formatTd3Mrz({ ...specimen, issuingState: 'UTOP' })).toThrow(RuleError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const stateCodes = Object.keys(states).filter((s) => /^[A-Z]{1,3}$/.test(s));
const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const word = (max: number) => fc.stringMatching(new RegExp(`^[A-Z]{1,${max}}$`));

function fieldsFor(format: MrzFormat, icaoOnly = false) {
  const numberMax = format === 'TD3' ? 9 : format === 'TD2' ? 12 : 14;
  return fc
    .record({
      // The mrz package accepts only ICAO's document codes and M/F.
      documentCode: icaoOnly
        ? fc.stringMatching(format === 'TD3' ? /^P[A-Z]?$/ : /^[ACI][A-UW-Z]?$/)
        : fc.stringMatching(/^[A-Z][A-Z]?$/),
      issuingState: fc.constantFrom(...stateCodes),
      nationality: fc.constantFrom(...stateCodes),
      documentNumber: fc.stringMatching(new RegExp(`^[A-Z0-9]{1,${numberMax}}$`)),
      birthDate: isoDate('1927-01-01', referenceDate),
      sex: fc.constantFrom<'M' | 'F' | 'X'>(...(icaoOnly ? (['M', 'F'] as const) : (['M', 'F', 'X'] as const))),
      expiryDate: isoDate('2000-01-01', '2046-11-01'),
      surname: word(10),
      givenNames: fc.oneof(
        fc.constant(''),
        word(8),
        fc.tuple(word(8), word(7)).map(([a, b]) => `${a} ${b}`),
      ),
      optionalData: fc.stringMatching(/^[A-Z0-9]{0,14}$/),
      optionalData2: fc.stringMatching(/^[A-Z0-9]{0,11}$/),
    })
    .map((f) => {
      const extension = f.documentNumber.length > 9 ? f.documentNumber.length - 9 + 2 : 0;
      const optWidth = { TD1: 15, TD2: 7, TD3: 14 }[format] - extension;
      return {
        ...f,
        optionalData: f.optionalData.slice(0, optWidth),
        optionalData2: format === 'TD1' ? f.optionalData2 : '',
      };
    });
}

const formatters: Record<MrzFormat, (f: MrzInputFields, o?: { corruptCheckDigit?: MrzCheckName }) => string[]> = {
  TD1: formatTd1Mrz,
  TD2: formatTd2Mrz,
  TD3: formatTd3Mrz,
};

describe.each(['TD1', 'TD2', 'TD3'] as const)('%s properties', (format) => {
  it('format -> parse gives the same fields and valid check digits', () => {
    fc.assert(
      fc.property(fieldsFor(format), (f) => {
        const r = parseMrz(formatters[format](f), { referenceDate });
        expect(r.errors).toEqual([]);
        expect(r.format).toBe(format);
        expect(Object.values(r.checks).every((c) => c.valid)).toBe(true);
        expect(r.fields).toEqual({
          documentCode: f.documentCode,
          issuingState: f.issuingState,
          nationality: f.nationality,
          documentNumber: f.documentNumber,
          birthDate: f.birthDate,
          birthDateRaw: f.birthDate.slice(2).replace(/-/g, ''),
          expiryDate: f.expiryDate,
          expiryDateRaw: f.expiryDate.slice(2).replace(/-/g, ''),
          sex: f.sex,
          surname: f.surname,
          givenNames: f.givenNames,
          optionalData: f.optionalData,
          optionalData2: f.optionalData2,
        });
      }),
    );
  });

  it('agrees with the mrz package on valid documents', () => {
    fc.assert(
      fc.property(fieldsFor(format, true), (f) => {
        const lines = formatters[format](f);
        // The mrz package reads any 2x36 MRZ starting 'IDFRA' as the (non-ICAO) French national ID.
        fc.pre(!(format === 'TD2' && lines[0]!.startsWith('IDFRA')));
        const ref = referenceParse(lines);
        const ours = parseMrz(lines, { referenceDate });
        expect(ref.valid).toBe(true);
        expect(ref.fields.documentNumber).toBe(ours.fields.documentNumber);
        expect(ref.fields.birthDate).toBe(ours.fields.birthDateRaw);
        expect(ref.fields.expirationDate).toBe(ours.fields.expiryDateRaw);
        expect(ref.fields.lastName).toBe(ours.fields.surname);
        expect(ref.fields.firstName).toBe(ours.fields.givenNames);
      }),
    );
  });

  it('catches every single-character change inside check-digit-protected data', () => {
    const layout = MRZ_LAYOUTS[format];
    const protectedSpans = [...layout.compositeOver, layout.composite];
    const value = (c: string) => (c === '<' ? 0 : parseInt(c, 36));
    fc.assert(
      fc.property(
        fieldsFor(format),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<'),
        (f, s, k, ch) => {
          const lines = formatters[format](f);
          const [line, start, end] = protectedSpans[s % protectedSpans.length]!;
          const col = start + (k % (end - start));
          const from = lines[line]!.charAt(col);
          // Weights 7-3-1 mod 10 cannot see a change by a multiple of 10 in value (0 <-> A <-> K <-> U <-> '<'),
          // except where the class check sees it (a letter where only digits may stand).
          const numericColumn = mrzNumericColumn(format, line, col);
          fc.pre(from !== ch && ((value(from) - value(ch)) % 10 !== 0 || (numericColumn && /[A-Z]/.test(ch))));
          const bad = lines.map((l, i) => (i === line ? l.slice(0, col) + ch + l.slice(col + 1) : l));
          expect(parseMrz(bad, { referenceDate }).valid, bad.join('\n')).toBe(false);
        },
      ),
    );
  });
});

function mrzNumericColumn(format: MrzFormat, line: number, col: number): boolean {
  const l = MRZ_LAYOUTS[format];
  const spans = [l.documentNumberCheck, l.birthDate, l.birthDateCheck, l.expiryDate, l.expiryDateCheck, l.composite];
  if (l.personalNumberCheck) spans.push(l.personalNumberCheck);
  return spans.some(([ln, s, e]) => ln === line && col >= s && col < e);
}

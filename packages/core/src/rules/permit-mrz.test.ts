import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPermitMrz, parsePermitMrz, type PermitCheckName } from './permit-mrz.js';
import { RuleError } from './rule-error.js';

const referenceDate = '2026-11-26';
const isoDate = (min: string, max: string) =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const eepFields = fc.record({
  kind: fc.constant('exit-entry-hk-macao' as const),
  documentNumber: fc.stringMatching(/^C(\d{8}|[A-Z]\d{7})$/),
  birthDate: isoDate('1927-01-01', referenceDate),
  expiryDate: isoDate('2014-09-01', '2046-11-01'),
});

describe('parsePermitMrz, one-line exit-entry permit (confirmed layout)', () => {
  it('reads the worked examples of the notes', () => {
    const r = parsePermitMrz('CSC123456788<3012316<9001011<8', { referenceDate });
    expect(r).toMatchObject({ kind: 'exit-entry-hk-macao', layout: 'permit-1x30', valid: true, unconfirmed: [] });
    expect(r.fields).toEqual({
      documentCode: 'CS',
      documentNumber: 'C12345678',
      expiryDate: '2030-12-31',
      expiryDateRaw: '301231',
      birthDate: '1990-01-01',
      birthDateRaw: '900101',
    });
    expect(Object.values(r.checks).map((c) => c.digit)).toEqual(['8', '6', '1', '8']);
    expect(parsePermitMrz('CSCE12345674<3406153<0502283<6', { referenceDate }).fields).toMatchObject({
      documentNumber: 'CE1234567',
      expiryDate: '2034-06-15',
      birthDate: '2005-02-28',
    });
  });

  it('rebuilds the worked examples', () => {
    const base = { kind: 'exit-entry-hk-macao' as const };
    expect(
      formatPermitMrz({ ...base, documentNumber: 'C12345678', expiryDate: '2030-12-31', birthDate: '1990-01-01' }),
    ).toEqual(['CSC123456788<3012316<9001011<8']);
    expect(
      formatPermitMrz({ ...base, documentNumber: 'CE1234567', expiryDate: '340615', birthDate: '050228' }),
    ).toEqual(['CSCE12345674<3406153<0502283<6']);
  });

  it('says what is wrong and where', () => {
    const r = parsePermitMrz('CSC123456789<3012316<9001011<8', { referenceDate });
    expect(r.errors.map((e) => [e.field, e.code, e.position?.start])).toEqual([
      ['documentNumber', 'CHECK_DIGIT', 11],
      ['composite', 'CHECK_DIGIT', 29],
    ]);
    const shape = parsePermitMrz('XSD12345678X3013316<9001011<', { referenceDate });
    expect(shape.errors.map((e) => `${e.field}:${e.code}`)).toEqual(
      expect.arrayContaining([
        'lines:LENGTH',
        'documentCode:FORMAT',
        'documentNumber:FORMAT',
        'expiryDate:DATE',
        'composite:CHARACTER',
      ]),
    );
    expect(parsePermitMrz(['a', 'b'], { referenceDate }).errors[0]!.code).toBe('FORMAT');
  });

  it("marks the 'CD' kind as unconfirmed", () => {
    const [line] = formatPermitMrz({
      kind: 'exit-entry-taiwan',
      documentNumber: 'T12345678',
      expiryDate: '2030-12-31',
      birthDate: '1990-01-01',
    });
    const r = parsePermitMrz(line!, { referenceDate });
    expect(r).toMatchObject({ kind: 'exit-entry-taiwan', valid: true });
    expect(r.unconfirmed.length).toBe(1);
  });

  it('round-trips generated permits', () => {
    fc.assert(
      fc.property(eepFields, (f) => {
        const r = parsePermitMrz(formatPermitMrz(f), { referenceDate });
        expect(r.errors).toEqual([]);
        expect(r.fields).toMatchObject({
          documentNumber: f.documentNumber,
          birthDate: f.birthDate,
          expiryDate: f.expiryDate,
        });
      }),
    );
  });

  it('corrupts exactly the check digit asked for', () => {
    const names: PermitCheckName[] = ['documentNumber', 'expiryDate', 'birthDate', 'composite'];
    fc.assert(
      fc.property(eepFields, fc.constantFrom(...names), (f, name) => {
        const r = parsePermitMrz(formatPermitMrz(f, { corruptCheckDigit: name }), { referenceDate });
        expect(r.errors.map((e) => e.field)).toEqual([name]);
      }),
    );
  });

  it('catches every single-character change of number, dates and check digits', () => {
    const value = (c: string) => (c === '<' ? 0 : parseInt(c, 36));
    fc.assert(
      fc.property(
        eepFields,
        fc.integer({ min: 2, max: 29 }),
        fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<'),
        (f, col, ch) => {
          const [line] = formatPermitMrz(f);
          const from = line!.charAt(col);
          // 7-3-1 is blind to value changes by 10 (0/A/K/U/<) in the number; the number's shape check may still see them.
          fc.pre(from !== ch && ((value(from) - value(ch)) % 10 !== 0 || col > 10));
          const bad = line!.slice(0, col) + ch + line!.slice(col + 1);
          expect(parsePermitMrz(bad, { referenceDate }).valid, bad).toBe(false);
        },
      ),
    );
  });
});

describe('parsePermitMrz, three-line mainland travel permits (UNCONFIRMED layout)', () => {
  const fields = {
    kind: 'mainland-travel-hk-macao' as const,
    documentNumber: 'H1234567801',
    birthDate: '1980-05-06',
    expiryDate: '2031-05-06',
    surname: 'CHAN',
    givenNames: 'TAI MAN',
    sex: 'M' as const,
  };

  it('round-trips under the assumed TD1 layout and says it is assumed', () => {
    const lines = formatPermitMrz(fields);
    expect(lines.map((l) => l.length)).toEqual([30, 30, 30]);
    const r = parsePermitMrz(lines, { referenceDate });
    expect(r).toMatchObject({ kind: 'mainland-travel-hk-macao', layout: 'td1-3x30', valid: true });
    expect(r.fields).toMatchObject({ documentNumber: 'H1234567801', surname: 'CHAN', givenNames: 'TAI MAN', sex: 'M' });
    expect(r.unconfirmed.length).toBeGreaterThan(0);
    const tw = parsePermitMrz(
      formatPermitMrz({ ...fields, kind: 'mainland-travel-taiwan', documentNumber: '12345678' }),
      {
        referenceDate,
      },
    );
    expect(tw).toMatchObject({ kind: 'mainland-travel-taiwan', valid: true });
  });

  it('reports other document codes and wrong check digits', () => {
    const lines = formatPermitMrz(fields, { corruptCheckDigit: 'birthDate' });
    expect(parsePermitMrz(lines, { referenceDate }).errors.map((e) => e.field)).toEqual(['birthDate']);
    const other = [
      'I<UTOD231458907ABC<<<<<<<<<<<<',
      '7408122F1204159UTO<<<<<<<<<<<1',
      'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
    ];
    expect(parsePermitMrz(other, { referenceDate })).toMatchObject({ kind: null, valid: false });
  });
});

describe('permit MRZ robustness', () => {
  it('never throws on strings or string arrays; throws RuleError otherwise', () => {
    const line = fc.oneof(fc.string({ maxLength: 34 }), fc.stringMatching(/^[A-Z0-9<]{28,32}$/));
    fc.assert(
      fc.property(
        fc.oneof(line, fc.array(line, { maxLength: 4 })),
        (input) => void parsePermitMrz(input, { referenceDate }),
      ),
    );
    expect(() => parsePermitMrz(undefined as unknown as string)).toThrow(RuleError);
    expect(() =>
      formatPermitMrz({
        kind: 'exit-entry-hk-macao',
        documentNumber: 'C1234567890',
        birthDate: '1990-01-01',
        expiryDate: '2030-01-01',
      }),
    ).toThrow(RuleError);
  });
});

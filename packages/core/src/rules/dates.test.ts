import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandTwoDigitYear, normaliseDate, parseDocumentDate, parseValidityPeriod } from './dates.js';
import { RuleError } from './rule-error.js';

const referenceDate = '2026-11-26';

describe('normaliseDate', () => {
  it('reads every printed style', () => {
    expect(normaliseDate('1990.02.21', 'ymd')).toBe('1990-02-21');
    expect(normaliseDate('1990-2-21', 'ymd')).toBe('1990-02-21');
    expect(normaliseDate('21-02-1990', 'dmy')).toBe('1990-02-21');
    expect(normaliseDate('21 FEB/FEB 90', 'day-month-name', { referenceDate })).toBe('1990-02-21');
    expect(normaliseDate('21 FEB/FÉV 1990', 'day-month-name')).toBe('1990-02-21');
    expect(normaliseDate('21 2月/FEB 1990', 'day-month-name')).toBe('1990-02-21');
    expect(normaliseDate('1990年2月21日', 'cjk')).toBe('1990-02-21');
    expect(normaliseDate('1990 年 2 月 21 日', 'cjk')).toBe('1990-02-21');
    expect(normaliseDate('19900221', 'yyyymmdd')).toBe('1990-02-21');
    expect(normaliseDate('900221', 'yymmdd', { referenceDate })).toBe('1990-02-21');
  });

  it('guesses the style', () => {
    for (const s of ['1990.02.21', '21-02-1990', '21 FEB/FEB 1990', '1990年2月21日', '19900221']) {
      expect(normaliseDate(s, 'auto'), s).toBe('1990-02-21');
    }
  });

  it('refuses what is not a date, and says why', () => {
    expect(normaliseDate('1990.02.30', 'ymd')).toBeNull();
    expect(parseDocumentDate('1990.02.30', 'ymd').errors[0]!.code).toBe('DATE');
    expect(parseDocumentDate('21 FEB/MAR 1990', 'day-month-name').errors[0]!.code).toBe('FORMAT');
    expect(parseDocumentDate('', 'auto').errors[0]!.code).toBe('EMPTY');
    expect(normaliseDate('1990.02.21', 'dmy')).toBeNull();
    expect(normaliseDate('290200', 'yymmdd', { referenceDate })).toBeNull();
    expect(normaliseDate('000229', 'yymmdd', { referenceDate })).toBe('2000-02-29');
  });

  it('round-trips every style', () => {
    const d = fc.date({ min: new Date('1930-01-01'), max: new Date('2026-11-26'), noInvalidDate: true });
    fc.assert(
      fc.property(d, (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, dd] = iso.split('-');
        const mon = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][Number(m) - 1];
        expect(normaliseDate(`${y}.${m}.${dd}`, 'ymd')).toBe(iso);
        expect(normaliseDate(`${dd}-${m}-${y}`, 'dmy')).toBe(iso);
        expect(normaliseDate(`${dd} ${mon}/${mon} ${y}`, 'day-month-name')).toBe(iso);
        expect(normaliseDate(`${y}年${Number(m)}月${Number(dd)}日`, 'cjk')).toBe(iso);
        expect(normaliseDate(`${y}${m}${dd}`, 'yyyymmdd')).toBe(iso);
        if (Number(y) > 1926) expect(normaliseDate(`${y!.slice(2)}${m}${dd}`, 'yymmdd', { referenceDate })).toBe(iso);
      }),
    );
  });

  it('never throws on strings', () => {
    const styles = fc.constantFrom('ymd', 'dmy', 'day-month-name', 'cjk', 'yyyymmdd', 'yymmdd', 'auto' as const);
    fc.assert(fc.property(fc.string({ maxLength: 20 }), styles, (s, st) => void parseDocumentDate(s, st)));
    expect(() => normaliseDate(19900221 as unknown as string)).toThrow(RuleError);
  });
});

describe('expandTwoDigitYear', () => {
  it('keeps birth dates in the past and expiry dates within 20 years ahead', () => {
    expect(expandTwoDigitYear(26, 11, 26, { referenceDate })).toBe(2026);
    expect(expandTwoDigitYear(26, 11, 27, { referenceDate })).toBe(1926);
    expect(expandTwoDigitYear(46, 11, 26, { referenceDate, pivot: 'expiry' })).toBe(2046);
    expect(expandTwoDigitYear(46, 11, 27, { referenceDate, pivot: 'expiry' })).toBe(1946);
    expect(expandTwoDigitYear(12, 4, 15, { referenceDate, pivot: 'expiry' })).toBe(2012);
    expect(expandTwoDigitYear(5, 1, 1, { referenceDate: '2095-01-01', pivot: 'expiry' })).toBe(2105);
  });
});

describe('parseValidityPeriod', () => {
  it('reads both forms and keeps 长期 as printed', () => {
    expect(parseValidityPeriod('2015.03.01-2035.03.01')).toEqual({
      valid: true,
      errors: [],
      startDate: '2015-03-01',
      expiryDate: '2035-03-01',
      longTerm: false,
    });
    expect(parseValidityPeriod('2015.03.01-长期')).toMatchObject({
      valid: true,
      startDate: '2015-03-01',
      expiryDate: '长期',
      longTerm: true,
    });
    expect(parseValidityPeriod(' 2015.03.01 — 2035.03.01 ').valid).toBe(true);
  });

  it('says what is wrong', () => {
    expect(parseValidityPeriod('2015.03.01').errors[0]!.code).toBe('FORMAT');
    expect(parseValidityPeriod('2015.02.30-2035.03.01').errors[0]!.code).toBe('DATE');
    expect(parseValidityPeriod('2015.03.01-2035.13.01').errors[0]).toMatchObject({ code: 'DATE', position: 11 });
    expect(parseValidityPeriod('2035.03.01-2015.03.01').errors[0]!.code).toBe('DATE_OUT_OF_RANGE');
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => void parseValidityPeriod(s)));
  });
});

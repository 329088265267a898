import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMacaoId, validateMacaoId } from './macao-id.js';
import { parseMrz } from './mrz.js';
import { RuleError } from './rule-error.js';

describe('validateMacaoId', () => {
  it('accepts the printed forms and never claims the check digit was verified', () => {
    for (const id of ['1234567(8)', '5123456(0)', '7123456[3]', '1/234567/8', '12345678']) {
      const r = validateMacaoId(id);
      expect(r.errors, id).toEqual([]);
      expect(r.checkDigitUnverified).toBe(true);
    }
    expect(validateMacaoId('1234567(8)')).toMatchObject({
      number: '1234567',
      checkDigit: '8',
      formatted: '1234567(8)',
    });
  });

  it('says what is wrong', () => {
    expect(validateMacaoId('2234567(8)').errors[0]).toMatchObject({ code: 'FORMAT', position: 0 });
    expect(validateMacaoId('12A4567(8)').errors[0]).toMatchObject({ code: 'CHARACTER', position: 2 });
    expect(validateMacaoId('123456(8)').errors[0]!.code).toBe('LENGTH');
    expect(validateMacaoId('1234567').errors[0]!.code).toBe('FORMAT');
    expect(validateMacaoId('1234567(A)').errors[0]!.code).toBe('FORMAT');
    expect(validateMacaoId('').errors[0]!.code).toBe('EMPTY');
  });

  it('confirms the check digit against the MRZ copy of the number (PassportEye 100_id-mac.jpg, transcribed here)', () => {
    // Back of a Macao non-permanent resident card, pre-2013 design; all ICAO check digits pass.
    const mrz = parseMrz(
      ['I<MAC12281507<0<<<<<<<<0212300', '6106225M1212307<<<<<<<<<<<<<<6', 'CHONG<<KA<KEONG<<<<<<<<<<<<<<<'],
      { referenceDate: '2026-11-26' },
    );
    expect(mrz).toMatchObject({ valid: true, format: 'TD1' });
    expect(mrz.fields).toMatchObject({
      issuingState: 'MAC',
      documentNumber: '12281507',
      surname: 'CHONG',
      givenNames: 'KA KEONG',
    });
    const ok = validateMacaoId('1228150(7)', { mrzDocumentNumber: mrz.fields.documentNumber });
    expect(ok).toMatchObject({ valid: true, checkDigitUnverified: false });
    expect(validateMacaoId('1228150(3)', { mrzDocumentNumber: '12281507' }).errors).toEqual([
      expect.objectContaining({ code: 'CHECK_DIGIT', position: 8 }),
    ]);
    expect(validateMacaoId('1228151(7)', { mrzDocumentNumber: '12281507' }).errors[0]!.code).toBe('FORMAT');
    expect(() => validateMacaoId('1228150(7)', { mrzDocumentNumber: 5 as unknown as string })).toThrow(RuleError);
  });

  it('round-trips generated numbers', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[157]\d{6}$/), fc.nat(9), (n, d) => {
        expect(validateMacaoId(formatMacaoId(n, String(d)))).toMatchObject({
          valid: true,
          number: n,
          checkDigit: String(d),
        });
      }),
    );
  });

  it('catches corruption of the leading digit or the shape', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[157]\d{6}$/), fc.constantFrom(...'0234689ABZ'), (n, ch) => {
        expect(validateMacaoId(`${ch}${n.slice(1)}(1)`).valid).toBe(false);
        expect(validateMacaoId(`${n.slice(0, 3)}${ch === '0' ? 'O' : ch}${n.slice(4)}(1)`).valid).toBe(
          /\d/.test(ch) && ch !== '0',
        );
      }),
    );
  });

  it('never throws on strings, throws RuleError otherwise', () => {
    fc.assert(fc.property(fc.string({ maxLength: 14 }), (s) => void validateMacaoId(s)));
    expect(() => validateMacaoId(1234567 as unknown as string)).toThrow(RuleError);
    expect(() => formatMacaoId('2234567', '1')).toThrow(RuleError);
  });
});

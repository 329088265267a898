import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCnPassportNumber } from './cn-passport-number.js';
import { RuleError } from './rule-error.js';
import { formatTwNationalId, validateTwNationalId } from './tw-national-id.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const misc = JSON.parse(
  readFileSync(path.resolve(repoRoot, '../shared/fixtures/vectors/validatorjs_misc.json'), 'utf8'),
) as {
  taiwan_national_id: { valid: string[]; invalid: string[] };
  cn_passport_number: { valid: string[]; invalid: string[] };
};

describe('validateTwNationalId', () => {
  it('agrees with the validator.js fixtures', () => {
    for (const id of misc.taiwan_national_id.valid) expect(validateTwNationalId(id).errors, id).toEqual([]);
    for (const id of misc.taiwan_national_id.invalid) {
      const r = validateTwNationalId(id);
      expect(r.valid, id).toBe(false);
      expect(r.errors.length, id).toBeGreaterThan(0);
    }
  });

  it('says what is wrong', () => {
    expect(validateTwNationalId('X231071922').errors).toEqual([
      expect.objectContaining({ code: 'CHECK_DIGIT', position: 9 }),
    ]);
    expect(validateTwNationalId('X431071923').errors.map((e) => e.code)).toContain('SEX');
    expect(validateTwNationalId('A1234567L').errors.map((e) => e.code)).toEqual(['LENGTH', 'CHARACTER']);
  });

  it('round-trips and catches every single-digit change', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][12]\d{7}$/), fc.nat(8), fc.nat(9), (first9, i, d) => {
        const id = formatTwNationalId(first9);
        expect(validateTwNationalId(id).errors).toEqual([]);
        const at = i + 1;
        // Weights 8..1 share factors with 10: a change by d at weight w goes unseen when d * w is a multiple of 10
        // (a limit of the scheme). The sex digit is also checked on its own.
        const delta = (d - Number(id.charAt(at))) * (9 - at);
        fc.pre(delta !== 0 && (delta % 10 !== 0 || (at === 1 && !'1289'.includes(String(d)))));
        expect(validateTwNationalId(id.slice(0, at) + d + id.slice(at + 1)).valid).toBe(false);
      }),
    );
  });

  it('never throws on strings, throws RuleError otherwise', () => {
    fc.assert(fc.property(fc.string({ maxLength: 14 }), (s) => void validateTwNationalId(s)));
    expect(() => validateTwNationalId({} as unknown as string)).toThrow(RuleError);
  });
});

describe('validateCnPassportNumber', () => {
  it('agrees with the validator.js fixtures', () => {
    for (const n of misc.cn_passport_number.valid) expect(validateCnPassportNumber(n).errors, n).toEqual([]);
    for (const n of misc.cn_passport_number.invalid)
      expect(validateCnPassportNumber(n).errors.length, n).toBeGreaterThan(0);
  });

  it('says what is wrong and where', () => {
    expect(validateCnPassportNumber('GA1234567').errors[0]).toMatchObject({ code: 'CHARACTER', position: 1 });
    expect(validateCnPassportNumber('K0123456').errors[0]).toMatchObject({ code: 'FORMAT', position: 0 });
    expect(validateCnPassportNumber('E0016002').errors[0]!.code).toBe('LENGTH');
  });

  it('accepts generated numbers and never throws on strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(G\d{8}|E\d{8}|E[A-HJ-NP-Z]\d{7})$/), (n) => {
        expect(validateCnPassportNumber(n).valid).toBe(true);
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 14 }), (s) => void validateCnPassportNumber(s)));
    expect(() => validateCnPassportNumber(null as unknown as string)).toThrow(RuleError);
  });
});

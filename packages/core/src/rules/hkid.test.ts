import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeHkidCheckDigit } from './check-digits.js';
import { formatHkid, validateHkid } from './hkid.js';
import { RuleError } from './rule-error.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const vectors = JSON.parse(
  readFileSync(path.resolve(repoRoot, '../shared/fixtures/vectors/hkid_numbers.json'), 'utf8'),
) as { valid: string[]; invalid: string[]; extra_cases: Array<{ value: string }> };

const prefixes = fc.stringMatching(/^[A-Z]{1,2}\d{6}$/);

describe('validateHkid', () => {
  it('accepts the validator.js valid numbers', () => {
    for (const id of vectors.valid) expect(validateHkid(id).errors, id).toEqual([]);
  });

  it('rejects the validator.js invalid numbers, each with a reason', () => {
    for (const id of vectors.invalid) {
      const r = validateHkid(id);
      expect(r.valid, id).toBe(false);
      expect(r.errors.length, id).toBeGreaterThan(0);
    }
  });

  it('flags the ImmD specimen read as C668668(E): E is no check character', () => {
    const r = validateHkid(vectors.extra_cases[0]!.value);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'CHARACTER', position: 8 })]);
    expect(r.expectedCheckDigit).toBe('9');
  });

  it('reads the worked examples in every written form', () => {
    for (const id of ['A123456(3)', 'A1234563', 'a123456[3]', ' A123456 (3)']) {
      expect(validateHkid(id)).toMatchObject({
        valid: true,
        prefix: 'A123456',
        checkDigit: '3',
        formatted: 'A123456(3)',
      });
    }
    expect(validateHkid('AB987654(3)').valid).toBe(true);
    expect(validateHkid('A123456(4)').errors).toEqual([expect.objectContaining({ code: 'CHECK_DIGIT', position: 8 })]);
    expect(validateHkid('A1234564').errors).toEqual([expect.objectContaining({ code: 'CHECK_DIGIT', position: 7 })]);
  });

  it('says where the shape breaks', () => {
    expect(validateHkid('').errors[0]!.code).toBe('EMPTY');
    expect(validateHkid('123456(7)').errors[0]).toMatchObject({ code: 'FORMAT', position: 0 });
    expect(validateHkid('A12B456(3)').errors[0]).toMatchObject({ code: 'CHARACTER', position: 3 });
    expect(validateHkid('A12345').errors[0]).toMatchObject({ code: 'LENGTH', position: 6 });
    expect(validateHkid('A123456').errors[0]).toMatchObject({ code: 'LENGTH', position: 7 });
  });

  it('round-trips generated numbers', () => {
    fc.assert(
      fc.property(prefixes, (p) => {
        const r = validateHkid(formatHkid(p));
        expect(r.errors).toEqual([]);
        expect(r.prefix).toBe(p);
      }),
    );
  });

  it('catches every single-character corruption of prefix or check character', () => {
    fc.assert(
      fc.property(prefixes, fc.nat(), fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), (p, at, ch) => {
        const id = p + computeHkidCheckDigit(p);
        const i = at % id.length;
        fc.pre(id.charAt(i) !== ch);
        // MOD 11 cannot see a letter swapped for one 11 or 22 values away (F=15 <-> Q=26): see the test below.
        const letters = /[A-Z]/.test(id.charAt(i)) && /[A-Z]/.test(ch) && i < id.length - 1;
        fc.pre(!letters || (parseInt(id.charAt(i), 36) - parseInt(ch, 36)) % 11 !== 0);
        const bad = id.slice(0, i) + ch + id.slice(i + 1);
        // Turning a 2-letter prefix's first letter into a digit, or the first digit into a letter, changes the
        // shape rather than a value; both must still fail.
        expect(validateHkid(bad).valid, bad).toBe(false);
      }),
    );
  });

  it('cannot see a prefix letter swapped for one 11 values away (a property of the scheme, not of this code)', () => {
    expect(validateHkid('F000000(7)').valid).toBe(true);
    expect(validateHkid('Q000000(7)').valid).toBe(true);
  });

  it('never throws on strings, throws RuleError otherwise', () => {
    fc.assert(fc.property(fc.string({ maxLength: 14 }), (s) => void validateHkid(s)));
    expect(() => validateHkid(null as unknown as string)).toThrow(RuleError);
    expect(() => formatHkid('A12345')).toThrow(RuleError);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCnResidentId, validateCnResidentId } from './cn-resident-id.js';
import { RuleError } from './rule-error.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const vectors = JSON.parse(
  readFileSync(path.resolve(repoRoot, '../shared/fixtures/vectors/cn_resident_id_numbers.json'), 'utf8'),
) as { valid: string[]; invalid: string[]; extra_cases: Array<{ value: string }> };
const referenceDate = '2026-11-26';

const fields = fc.record({
  regionCode: fc.stringMatching(
    /^(11|12|13|14|15|21|22|23|31|32|33|34|35|36|37|41|42|43|44|45|46|50|51|52|53|54|61|62|63|64|65|71|81|82|83)\d{4}$/,
  ),
  birthDate: fc
    .date({ min: new Date('1900-01-01'), max: new Date('2026-11-26'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  sequence: fc.integer({ min: 0, max: 999 }),
});

describe('validateCnResidentId', () => {
  it('accepts the validator.js valid numbers', () => {
    for (const id of vectors.valid) {
      const r = validateCnResidentId(id, { referenceDate, allowLegacy15: true });
      expect(r.errors, id).toEqual([]);
      expect(r.valid).toBe(true);
    }
  });

  it('rejects the validator.js invalid numbers, each with a reason', () => {
    for (const id of vectors.invalid) {
      const r = validateCnResidentId(id, { referenceDate, allowLegacy15: true });
      expect(r.valid, id).toBe(false);
      expect(r.errors.length, id).toBeGreaterThan(0);
    }
  });

  it('names the reason for the typical cases', () => {
    const codes = (id: string) =>
      validateCnResidentId(id, { referenceDate, allowLegacy15: true }).errors.map((e) => e.code);
    expect(codes('160323197806058856')).toContain('REGION');
    expect(codes('520323197802318856')).toContain('DATE');
    expect(codes('520323297806058856')).toContain('FUTURE_DATE');
    expect(codes('235407195106112742')).toEqual(['CHECK_DIGIT']);
    expect(codes('110101940231001')).toContain('DATE');
  });

  it('flags the fictional sample card number (wrong check character, birth 1654)', () => {
    const r = validateCnResidentId(vectors.extra_cases[0]!.value, { referenceDate });
    expect(r.valid).toBe(false);
    expect(r.expectedCheckChar).toBe('4');
    expect(r.errors.find((e) => e.code === 'CHECK_DIGIT')?.position).toBe(17);
    expect(r.errors.map((e) => e.code)).toContain('DATE_OUT_OF_RANGE');
  });

  it('reads the worked example of the notes', () => {
    const r = validateCnResidentId('11010519491231002x', { referenceDate });
    expect(r).toMatchObject({
      valid: true,
      birthDate: '1949-12-31',
      sex: 'F',
      regionCode: '110105',
      normalised: '11010519491231002X',
    });
  });

  it('reports positions in the input as given', () => {
    const r = validateCnResidentId('  1101051949123100A5', { referenceDate });
    expect(r.errors.find((e) => e.code === 'CHARACTER')?.position).toBe(2 + 16);
    expect(validateCnResidentId('11010519491231002', { referenceDate }).errors[0]!.code).toBe('LENGTH');
    expect(validateCnResidentId('110101491001001', { referenceDate }).errors[0]!.code).toBe('LENGTH');
  });

  it('round-trips generated numbers', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const id = formatCnResidentId(f);
        const r = validateCnResidentId(id, { referenceDate });
        expect(r.errors).toEqual([]);
        expect(r.birthDate).toBe(f.birthDate);
        expect(r.regionCode).toBe(f.regionCode);
        expect(r.sex).toBe(f.sequence % 2 === 1 ? 'M' : 'F');
      }),
    );
  });

  it('catches every single-character corruption', () => {
    fc.assert(
      fc.property(fields, fc.nat(17), fc.constantFrom(...'0123456789X'), (f, i, ch) => {
        const id = formatCnResidentId(f);
        fc.pre(id.charAt(i) !== ch);
        const bad = id.slice(0, i) + ch + id.slice(i + 1);
        const r = validateCnResidentId(bad, { referenceDate });
        expect(r.valid).toBe(false);
        expect(r.errors.some((e) => e.position !== undefined && e.position >= i - 8 && e.position <= 17)).toBe(true);
      }),
    );
  });

  it('never throws on strings, throws RuleError otherwise', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        validateCnResidentId(s);
      }),
    );
    expect(() => validateCnResidentId(undefined as unknown as string)).toThrow(RuleError);
  });
});

describe('formatCnResidentId', () => {
  it('builds the worked example', () => {
    expect(formatCnResidentId({ regionCode: '110105', birthDate: '1949-12-31', sequence: 2 })).toBe(
      '11010519491231002X',
    );
  });
  it('refuses impossible fields', () => {
    expect(() => formatCnResidentId({ regionCode: '11010', birthDate: '1949-12-31', sequence: 2 })).toThrow(RuleError);
    expect(() => formatCnResidentId({ regionCode: '110105', birthDate: '1949-02-30', sequence: 2 })).toThrow(RuleError);
  });
});

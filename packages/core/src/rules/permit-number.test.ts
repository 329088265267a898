import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PermitKind, validatePermitNumber } from './permit-number.js';
import { RuleError } from './rule-error.js';

describe('validatePermitNumber', () => {
  it('accepts the shapes given in the notes', () => {
    expect(validatePermitNumber('exit-entry-hk-macao', 'C12345678')).toMatchObject({ valid: true, unconfirmed: [] });
    expect(validatePermitNumber('exit-entry-hk-macao', 'CE1234567')).toMatchObject({ valid: true });
    expect(validatePermitNumber('exit-entry-hk-macao', 'CE1234567').unconfirmed.length).toBe(1);
    expect(validatePermitNumber('mainland-travel-hk-macao', 'H1234567801')).toMatchObject({
      valid: true,
      region: 'HK',
      lifetimeNumber: 'H12345678',
      replacementCount: 1,
    });
    expect(validatePermitNumber('mainland-travel-hk-macao', 'm12345678')).toMatchObject({ valid: true, region: 'MO' });
    expect(validatePermitNumber('mainland-travel-hk-macao', 'HA1234567').unconfirmed.length).toBe(1);
    expect(validatePermitNumber('mainland-travel-taiwan', '1234567802')).toMatchObject({
      valid: true,
      replacementCount: 2,
    });
    expect(validatePermitNumber('mainland-travel-taiwan', '12345678')).toMatchObject({
      valid: true,
      lifetimeNumber: '12345678',
    });
  });

  it('says what is wrong and where', () => {
    expect(validatePermitNumber('exit-entry-hk-macao', 'D12345678').errors[0]).toMatchObject({
      code: 'FORMAT',
      position: 0,
    });
    expect(validatePermitNumber('exit-entry-hk-macao', 'CAB123456').errors[0]).toMatchObject({
      code: 'CHARACTER',
      position: 2,
    });
    expect(validatePermitNumber('exit-entry-hk-macao', 'C1234567').errors[0]!.code).toBe('LENGTH');
    expect(validatePermitNumber('mainland-travel-hk-macao', 'H123456789').errors[0]!.code).toBe('LENGTH');
    expect(validatePermitNumber('mainland-travel-hk-macao', 'H1234O678').errors[0]).toMatchObject({
      code: 'CHARACTER',
      position: 5,
    });
    expect(validatePermitNumber('mainland-travel-taiwan', '1234567').errors[0]!.code).toBe('LENGTH');
    expect(validatePermitNumber('mainland-travel-taiwan', 'T12345678').errors[0]).toMatchObject({
      code: 'CHARACTER',
      position: 0,
    });
    expect(validatePermitNumber('mainland-travel-taiwan', ' ').errors[0]!.code).toBe('EMPTY');
  });

  it('round-trips generated numbers of every kind', () => {
    const cases = fc.oneof(
      fc.tuple(fc.constant(PermitKind.ExitEntryHkMacao), fc.stringMatching(/^C(\d{8}|[A-Z]\d{7})$/)),
      fc.tuple(fc.constant(PermitKind.MainlandTravelHkMacao), fc.stringMatching(/^[HM]\d{8}(\d{2})?$/)),
      fc.tuple(fc.constant(PermitKind.MainlandTravelTaiwan), fc.stringMatching(/^\d{8}(\d{2})?$/)),
    );
    fc.assert(
      fc.property(cases, ([kind, n]) => {
        const r = validatePermitNumber(kind, n);
        expect(r.errors).toEqual([]);
        expect(r.normalised).toBe(n);
      }),
    );
  });

  it('never throws on strings, throws RuleError otherwise', () => {
    const kinds = fc.constantFrom(...Object.values(PermitKind));
    fc.assert(fc.property(kinds, fc.string({ maxLength: 14 }), (k, s) => void validatePermitNumber(k, s)));
    expect(() => validatePermitNumber('passport' as PermitKind, 'C12345678')).toThrow(RuleError);
    expect(() => validatePermitNumber('mainland-travel-taiwan', 12345678 as unknown as string)).toThrow(RuleError);
  });
});

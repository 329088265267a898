import { describe, expect, it } from 'vitest';
import { decideSubCode, machineDataConsistent } from './decision.js';

describe('decideSubCode: one precedence everywhere', () => {
  it('puts the wrong document first, then quality, then spoofing', () => {
    expect(decideSubCode({ docTypeMatched: false, qualityPassed: false, spoofFound: true })).toBe('213');
    expect(decideSubCode({ docTypeMatched: true, qualityPassed: false, spoofFound: true })).toBe('211');
    expect(decideSubCode({ docTypeMatched: true, qualityPassed: true, spoofFound: true })).toBe('212');
    expect(decideSubCode({ docTypeMatched: true, qualityPassed: true, spoofFound: false })).toBe('200');
    expect(decideSubCode({ docTypeMatched: true })).toBe('200');
  });
});

describe('machineDataConsistent', () => {
  it('is false only when a consistency check failed', () => {
    expect(
      machineDataConsistent([
        { name: 'mrz.valid', ok: true },
        { name: 'address.read', ok: false },
      ]),
    ).toBe(true);
    expect(machineDataConsistent([{ name: 'sex.matchesIdNumber', ok: false }])).toBe(false);
  });
});

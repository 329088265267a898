import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCnResidentIdCheckChar, computeHkidCheckDigit, computeMrzCheckDigit } from './check-digits.js';
import { RuleError } from './rule-error.js';

describe('computeMrzCheckDigit', () => {
  it('matches the ICAO 9303 specimen and the notes', () => {
    expect(computeMrzCheckDigit('L898902C3')).toBe('6');
    expect(computeMrzCheckDigit('740812')).toBe('2');
    expect(computeMrzCheckDigit('120415')).toBe('9');
    expect(computeMrzCheckDigit('D23145890')).toBe('7');
    expect(computeMrzCheckDigit('<<<<<<')).toBe('0');
    expect(computeMrzCheckDigit('')).toBe('0');
  });

  it('changes whenever one character changes to another of a different value', () => {
    const ch = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<');
    fc.assert(
      fc.property(fc.array(ch, { minLength: 1, maxLength: 20 }), fc.nat(), ch, (chars, at, to) => {
        const i = at % chars.length;
        const from = chars[i]!;
        const value = (c: string) => (c === '<' ? 0 : parseInt(c, 36));
        // Weights 7, 3, 1 are coprime with 10, so only a change by a multiple of 10 goes unnoticed.
        fc.pre((value(from) - value(to)) % 10 !== 0);
        const changed = [...chars];
        changed[i] = to;
        expect(computeMrzCheckDigit(changed.join(''))).not.toBe(computeMrzCheckDigit(chars.join('')));
      }),
    );
  });

  it('throws RuleError for non-strings', () => {
    expect(() => computeMrzCheckDigit(42 as unknown as string)).toThrow(RuleError);
    try {
      computeMrzCheckDigit(42 as unknown as string);
    } catch (e) {
      expect(RuleError.is(e) && e.code).toBe('INVALID_INPUT');
    }
    expect(RuleError.is(new Error('x'))).toBe(false);
  });
});

describe('computeCnResidentIdCheckChar', () => {
  it('gives the worked examples of the notes', () => {
    expect(computeCnResidentIdCheckChar('11010519491231002')).toBe('X');
    expect(computeCnResidentIdCheckChar('44052418800101001')).toBe('4');
  });
  it('returns empty for input that is not 17 digits', () => {
    expect(computeCnResidentIdCheckChar('1101051949123100')).toBe('');
    expect(computeCnResidentIdCheckChar('1101051949123100A')).toBe('');
  });
  it('detects every single-digit change (MOD 11-2)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), fc.nat(16), fc.nat(9), (body, i, d) => {
        fc.pre(body.charAt(i) !== String(d));
        const changed = body.slice(0, i) + String(d) + body.slice(i + 1);
        expect(computeCnResidentIdCheckChar(changed)).not.toBe(computeCnResidentIdCheckChar(body));
      }),
    );
  });
});

describe('computeHkidCheckDigit', () => {
  it('gives the worked examples of the notes', () => {
    expect(computeHkidCheckDigit('A123456')).toBe('3');
    expect(computeHkidCheckDigit('C668668')).toBe('9');
    expect(computeHkidCheckDigit('P103265')).toBe('1');
    expect(computeHkidCheckDigit('G123456')).toBe('A');
    expect(computeHkidCheckDigit('AB987654')).toBe('3');
    expect(computeHkidCheckDigit('ab987654')).toBe('3');
  });
  it('returns empty for a prefix of the wrong shape', () => {
    for (const bad of ['A12345', 'ABC123456', '1234567', 'A1234567']) expect(computeHkidCheckDigit(bad)).toBe('');
  });
});

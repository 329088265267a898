import { describe, expect, it } from 'vitest';
import { type CardLine } from './card-lines.js';
import { findMrzLines, isMrzLike, normaliseMrzText, readIcaoMrz, readPermitMrz } from './mrz-reader.js';

function line(text: string, y: number, x0 = 0.04, x1 = 0.96): CardLine {
  return {
    text,
    confidence: 0.95,
    charConfidences: [...text].map(() => 0.95),
    charPositions: [...text].map((_, i) => (i + 0.5) / text.length),
    x0,
    y0: y,
    x1,
    y1: y + 0.05,
  };
}

describe('normaliseMrzText and isMrzLike', () => {
  it('turns filler look-alikes into < and drops spaces', () => {
    expect(normaliseMrzText('p<uto eriksson«anna人人')).toBe('P<UTOERIKSSON<ANNA<<');
    expect(isMrzLike('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<')).toBe(true);
    expect(isMrzLike('HONG KONG PERMANENT IDENTITY CARD')).toBe(false);
  });
});

describe('readIcaoMrz', () => {
  it('repairs the ICAO specimen as OCR returns it: UT0, a short filler run, O for 0 in a date', () => {
    const lines = [
      line('Passport No. L898902C3', 0.1),
      line('P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<', 0.82),
      line('L898902C36UTO74O8122F1204159ZE184226B<<<<<10', 0.9),
    ];
    const mrz = readIcaoMrz(findMrzLines(lines));
    expect(mrz?.format).toBe('TD3');
    expect(mrz?.valid).toBe(true);
    expect(mrz?.lines).toEqual([
      'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
      'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
    ]);
    expect(mrz?.parsed.fields.birthDate).toBe('1974-08-12');
    expect(mrz?.corrections).toEqual(
      expect.arrayContaining([
        { line: 0, position: 4, from: '0', to: 'O', reason: 'alphabetic-field' },
        { line: 1, position: 15, from: 'O', to: '0', reason: 'numeric-field' },
        expect.objectContaining({ line: 0, reason: 'length' }),
      ]),
    );
  });

  it('uses a check digit to decide an ambiguous character in the document number', () => {
    // O read for 0 inside the alphanumeric number: only the check digit can tell.
    const mrz = readIcaoMrz([
      line('I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 0.8),
      line('D2314589O7UTO7408122F1204159<<<<<<<6', 0.9),
    ]);
    expect(mrz?.format).toBe('TD2');
    expect(mrz?.parsed.fields.documentNumber).toBe('D23145890');
    expect(mrz?.valid).toBe(true);
    expect(mrz?.corrections).toContainEqual({ line: 1, position: 8, from: 'O', to: '0', reason: 'check-digit' });
  });

  it('reports a wrong check digit instead of inventing a fix', () => {
    const mrz = readIcaoMrz([
      line('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 0.8),
      line('L898902C37UTO7408122F1204159ZE184226B<<<<<10', 0.9),
    ]);
    expect(mrz?.valid).toBe(false);
    expect(mrz?.parsed.checks.documentNumber?.valid).toBe(false);
  });
});

describe('readPermitMrz', () => {
  it('reads the exit-entry permit line and checks its four check digits', () => {
    const mrz = readPermitMrz([line('CSC123456788<3012316<9001011<8', 0.85)]);
    expect(mrz).toMatchObject({
      documentNumber: 'C12345678',
      expiryDate: '2030-12-31',
      birthDate: '1990-01-01',
      valid: true,
    });
    const bad = readPermitMrz([line('CSC123456788<3012317<9001011<8', 0.85)]);
    expect(bad?.checks.expiryDate).toBe(false);
    expect(bad?.valid).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTd1Mrz, formatTd3Mrz, parseMrz } from './mrz.js';
import type { MrzInputFields } from './mrz-types.js';
import { repairMrz } from './mrz-repair.js';
import { formatPermitMrz } from './permit-mrz.js';
import { RuleError } from './rule-error.js';

const SWAPS: Record<string, string> = {
  '0': 'O',
  '1': 'I',
  '2': 'Z',
  '5': 'S',
  '8': 'B',
  O: '0',
  I: '1',
  Z: '2',
  S: '5',
  B: '8',
};
const td1 = ['I<UTOD231458907ABC<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<1', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const td3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

describe('repairMrz', () => {
  it('fixes look-alikes by field class (UT0 -> UTO, O -> 0 in dates)', () => {
    const r = repairMrz([
      'I<UT0D231458907ABC<<<<<<<<<<<<',
      '74O8122F12O4159UT0<<<<<<<<<<<1',
      'ERIKSS0N<<ANNA<MAR1A<<<<<<<<<<',
    ]);
    expect(r.lines).toEqual(td1);
    expect(r.valid).toBe(true);
    expect(r.corrections).toEqual(
      expect.arrayContaining([
        { line: 0, position: 4, from: '0', to: 'O', reason: 'alphabetic-field' },
        { line: 1, position: 2, from: 'O', to: '0', reason: 'numeric-field' },
        { line: 2, position: 6, from: '0', to: 'O', reason: 'alphabetic-field' },
      ]),
    );
    expect(r.corrections).toHaveLength(6);
  });

  it('lets the check digit choose inside alphanumeric fields', () => {
    // Document number 'L898902C3' read as 'L8989O2C3': both are allowed there, only one passes the check digit.
    const r = repairMrz([td3[0]!, 'L8989O2C36UTO7408122F1204159ZE184226B<<<<<10']);
    expect(r.lines).toEqual(td3);
    expect(r.corrections).toEqual([{ line: 1, position: 5, from: 'O', to: '0', reason: 'check-digit' }]);
    // Personal number 'ZE184226B' read as 'ZE1842Z6B': swapping either Z passes both check digits, so only the
    // neighbour heuristic can choose, and says so.
    const misread = [td3[0]!, 'L898902C36UTO7408122F1204159ZE1842Z6B<<<<<10'];
    const p = repairMrz(misread);
    expect(p.lines).toEqual(td3);
    expect(p.corrections).toEqual([{ line: 1, position: 34, from: 'Z', to: '2', reason: 'check-digit-guess' }]);
    expect(repairMrz(misread, 'TD3', { guess: false })).toMatchObject({
      lines: misread,
      corrections: [],
      valid: false,
    });
  });

  it('repairs misreads in two check-digit groups at once, confirmed by the composite', () => {
    const r = repairMrz([td3[0]!, 'L8989O2C36UTO7408122F1204159ZE1B4226B<<<<<10']);
    expect(r.lines).toEqual(td3);
  });

  it('never turns a single misread into a different valid MRZ without saying it guessed', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9]{9}$/),
        fc.stringMatching(/^[A-Z0-9]{0,14}$/),
        fc.nat(),
        (num, opt, k) => {
          const { lines, bad } = misreadOnce(num, opt, k);
          const r = repairMrz(bad, 'TD3', { guess: false });
          expect([lines[1], bad[1]]).toContain(r.lines[1]);
        },
      ),
    );
  });

  it('restores structured numbers after a single misread (one letter + 8 digits, digit personal numbers)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]\d{8}$/), fc.stringMatching(/^\d{0,14}$/), fc.nat(), (num, opt, k) => {
        const { lines, bad } = misreadOnce(num, opt, k);
        expect(repairMrz(bad).lines).toEqual(lines);
      }),
    );
  });

  it('leaves a reading alone when no single repair passes', () => {
    const r = repairMrz([td3[0]!, 'L898902C37UTO7408122F1204159ZE184226B<<<<<10']);
    expect(r.lines[1]).toBe('L898902C37UTO7408122F1204159ZE184226B<<<<<10');
    expect(r.valid).toBe(false);
  });

  it('pads or cuts filler runs to the line length, where the check digits want them', () => {
    const short = repairMrz([td3[0]!.slice(0, 42), 'L898902C36UTO7408122F1204159ZE184226B<<<<10']);
    expect(short.lines).toEqual(td3);
    expect(short.corrections.filter((c) => c.reason === 'length').map((c) => c.line)).toEqual([0, 0, 1]);
    const long = repairMrz([td3[0]! + '<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<<10']);
    expect(long.lines).toEqual(td3);
  });

  it('turns filler look-alikes into fillers', () => {
    const r = repairMrz([
      'I<UTOD231458907ABC«<<<<<<<<<<<',
      '7408122F1204159UTO<<<<<<<<<<<1',
      'ERIKSSON‹‹ANNA<MARIA人人人人(<<<<<',
    ]);
    expect(r.lines).toEqual(td1);
    expect(r.corrections.every((c) => c.reason === 'filler-look-alike')).toBe(true);
  });

  it('repairs the one-line permit code', () => {
    const r = repairMrz(['CSC1234S6788K3O12316<9OO1011<8']);
    expect(r).toMatchObject({ format: 'permit-1x30', lines: ['CSC123456788<3012316<9001011<8'], valid: true });
  });

  it('gives back valid MRZs unchanged', () => {
    const fields = fc.record({
      documentNumber: fc.stringMatching(/^[A-Z0-9]{5,9}$/),
      surname: fc.stringMatching(/^[A-Z]{2,10}$/),
      optionalData: fc.stringMatching(/^[A-Z0-9]{0,9}$/),
    });
    fc.assert(
      fc.property(fields, (f) => {
        const lines = formatTd3Mrz({ ...base, ...f });
        expect(repairMrz(lines)).toEqual({ format: 'TD3', lines, corrections: [], valid: true });
      }),
    );
  });

  it('undoes a look-alike misread in any class-constrained column', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{2,10}$/), fc.nat(), (surname, k) => {
        const lines = formatTd1Mrz({ ...base, documentCode: 'ID', surname, optionalData: '' });
        // Columns where only digits or only letters may stand: dates, check digits, states, sex, name.
        const cells: Array<[number, number]> = [];
        lines.forEach((l, li) =>
          [...l].forEach((ch, c) => {
            if (SWAPS[ch] !== undefined && !(li === 0 && c >= 5) && !(li === 1 && c >= 18 && c < 29))
              cells.push([li, c]);
          }),
        );
        fc.pre(cells.length > 0);
        const [li, c] = cells[k % cells.length]!;
        const bad = lines.map((l, i) => (i === li ? l.slice(0, c) + SWAPS[l.charAt(c)]! + l.slice(c + 1) : l));
        const r = repairMrz(bad);
        expect(r.lines).toEqual(lines);
        expect(parseMrz(r.lines).valid).toBe(true);
      }),
    );
  });

  it('never throws on strings or string arrays; throws RuleError otherwise', () => {
    const line = fc.oneof(fc.string({ maxLength: 46 }), fc.stringMatching(/^[A-Z0-9<]{27,46}$/));
    fc.assert(
      fc.property(fc.oneof(line, fc.array(line, { maxLength: 4 })), (input) => void repairMrz(input)),
      {
        numRuns: 60,
      },
    );
    expect(() => repairMrz(7 as unknown as string)).toThrow(RuleError);
    expect(() => repairMrz(td3, 'TD9' as 'TD1')).toThrow(RuleError);
  });

  it('repairs permit lines built by the formatter after a swap in a date', () => {
    const [line] = formatPermitMrz({
      kind: 'exit-entry-hk-macao',
      documentNumber: 'C87654321',
      birthDate: '1988-10-05',
      expiryDate: '2033-01-20',
    });
    const bad = line!.replace(/0/g, 'O');
    expect(repairMrz([bad]).lines).toEqual([line]);
  });
});

const base: MrzInputFields = {
  documentCode: 'P',
  issuingState: 'UTO',
  documentNumber: 'L898902C3',
  nationality: 'UTO',
  birthDate: '1974-08-12',
  sex: 'F',
  expiryDate: '2032-04-15',
  surname: 'ERIKSSON',
  givenNames: 'ANNA MARIA',
  optionalData: 'ZE184226B',
};

/** A TD3 MRZ and a copy with one look-alike swapped in its document or personal number. */
function misreadOnce(documentNumber: string, optionalData: string, k: number) {
  const lines = formatTd3Mrz({ ...base, documentNumber, optionalData });
  const cells = [...lines[1]]
    .map((_, c) => c)
    .filter((c) => (c < 9 || (c >= 28 && c < 42)) && SWAPS[lines[1].charAt(c)]);
  fc.pre(cells.length > 0);
  const c = cells[k % cells.length]!;
  return { lines, bad: [lines[0], lines[1].slice(0, c) + SWAPS[lines[1].charAt(c)]! + lines[1].slice(c + 1)] };
}

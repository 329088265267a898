import {
  computeMrzCheckDigit,
  expandTwoDigitYear,
  isRealDate,
  MRZ_SHAPES,
  mrzFieldClasses,
  parseMrz,
  toIsoDate,
  type MrzFormat,
  type MrzResult,
} from '@dococr/core';
import { centreY, type CardLine } from './card-lines.js';
import { type MrzCorrection, type MrzReading } from './field-types.js';

type CharClass = 'alpha' | 'numeric' | 'alphanumeric';
interface ClassSpan {
  line: number;
  start: number;
  end: number;
  cls: CharClass;
}

// What OCR reads for a filler '<' (the notes saw '<<<<' come back as '人人人人') and for letters and digits that look alike.
const FILLER_LOOKALIKES = /[《«‹〈く人＜([{〔]/g;
const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', Z: '2', S: '5', B: '8', G: '6' };
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '8': 'B', '6': 'G' };

/** Upper case, filler look-alikes turned into '<', everything outside A-Z, 0-9 and '<' dropped. */
export function normaliseMrzText(text: string): string {
  return text
    .toUpperCase()
    .replace(FILLER_LOOKALIKES, '<')
    .replace(/[^A-Z0-9<]/g, '');
}

/** A line that looks machine-readable: long, and made of MRZ characters with fillers or many digits. */
export function isMrzLike(text: string): boolean {
  const raw = text.replace(/\s+/g, '');
  const clean = normaliseMrzText(raw);
  if (clean.length < 24 || clean.length < raw.length * 0.85) return false;
  return clean.includes('<<') || /\d{6}/.test(clean);
}

/** The machine-readable lines of a card: MRZ-like lines in the lower half, pieces of one row joined, top to bottom. */
export function findMrzLines(lines: readonly CardLine[]): CardLine[] {
  const candidates = lines.filter((l) => centreY(l) > 0.45 && isMrzLike(l.text)).sort((a, b) => a.y0 - b.y0);
  const rows: CardLine[] = [];
  for (const line of candidates) {
    const row = rows.find((r) => Math.abs(centreY(r) - centreY(line)) < (r.y1 - r.y0) / 2);
    if (!row) {
      rows.push({ ...line });
      continue;
    }
    const [left, right] = row.x0 <= line.x0 ? [row, line] : [line, row];
    Object.assign(row, {
      text: left.text + right.text,
      charConfidences: [...left.charConfidences, ...right.charConfidences],
      charPositions: [...left.charPositions, ...right.charPositions],
      confidence: (left.confidence + right.confidence) / 2,
      x0: Math.min(row.x0, line.x0),
      x1: Math.max(row.x1, line.x1),
      y0: Math.min(row.y0, line.y0),
      y1: Math.max(row.y1, line.y1),
    });
  }
  return rows.sort((a, b) => a.y0 - b.y0).slice(-3);
}

/** The result of reading a travel-document MRZ (TD1, TD2, TD3) from recognised lines. */
export interface IcaoMrzReading extends MrzReading {
  format: MrzFormat;
  parsed: MrzResult;
  /** Mean recognition confidence of the MRZ lines. */
  confidence: number;
}

/**
 * Reads an ICAO MRZ: picks the format from the line lengths, restores fillers OCR dropped, fixes letters read as
 * digits (and back) by each position's character class, and tries look-alike swaps that make a failing check digit
 * hold. Every change is recorded.
 */
export function readIcaoMrz(mrzLines: readonly CardLine[]): IcaoMrzReading | undefined {
  const texts = mrzLines.map((l) => normaliseMrzText(l.text));
  const format = guessFormat(texts);
  if (!format) return undefined;
  const shape = MRZ_SHAPES[format];
  const used = texts.slice(-shape.lines);
  const confidence = mean(mrzLines.slice(-shape.lines).map((l) => l.confidence));
  const corrections: MrzCorrection[] = [];
  const spans = mrzFieldClasses(format).map(({ span, cls }) => ({ line: span[0], start: span[1], end: span[2], cls }));
  let lines = used.map((t, i) => fitLength(t, shape.length, i, corrections));
  lines = applyClasses(lines, spans, corrections);
  let parsed = parseMrz(lines, { format });
  for (const check of Object.values(parsed.checks)) {
    if (check.valid) continue;
    const repaired = repairCheck(lines, check.position.line, spansCoveredBy(format, check.position), format);
    if (repaired) {
      corrections.push(repaired.correction);
      lines = repaired.lines;
      parsed = parseMrz(lines, { format });
    }
  }
  return { format, lines, valid: parsed.valid, corrections, parsed, confidence };
}

function guessFormat(texts: readonly string[]): MrzFormat | undefined {
  const n = texts.length;
  const last = texts.slice(-2);
  const len = Math.max(...last.map((t) => t.length));
  if (n >= 3 && texts.slice(-3).every((t) => t.length >= 26 && t.length <= 34)) return 'TD1';
  if (n >= 2 && len >= 40) return 'TD3';
  if (n >= 2 && len >= 33) return 'TD2';
  return undefined;
}

/** Lines come back with filler runs cut short or an extra character; bring them to the format's length. */
function fitLength(text: string, length: number, line: number, corrections: MrzCorrection[]): string {
  let t = text;
  if (t.length > length) t = t.replace(/<+$/, (run) => run.slice(0, Math.max(0, run.length - (t.length - length))));
  if (t.length > length) t = t.slice(0, length);
  if (t.length < length) {
    corrections.push({ line, position: t.length, from: '', to: '<'.repeat(length - t.length), reason: 'length' });
    t = t.padEnd(length, '<');
  }
  return t;
}

function applyClasses(lines: string[], spans: ClassSpan[], corrections: MrzCorrection[]): string[] {
  const out = lines.map((l) => [...l]);
  for (const s of spans) {
    const chars = out[s.line];
    if (!chars) continue;
    for (let i = s.start; i < s.end && i < chars.length; i++) {
      const ch = chars[i] ?? '<';
      const fixed = s.cls === 'numeric' ? TO_DIGIT[ch] : s.cls === 'alpha' ? TO_LETTER[ch] : undefined;
      if (fixed) {
        corrections.push({ line: s.line, position: i, from: ch, to: fixed, reason: 'character-class' });
        chars[i] = fixed;
      }
    }
  }
  return out.map((c) => c.join(''));
}

/** The alphanumeric spans a failing check digit covers (the only places a look-alike swap is not already decided). */
function spansCoveredBy(format: MrzFormat, position: { line: number; start: number }): ClassSpan[] {
  const all = mrzFieldClasses(format).map(({ span, cls }) => ({ line: span[0], start: span[1], end: span[2], cls }));
  // The check digit follows the data it protects on the same line.
  const before = all.filter((s) => s.line === position.line && s.end <= position.start);
  const nearest = before.sort((a, b) => b.end - a.end)[0];
  return nearest ? [nearest] : [];
}

const SWAPS: Record<string, string[]> = {
  '0': ['O', 'D', 'Q'],
  O: ['0', 'D', 'Q'],
  D: ['0', 'O'],
  Q: ['0', 'O'],
  '1': ['I', 'L'],
  I: ['1', 'L'],
  L: ['1', 'I'],
  '2': ['Z'],
  Z: ['2'],
  '5': ['S'],
  S: ['5'],
  '8': ['B'],
  B: ['8'],
  '6': ['G'],
  G: ['6'],
};

function repairCheck(
  lines: string[],
  line: number,
  spans: ClassSpan[],
  format: MrzFormat,
): { lines: string[]; correction: MrzCorrection } | undefined {
  const found: Array<{ lines: string[]; correction: MrzCorrection }> = [];
  const before = countValid(parseMrz(lines, { format }));
  for (const span of spans) {
    const text = lines[span.line] ?? '';
    for (let i = span.start; i < span.end; i++) {
      for (const alt of SWAPS[text.charAt(i)] ?? []) {
        if (span.cls === 'numeric' && !/\d/.test(alt)) continue;
        if (span.cls === 'alpha' && !/[A-Z]/.test(alt)) continue;
        const candidate = [...lines];
        candidate[span.line] = text.slice(0, i) + alt + text.slice(i + 1);
        if (countValid(parseMrz(candidate, { format })) > before) {
          found.push({
            lines: candidate,
            correction: { line, position: i, from: text.charAt(i), to: alt, reason: 'check-digit' },
          });
        }
      }
    }
  }
  // Only an unambiguous repair is taken; two different fixes that both satisfy the check mean we do not know.
  return found.length === 1 ? found[0] : undefined;
}

function countValid(result: MrzResult): number {
  return Object.values(result.checks).filter((c) => c.valid).length;
}

/** The single 30-character line of the Exit-Entry Permit for Hong Kong and Macao (notes: chinese-documents §5). */
export interface PermitMrzReading extends MrzReading {
  format: 'CN-PERMIT';
  documentNumber: string;
  expiryDate: string | null;
  birthDate: string | null;
  checks: { documentNumber: boolean; expiryDate: boolean; birthDate: boolean; composite: boolean };
  confidence: number;
}

const PERMIT_SPANS: ClassSpan[] = [
  { line: 0, start: 0, end: 3, cls: 'alpha' },
  { line: 0, start: 4, end: 12, cls: 'numeric' },
  { line: 0, start: 13, end: 21, cls: 'numeric' },
  { line: 0, start: 21, end: 30, cls: 'numeric' },
];

export function readPermitMrz(mrzLines: readonly CardLine[]): PermitMrzReading | undefined {
  const line = mrzLines
    .map((l) => ({ l, t: normaliseMrzText(l.text) }))
    .find((c) => /^C[SD]/.test(c.t) || c.t.length >= 28);
  if (!line) return undefined;
  const corrections: MrzCorrection[] = [];
  let text = fitLength(line.t, 30, 0, corrections);
  // Fillers sit at fixed places; anything read there is a misread filler.
  const chars = [...text];
  for (const at of [12, 20, 28]) {
    if (chars[at] !== '<') {
      corrections.push({ line: 0, position: at, from: chars[at] ?? '', to: '<', reason: 'character-class' });
      chars[at] = '<';
    }
  }
  text = applyClasses([chars.join('')], PERMIT_SPANS, corrections)[0] ?? '';
  const number = text.slice(2, 11);
  const expiry = text.slice(13, 19);
  const birth = text.slice(21, 27);
  const checks = {
    documentNumber: computeMrzCheckDigit(number) === text.charAt(11),
    expiryDate: computeMrzCheckDigit(expiry) === text.charAt(19),
    birthDate: computeMrzCheckDigit(birth) === text.charAt(27),
    composite: computeMrzCheckDigit(text.slice(2, 12) + text.slice(13, 20) + text.slice(21, 28)) === text.charAt(29),
  };
  return {
    format: 'CN-PERMIT',
    lines: [text],
    valid: Object.values(checks).every(Boolean),
    corrections,
    documentNumber: number.replace(/</g, ''),
    expiryDate: mrzDate(expiry, 'expiry'),
    birthDate: mrzDate(birth, 'past'),
    checks,
    confidence: line.l.confidence,
  };
}

function mrzDate(yymmdd: string, pivot: 'past' | 'expiry'): string | null {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(yymmdd);
  if (!m) return null;
  const [yy, mm, dd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(2000 + yy, mm, dd) && !isRealDate(1900 + yy, mm, dd)) return null;
  const year = expandTwoDigitYear(yy, mm, dd, { pivot });
  return isRealDate(year, mm, dd) ? toIsoDate(year, mm, dd) : null;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

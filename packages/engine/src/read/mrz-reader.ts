import {
  MRZ_SHAPES,
  parseMrz,
  parsePermitMrz,
  repairMrz,
  type MrzCorrection,
  type MrzFormat,
  type MrzResult,
  type PermitCheckName,
} from '@dococr/core';
import { centreY, type CardLine } from './card-lines.js';
import { type MrzReading } from './field-types.js';

// What OCR reads for a filler '<' beyond the look-alikes core's repair knows: the notes saw '<<<<' come back as
// '人人人人', and brackets and 《 are common.
const FILLER_LOOKALIKES = /[《«‹〈く人＜([{〔]/g;

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
  if (clean.length < 20 || clean.length < raw.length * 0.85) return false;
  // A name line split by the detector keeps its fillers; a data line has a date.
  return clean.includes('<<') || (clean.length >= 24 && /\d{6}/.test(clean));
}

/** The machine-readable lines of a card: MRZ-like lines in the lower half, pieces of one row joined, top to bottom. */
export function findMrzLines(lines: readonly CardLine[]): CardLine[] {
  const mrzLike = lines.filter((l) => centreY(l) > 0.45 && isMrzLike(l.text));
  // The detector cuts long filler runs off as boxes of their own ('<<'): they belong to the MRZ row beside them.
  const fillerPieces = lines.filter(
    (l) =>
      !mrzLike.includes(l) &&
      /^<+$/.test(normaliseMrzText(l.text)) &&
      mrzLike.some((m) => Math.abs(centreY(m) - centreY(l)) < (m.y1 - m.y0) / 2),
  );
  const candidates = [...mrzLike, ...fillerPieces].sort((a, b) => a.y0 - b.y0);
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
 * Reads an ICAO MRZ: picks the format from the line lengths, then lets core's `repairMrz` restore fillers, fix
 * look-alikes by each column's character class and make failing check digits hold where exactly one swap does.
 * Every change is recorded.
 */
export function readIcaoMrz(mrzLines: readonly CardLine[]): IcaoMrzReading | undefined {
  const texts = mrzLines.map((l) => normaliseMrzText(l.text));
  const format = guessFormat(texts);
  if (!format) return undefined;
  const { lines: count, length } = MRZ_SHAPES[format];
  const used = texts.slice(-count);
  // The name line ends in a long filler run that OCR often cuts short by more than the repair's few characters;
  // padding it at the end moves no field.
  const nameLine = format === 'TD1' ? 2 : 0;
  const padded: MrzCorrection[] = [];
  const name = used[nameLine] ?? '';
  if (name.length < length - 3) {
    for (let at = name.length; at < length; at++)
      padded.push({ line: nameLine, position: at, from: '', to: '<', reason: 'length' });
    used[nameLine] = name.padEnd(length, '<');
  }
  const repaired = repairMrz(used, format);
  const parsed = parseMrz(repaired.lines, { format });
  const confidence = mean(mrzLines.slice(-count).map((l) => l.confidence));
  const corrections = [...padded, ...repaired.corrections];
  return {
    format,
    lines: repaired.lines,
    valid: parsed.valid,
    errorCount: parsed.errors.length,
    corrections,
    parsed,
    confidence,
  };
}

function guessFormat(texts: readonly string[]): MrzFormat | undefined {
  const n = texts.length;
  const len = Math.max(...texts.slice(-2).map((t) => t.length));
  if (n >= 3 && texts.slice(-3).every((t) => t.length >= 26 && t.length <= 34)) return 'TD1';
  if (n >= 2 && len >= 40) return 'TD3';
  if (n >= 2 && len >= 33) return 'TD2';
  return undefined;
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

export function readPermitMrz(mrzLines: readonly CardLine[]): PermitMrzReading | undefined {
  const line = mrzLines
    .map((l) => ({ l, t: normaliseMrzText(l.text) }))
    .find((c) => /^C[SD]/.test(c.t) || (c.t.length >= 27 && c.t.length <= 33));
  if (!line) return undefined;
  const repaired = repairMrz([line.t], 'permit-1x30');
  const parsed = parsePermitMrz(repaired.lines);
  const holds = (name: PermitCheckName): boolean => parsed.checks[name]?.valid ?? false;
  return {
    format: 'CN-PERMIT',
    lines: repaired.lines,
    valid: parsed.valid,
    errorCount: parsed.errors.length,
    corrections: repaired.corrections,
    documentNumber: parsed.fields.documentNumber,
    expiryDate: parsed.fields.expiryDate,
    birthDate: parsed.fields.birthDate,
    checks: {
      documentNumber: holds('documentNumber'),
      expiryDate: holds('expiryDate'),
      birthDate: holds('birthDate'),
      composite: holds('composite'),
    },
    confidence: line.l.confidence,
  };
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

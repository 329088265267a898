import { centreX, centreY, findKeywordLine, type CardLine, type CardRegion } from './card-lines.js';
import { type FieldReading, type FieldSource } from './field-types.js';

export function reading(value: string, confidence: number, source: FieldSource = 'visual'): FieldReading {
  return { value, confidence, source };
}

/** Mean confidence of the characters of `part` inside `line` (the line's mean when it cannot be located). */
export function partConfidence(line: CardLine, part: string): number {
  const at = line.text.indexOf(part);
  if (at < 0 || line.charConfidences.length !== [...line.text].length) return line.confidence;
  const start = [...line.text.slice(0, at)].length;
  const slice = line.charConfidences.slice(start, start + [...part].length);
  return slice.length ? slice.reduce((a, b) => a + b, 0) / slice.length : line.confidence;
}

/** Lowest confidence of the characters of `part` inside `line`: one doubtful digit makes a number doubtful. */
export function weakestConfidence(line: CardLine, part: string): number {
  const at = line.text.indexOf(part);
  if (at < 0 || line.charConfidences.length !== [...line.text].length) return line.confidence;
  const start = [...line.text.slice(0, at)].length;
  const slice = line.charConfidences.slice(start, start + [...part].length);
  return slice.length ? Math.min(...slice) : line.confidence;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/gu;

export function cjkOnly(text: string): string {
  return (text.match(CJK) ?? []).join('');
}

export function hasCjk(text: string): boolean {
  return /[\u3400-\u9fff]/u.test(text);
}

/** Removes a leading label (and what OCR makes of the gap after it) from a line that holds label and value. */
export function afterLabel(text: string, label: string): string {
  const compact = text.replace(/\s+/g, '');
  const at = compact.indexOf(label);
  if (at >= 0) return compact.slice(at + label.length).replace(/^[:：]/, '');
  // The label may be misread by one character: drop as many leading characters as the label has.
  return compact.slice([...label].length).replace(/^[:：]/, '');
}

export interface ValueNearLabel {
  line: CardLine;
  /** The value text (the label removed when label and value share a box). */
  text: string;
}

/**
 * The value printed with a label: in the same box after the label, in the next box to its right, or in the box
 * below it (bilingual cards print labels above values).
 */
export function valueNearLabel(
  lines: readonly CardLine[],
  label: string,
  options: { below?: boolean; right?: boolean; accept?: (text: string) => boolean; minScore?: number } = {},
): ValueNearLabel | undefined {
  const accept = options.accept ?? ((t: string) => t.length > 0);
  const labelLine = findKeywordLine(lines, label, options.minScore ?? 0.75);
  if (!labelLine) return undefined;
  const inline = afterLabel(labelLine.text, label);
  if (accept(inline)) return { line: labelLine, text: inline };
  const h = labelLine.y1 - labelLine.y0;
  if (options.right !== false) {
    const right = lines
      .filter(
        (l) => l !== labelLine && l.x0 >= labelLine.x1 - 0.01 && Math.abs(centreY(l) - centreY(labelLine)) < h * 0.6,
      )
      .sort((a, b) => a.x0 - b.x0)
      .find((l) => accept(l.text.replace(/\s+/g, '')));
    if (right) return { line: right, text: right.text.replace(/\s+/g, '') };
  }
  if (options.below !== false) {
    const below = lines
      .filter(
        (l) =>
          l !== labelLine &&
          l.y0 >= centreY(labelLine) &&
          l.y0 - labelLine.y1 < Math.max(2.5 * h, 0.08) &&
          l.x1 > labelLine.x0 - 0.02 &&
          l.x0 < labelLine.x0 + Math.max(0.2, labelLine.x1 - labelLine.x0),
      )
      .sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0)
      .find((l) => accept(l.text));
    if (below) return { line: below, text: below.text };
  }
  return undefined;
}

/** Lines with their centre inside a region, best-first by how centred they are. */
export function inRegion(lines: readonly CardLine[], region: CardRegion): CardLine[] {
  const cx = (region.x0 + region.x1) / 2;
  const cy = (region.y0 + region.y1) / 2;
  return lines
    .filter(
      (l) => centreX(l) >= region.x0 && centreX(l) <= region.x1 && centreY(l) >= region.y0 && centreY(l) <= region.y1,
    )
    .sort(
      (a, b) =>
        Math.abs(centreY(a) - cy) - Math.abs(centreY(b) - cy) || Math.abs(centreX(a) - cx) - Math.abs(centreX(b) - cx),
    );
}

/** Every match of a pattern over all lines, with the line it was found in. */
export function matches(
  lines: readonly CardLine[],
  pattern: RegExp,
): Array<{ line: CardLine; match: RegExpExecArray }> {
  const out: Array<{ line: CardLine; match: RegExpExecArray }> = [];
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  for (const line of lines) {
    const compact = compactLine(line);
    for (const m of compact.text.matchAll(global)) out.push({ line: compact, match: m as RegExpExecArray });
  }
  return out;
}

/** The line without whitespace, its character confidences kept in step. */
export function compactLine(line: CardLine): CardLine {
  const chars = [...line.text];
  if (chars.length !== line.charConfidences.length) return { ...line, text: line.text.replace(/\s+/g, '') };
  const keep = chars.map((c) => !/\s/.test(c));
  return {
    ...line,
    text: chars.filter((_, i) => keep[i]).join(''),
    charConfidences: line.charConfidences.filter((_, i) => keep[i]),
    charPositions: line.charPositions.filter((_, i) => keep[i]),
  };
}

/**
 * The line's Latin text with word spaces restored: the recogniser often drops the space between words ("HUYINGYI"),
 * but the ink shows the gap ({@link CardLine.wordGaps}); a space goes between two letters whose positions enclose
 * such a gap. Spaces the recogniser kept stay.
 */
export function spacedText(line: CardLine): string {
  const compact = compactLine(line);
  const chars = [...compact.text];
  const pos = compact.charPositions;
  const asRead = line.text.trim().replace(/\s+/g, ' ');
  if (pos.length !== chars.length || !line.wordGaps?.length) return asRead;
  const spacedAt = new Set<number>();
  let index = 0;
  for (const ch of line.text.trim()) {
    if (/\s/.test(ch)) spacedAt.add(index);
    else index++;
  }
  for (const gap of line.wordGaps) {
    const after = pos.findIndex((p) => p > gap);
    if (after > 0 && /[A-Za-z]/.test(chars[after - 1] ?? '') && /[A-Za-z]/.test(chars[after] ?? ''))
      spacedAt.add(after);
  }
  return chars.map((c, i) => (spacedAt.has(i) && i > 0 ? ' ' + c : c)).join('');
}

/**
 * Lines joined row by row (left to right, one space between boxes): a value the detector split at a gap
 * ("2022.07.02" | "-2042.07.02") is matched whole.
 */
export function joinRows(lines: readonly CardLine[]): CardLine[] {
  const rows: CardLine[][] = [];
  for (const line of [...lines].sort((a, b) => a.x0 - b.x0)) {
    const cy = (line.y0 + line.y1) / 2;
    const row = rows.find((r) => {
      const first = r[0] as CardLine;
      return Math.abs((first.y0 + first.y1) / 2 - cy) < (first.y1 - first.y0) * 0.5;
    });
    if (row) row.push(line);
    else rows.push([line]);
  }
  return rows.map((row) =>
    row.slice(1).reduce<CardLine>(
      (joined, next) => ({
        text: `${joined.text} ${next.text}`,
        confidence: Math.min(joined.confidence, next.confidence),
        charConfidences: [...joined.charConfidences, 1, ...next.charConfidences],
        charPositions: [...joined.charPositions, (joined.x1 + next.x0) / 2, ...next.charPositions],
        x0: joined.x0,
        y0: Math.min(joined.y0, next.y0),
        x1: next.x1,
        y1: Math.max(joined.y1, next.y1),
      }),
      row[0] as CardLine,
    ),
  );
}

import { type DetectedBox, type RgbImage } from '../ocr/ocr-types.js';
import { type PaddleOcr } from '../ocr/paddle-ocr.js';

/** A recognised line on the upright card; box coordinates are fractions of the card's width and height. */
export interface CardLine {
  text: string;
  confidence: number;
  charConfidences: number[];
  /** Each character's position along the line, as a fraction of the card's width (aligned with the text). */
  charPositions: number[];
  /** Centres of blank gaps in the ink wide enough to be word spaces, as fractions of the card's width. */
  wordGaps?: number[];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A region of the card in fractions of its width and height. */
export interface CardRegion {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Recognises every detected text region of the upright card, top to bottom. */
export async function readCardLines(
  ocr: PaddleOcr,
  card: RgbImage,
  boxes: readonly DetectedBox[],
): Promise<CardLine[]> {
  // Card text lines are never a fifth of the card tall: such regions are watermarks or photos, and would swallow
  // the real lines inside them.
  const lineLike = boxes.filter((b) => !b.vertical && b.width >= 6 && b.height >= 6 && b.height < card.height * 0.2);
  const kept = mergeRowNeighbours(dropContainedBoxes(lineLike));
  // The detector's boxes end tight on the first and last characters; a little room lets the recogniser see them
  // whole (a final 'X' was read as '8' without it).
  const padded = kept.map((b) => {
    const pad = Math.round(b.height * 0.15);
    const x = Math.max(0, b.x - pad);
    return { ...b, x, width: Math.min(card.width, b.x + b.width + pad) - x };
  });
  const texts = await ocr.recognizeMany(card, padded);
  const lines: CardLine[] = [];
  padded.forEach((b, i) => {
    const t = texts[i];
    if (!t || t.text.trim() === '') return;
    const chars = [...t.text];
    let start = 0;
    let end = chars.length;
    while (start < end && /\s/.test(chars[start] ?? '')) start++;
    while (end > start && /\s/.test(chars[end - 1] ?? '')) end--;
    const aligned = t.charConfidences.length === chars.length;
    lines.push({
      text: chars.slice(start, end).join(''),
      confidence: t.confidence,
      charConfidences: aligned ? t.charConfidences.slice(start, end) : t.charConfidences,
      charPositions: (aligned ? t.charPositions.slice(start, end) : t.charPositions).map(
        (p) => (b.x + p * b.width) / card.width,
      ),
      wordGaps: wordGaps(card, b).map((x) => x / card.width),
      x0: b.x / card.width,
      y0: b.y / card.height,
      x1: (b.x + b.width) / card.width,
      y1: (b.y + b.height) / card.height,
    });
  });
  return lines.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}

/**
 * Blank column runs inside a text region that are wide enough to be spaces between words: wider than a third of
 * the ink's height (a word space with its side bearings is about half a cap height, two upright stems of one word
 * about a fifth).
 * The recogniser drops many spaces, so readers of Latin names put them back from these.
 */
function wordGaps(card: RgbImage, box: { x: number; y: number; width: number; height: number }): number[] {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(card.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(card.height, Math.ceil(box.y + box.height));
  if (x1 - x0 < 8 || y1 - y0 < 4) return [];
  const grey = (x: number, y: number): number => {
    const i = (y * card.width + x) * 3;
    return ((card.data[i] ?? 0) * 299 + (card.data[i + 1] ?? 0) * 587 + (card.data[i + 2] ?? 0) * 114) / 1000;
  };
  let lo = 255;
  let hi = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const g = grey(x, y);
      if (g < lo) lo = g;
      if (g > hi) hi = g;
    }
  }
  if (hi - lo < 40) return [];
  const threshold = (lo + hi) / 2;
  const inkColumns: boolean[] = [];
  let top = y1;
  let bottom = y0;
  for (let x = x0; x < x1; x++) {
    let ink = false;
    for (let y = y0; y < y1; y++) {
      if (grey(x, y) < threshold) {
        ink = true;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
    inkColumns.push(ink);
  }
  const minGap = 0.35 * Math.max(1, bottom - top + 1);
  const gaps: number[] = [];
  let run = -1;
  const first = inkColumns.indexOf(true);
  const last = inkColumns.lastIndexOf(true);
  for (let k = first; k <= last && first >= 0; k++) {
    if (!inkColumns[k] && run < 0) run = k;
    if (inkColumns[k] && run >= 0) {
      if (k - run >= minGap) gaps.push(x0 + (run + k) / 2);
      run = -1;
    }
  }
  return gaps;
}

/** The detector sometimes reports a fragment inside a larger region; reading it twice only adds noise. */
function dropContainedBoxes(boxes: DetectedBox[]): DetectedBox[] {
  return boxes.filter(
    (b) =>
      !boxes.some(
        (o) => o !== b && o.width * o.height > b.width * b.height && overlapArea(o, b) > 0.7 * b.width * b.height,
      ),
  );
}

/**
 * The detector splits a line at wide letter gaps ("LEE, Chi" | "Nan") and the grown halves overlap, so reading them
 * apart garbles the seam. Boxes on the same row that touch or nearly touch are read as one.
 */
function mergeRowNeighbours(boxes: DetectedBox[]): DetectedBox[] {
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  const out: DetectedBox[] = [];
  for (const box of sorted) {
    const host = out.find((o) => {
      const top = Math.max(o.y, box.y);
      const bottom = Math.min(o.y + o.height, box.y + box.height);
      const shared = bottom - top;
      const gap = box.x - (o.x + o.width);
      return shared > 0.6 * Math.min(o.height, box.height) && gap < 0.25 * Math.min(o.height, box.height);
    });
    if (!host) {
      out.push({ ...box });
      continue;
    }
    const x1 = Math.max(host.x + host.width, box.x + box.width);
    const y1 = Math.max(host.y + host.height, box.y + box.height);
    host.x = Math.min(host.x, box.x);
    host.y = Math.min(host.y, box.y);
    host.width = x1 - host.x;
    host.height = y1 - host.y;
    host.score = Math.max(host.score, box.score);
  }
  return out;
}

function overlapArea(a: DetectedBox, b: DetectedBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function centreY(line: CardLine): number {
  return (line.y0 + line.y1) / 2;
}

export function centreX(line: CardLine): number {
  return (line.x0 + line.x1) / 2;
}

/** Lines whose centre lies inside the region. */
export function linesIn(lines: readonly CardLine[], region: CardRegion): CardLine[] {
  return lines.filter((l) => {
    const cx = centreX(l);
    const cy = centreY(l);
    return cx >= region.x0 && cx <= region.x1 && cy >= region.y0 && cy <= region.y1;
  });
}

/** Lines on the same row as `line` (vertical centres within half a line height), left to right. */
export function sameRow(lines: readonly CardLine[], line: CardLine): CardLine[] {
  const cy = centreY(line);
  const half = (line.y1 - line.y0) / 2;
  return lines.filter((l) => Math.abs(centreY(l) - cy) <= half).sort((a, b) => a.x0 - b.x0);
}

/**
 * How much of `keyword` appears, in order and close together, in `text`: the longest common subsequence with any
 * window of the text a little longer than the keyword, over the keyword's length. A keyword still counts when OCR
 * dropped or misread one character, but not when its characters are scattered over a long line.
 * Keywords of one or two characters must appear exactly.
 */
export function keywordScore(text: string, keyword: string): number {
  if (!keyword) return 0;
  if (text.includes(keyword)) return 1;
  const a = [...keyword];
  if (a.length <= 2) return 0;
  const b = [...text];
  const span = a.length + 2;
  let best = 0;
  for (let start = 0; start < Math.max(1, b.length - a.length + 2); start++) {
    best = Math.max(best, lcs(a, b.slice(start, start + span)));
    if (best === a.length) break;
  }
  return best / a.length;
}

function lcs(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const ch of a) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = ch === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The best score of a keyword over all lines (and over the lines joined, for keywords split across boxes). */
export function bestKeywordScore(lines: readonly CardLine[], keyword: string): number {
  let best = 0;
  for (const l of lines) best = Math.max(best, keywordScore(l.text.replace(/\s+/g, ''), keyword));
  return best;
}

/** The line that best contains the keyword (score at least `min`). */
export function findKeywordLine(lines: readonly CardLine[], keyword: string, min = 0.75): CardLine | undefined {
  let best: CardLine | undefined;
  let bestScore = min;
  for (const l of lines) {
    const s = keywordScore(l.text.replace(/\s+/g, ''), keyword);
    if (s >= bestScore) {
      best = l;
      bestScore = s;
    }
  }
  return best;
}

/**
 * OCR repair of machine-readable zones by field position. Each column of a format has a character class (digits
 * only, letters only, or both); a character that cannot stand in its column is swapped for its usual look-alike
 * (O->0 in a date, 0->O in a state code: 'UT0' -> 'UTO'). Where both would be allowed (document numbers, optional
 * data) the check digits decide: the smallest set of look-alike swaps that makes the protected field's check digit
 * pass is applied, and nothing is changed when no set, or more than one equally small set, passes.
 * Lines one to three characters too short or too long are fixed by adding or removing '<' in the filler run whose
 * change leaves the fewest errors.
 */
import { detectMrzFormat, MRZ_LAYOUTS, mrzFieldClasses, parseMrz, toMrzLines, type MrzCharClass } from './mrz.js';
import { MRZ_SHAPES, type MrzFormat } from './mrz-types.js';
import { parsePermitMrz } from './permit-mrz.js';
import { RuleError, RuleErrorCode } from './rule-error.js';

export type RepairFormat = MrzFormat | 'permit-1x30';

export interface MrzCorrection {
  /** 0-based line and column in the returned lines. */
  line: number;
  position: number;
  /** '' for an inserted filler; `to` is '' for a removed one. */
  from: string;
  to: string;
  reason: 'filler-look-alike' | 'numeric-field' | 'alphabetic-field' | 'check-digit' | 'check-digit-guess' | 'length';
}

export interface MrzRepairOptions {
  /**
   * When several swap sets pass every check digit, pick the one whose new characters match their neighbours' kind
   * (digit/letter), reported with reason 'check-digit-guess'. Default true. On structured numbers ('E12345678',
   * all-digit personal numbers) this repaired every single misread in our property runs; on random alphanumerics
   * about one single-misread repair in ten was a wrong guess, so treat 'check-digit-guess' as lower confidence.
   */
  guess?: boolean;
}

export interface MrzRepairResult {
  format: RepairFormat | null;
  lines: string[];
  corrections: MrzCorrection[];
  /** Whether the repaired lines parse without errors. */
  valid: boolean;
}

// OCR engines return '<' as these; Chinese models even as '人' (seen by the engine team on real MRZ crops).
const FILLER_LOOK_ALIKES = /[«《‹〈く人＜≤([{〔]/g;
const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', Z: '2', S: '5', G: '6', B: '8' };
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '6': 'G', '8': 'B' };
/**
 * Swaps tried in alphanumeric fields. G/6 and K/< are left out on purpose: their values differ by 10, so a 7-3-1
 * check digit cannot tell them apart.
 */
const ALNUM_SWAPS: Record<string, string> = {
  O: '0',
  '0': 'O',
  I: '1',
  '1': 'I',
  Z: '2',
  '2': 'Z',
  S: '5',
  '5': 'S',
  B: '8',
  '8': 'B',
};
const MAX_LENGTH_FIX = 3;
const MAX_SWAPS = 3;
const MAX_CANDIDATES = 4000;

const PERMIT_CLASSES: MrzCharClass[] = [...'AANNNNNNNNNDFDDDDDDDFDDDDDDDFD'].map((c) =>
  c === 'A' ? 'alpha' : c === 'N' ? 'alphanumeric' : c === 'D' ? 'numeric' : 'filler',
) as MrzCharClass[];

type ColumnClass = MrzCharClass | 'filler';

function columnClasses(format: RepairFormat): ColumnClass[][] {
  if (format === 'permit-1x30') return [PERMIT_CLASSES];
  const { lines, length } = MRZ_SHAPES[format];
  const out: ColumnClass[][] = Array.from({ length: lines }, () => new Array<ColumnClass>(length).fill('alphanumeric'));
  for (const { span, cls } of mrzFieldClasses(format)) {
    for (let c = span[1]; c < span[2]; c++) out[span[0]]![c] = cls;
  }
  return out;
}

function shapeOf(format: RepairFormat) {
  return format === 'permit-1x30' ? { lines: 1, length: 30 } : MRZ_SHAPES[format];
}

function evaluate(lines: string[], format: RepairFormat) {
  const r = format === 'permit-1x30' ? parsePermitMrz(lines) : parseMrz(lines, { format });
  return {
    errors: r.errors.length,
    failed: new Set(
      Object.entries(r.checks)
        .filter(([, c]) => !c.valid)
        .map(([n]) => n),
    ),
  };
}

/**
 * Repairs OCR misreads in an MRZ (TD1/TD2/TD3 or the one-line permit code) by field position and check digits.
 * @example repairMrz(['I<UT0D231458907ABC<<<<<<<<<<<<', '74O8122F12O4159UTO<<<<<<<<<<<1', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'])
 * // lines[0] 'I<UTOD23...', lines[1] '7408122F1204159UTO...', with three corrections
 */
export function repairMrz(
  input: string | readonly string[],
  format?: RepairFormat,
  opts: MrzRepairOptions = {},
): MrzRepairResult {
  if (format !== undefined && format !== 'permit-1x30' && !(format in MRZ_SHAPES)) {
    throw new RuleError(RuleErrorCode.InvalidInput, `unknown MRZ format '${String(format)}'`);
  }
  const corrections: MrzCorrection[] = [];
  let lines = toMrzLines(input).map((line, li) =>
    line.replace(FILLER_LOOK_ALIKES, (ch, at: number) => {
      if (ch !== '<') corrections.push({ line: li, position: at, from: ch, to: '<', reason: 'filler-look-alike' });
      return '<';
    }),
  );
  const fmt =
    format ??
    (lines.length === 1 && lines[0]!.length >= 27 && lines[0]!.length <= 33 ? 'permit-1x30' : detectMrzFormat(lines));
  if (fmt === null || lines.length !== shapeOf(fmt).lines) {
    return { format: fmt, lines, corrections, valid: false };
  }
  const classes = columnClasses(fmt);
  lines = lines.map((line, li) => fixLength(line, li, fmt, lines, classes, corrections));
  lines = lines.map((line, li) => fixClasses(line, li, classes[li]!, corrections));
  lines = fixByCheckDigits(lines, fmt, corrections, opts.guess ?? true);
  return { format: fmt, lines, corrections, valid: evaluate(lines, fmt).errors === 0 };
}

function classFix(ch: string, cls: ColumnClass): string {
  if (cls === 'numeric') return TO_DIGIT[ch] ?? ch;
  if (cls === 'alpha') return TO_LETTER[ch] ?? ch;
  if (cls === 'filler' && ch !== '<' && /[A-Z0-9]/.test(ch)) return '<';
  return ch;
}

function fixClasses(line: string, li: number, classes: ColumnClass[], corrections: MrzCorrection[]): string {
  return [...line]
    .map((ch, col) => {
      const cls = classes[col] ?? 'alphanumeric';
      const to = classFix(ch, cls);
      if (to !== ch) {
        const reason = cls === 'numeric' ? 'numeric-field' : cls === 'alpha' ? 'alphabetic-field' : 'filler-look-alike';
        corrections.push({ line: li, position: col, from: ch, to, reason });
      }
      return to;
    })
    .join('');
}

/** Adds or removes up to three '<' in the filler run (or line end) that leaves the fewest errors after class fixes. */
function fixLength(
  line: string,
  li: number,
  format: RepairFormat,
  all: string[],
  classes: ColumnClass[][],
  corrections: MrzCorrection[],
): string {
  const want = shapeOf(format).length;
  const diff = want - line.length;
  if (diff === 0 || Math.abs(diff) > MAX_LENGTH_FIX) return line;
  const candidates: Array<{ line: string; at: number }> = [];
  if (diff > 0) {
    candidates.push({ line: line + '<'.repeat(diff), at: line.length });
    for (const m of line.matchAll(/<+/g))
      candidates.push({ line: line.slice(0, m.index) + '<'.repeat(diff) + line.slice(m.index), at: m.index });
  } else {
    // Longest runs first, the last one first among equals: a name's '<<' separator is the least likely to be padded.
    const runs = [...line.matchAll(/<+/g)].filter((m) => m[0].length >= -diff);
    runs.sort((a, b) => b[0].length - a[0].length || b.index - a.index);
    for (const m of runs) candidates.push({ line: line.slice(0, m.index) + line.slice(m.index - diff), at: m.index });
    if (candidates.length === 0) return line;
  }
  let best = candidates[0]!;
  let bestScore = Infinity;
  for (const c of candidates) {
    const trial = all.map((l, i) => (i === li ? c.line : l.slice(0, want).padEnd(want, '<')));
    const fixed = trial.map((l, i) =>
      [...l].map((ch, col) => classFix(ch, classes[i]![col] ?? 'alphanumeric')).join(''),
    );
    const { errors } = evaluate(fixed, format);
    if (errors < bestScore) {
      best = c;
      bestScore = errors;
    }
  }
  for (const k of corrections) {
    if (k.line === li && k.position >= best.at) k.position += diff;
  }
  for (let i = 0; i < Math.abs(diff); i++) {
    corrections.push({
      line: li,
      position: best.at + (diff > 0 ? i : 0),
      from: diff > 0 ? '' : '<',
      to: diff > 0 ? '<' : '',
      reason: 'length',
    });
  }
  return best.line;
}

interface Group {
  /** Characters that may be swapped. */
  cells: Cell[];
  /** The group's own checks; none for data only the composite covers. */
  checks: string[];
}

function groups(format: RepairFormat, lines: string[]): Group[] {
  const swappable = (cells: Cell[]) => cells.filter(([l, c]) => ALNUM_SWAPS[lines[l]!.charAt(c)] !== undefined);
  const range = (l: number, s: number, e: number) => Array.from({ length: e - s }, (_, i) => [l, s + i] as Cell);
  if (format === 'permit-1x30') return [{ cells: swappable(range(0, 2, 11)), checks: ['documentNumber', 'composite'] }];
  const layout = MRZ_LAYOUTS[format];
  const [nl, ns, ne] = layout.documentNumber;
  const [ol, os, oe] = layout.optionalData;
  const extended =
    layout.extendedNumber && lines[layout.documentNumberCheck[0]]!.charAt(layout.documentNumberCheck[1]) === '<';
  const extEnd = extended ? os + /^[^<]*/.exec(lines[ol]!.slice(os, oe))![0].length - 1 : os;
  const out: Group[] = [
    { cells: swappable([...range(nl, ns, ne), ...range(ol, os, extEnd)]), checks: ['documentNumber'] },
  ];
  if (format === 'TD3') out.push({ cells: swappable(range(ol, os, oe)), checks: ['personalNumber'] });
  // Optional data only the composite covers (TD1 both optional fields, TD2 optional data).
  const rest = [...range(ol, extended ? extEnd + 1 : os, oe)];
  if (layout.optionalData2) rest.push(...range(...layout.optionalData2));
  if (format !== 'TD3') out.push({ cells: swappable(rest), checks: [] });
  return out;
}

type Cell = [line: number, column: number];

/**
 * Each group with a failing check of its own offers its smallest passing swap sets (or the reading as is); the
 * composite check then picks among the combinations. Requiring the composite as well keeps a misread check digit
 * from being "repaired" by changing the data it protects, which a mod-10 digit alone would allow one time in ten.
 */
function fixByCheckDigits(
  lines: string[],
  format: RepairFormat,
  corrections: MrzCorrection[],
  guess: boolean,
): string[] {
  const failing = evaluate(lines, format).failed;
  if (failing.size === 0) return lines;
  const options = groups(format, lines).map((g) => {
    if (g.checks.length === 0) return [[], ...g.cells.map((c) => [c])];
    return g.checks.some((c) => failing.has(c)) ? [[], ...smallestPassingSwaps(lines, format, g)] : [[]];
  });
  let combos: Cell[][] = [[]];
  for (const opts of options) {
    combos = combos.flatMap((combo) => opts.map((o) => [...combo, ...o]));
    if (combos.length > MAX_CANDIDATES) return lines;
  }
  const passing = combos
    .filter((cells) => cells.length > 0)
    .map((cells) => ({ cells, lines: swap(lines, cells) }))
    .filter((c) => evaluate(c.lines, format).failed.size === 0);
  if (passing.length === 0) return lines;
  const fewest = Math.min(...passing.map((p) => p.cells.length));
  const smallest = passing.filter((p) => p.cells.length === fewest);
  const best = smallest.length === 1 ? smallest[0]! : guess ? mostPlausible(lines, smallest) : null;
  if (!best) return lines;
  const reason = smallest.length === 1 ? 'check-digit' : 'check-digit-guess';
  for (const [l, c] of best.cells) {
    corrections.push({ line: l, position: c, from: lines[l]!.charAt(c), to: best.lines[l]!.charAt(c), reason });
  }
  return best.lines;
}

function swap(lines: string[], cells: Cell[]): string[] {
  const trial = lines.map((l) => [...l]);
  for (const [l, c] of cells) trial[l]![c] = ALNUM_SWAPS[trial[l]![c]!]!;
  return trial.map((l) => l.join(''));
}

/** All swap sets of the smallest size (up to three) that make the group's own checks pass. */
function smallestPassingSwaps(lines: string[], format: RepairFormat, group: Group): Cell[][] {
  const n = group.cells.length;
  let tried = 0;
  for (let k = 1; k <= Math.min(MAX_SWAPS, n); k++) {
    const passing: Cell[][] = [];
    for (const subset of combinations(n, k)) {
      if (++tried > MAX_CANDIDATES) return passing;
      const cells = subset.map((i) => group.cells[i]!);
      const { failed } = evaluate(swap(lines, cells), format);
      if (!group.checks.some((c) => failed.has(c))) passing.push(cells);
    }
    if (passing.length > 0) return passing;
  }
  return [];
}

/**
 * Mod-10 check digits often pass for several swaps. Prefer the one whose new characters are of the same kind
 * (digit or letter) as their neighbours ('ZE1842Z6B' -> 'ZE184226B', not '2E1842Z6B'); when that does not single one
 * out, the check digits cannot choose and the reading is left alone.
 */
function mostPlausible(lines: string[], passing: Array<{ lines: string[]; cells: Cell[] }>) {
  const kind = (ch: string) => (/\d/.test(ch) ? 'digit' : /[A-Z]/.test(ch) ? 'letter' : 'filler');
  const score = (cells: Cell[], after: string[]) =>
    cells.reduce((sum, [l, c]) => {
      const [from, to] = [lines[l]!.charAt(c), after[l]!.charAt(c)];
      for (const nb of [lines[l]!.charAt(c - 1), lines[l]!.charAt(c + 1)]) {
        if (nb === '' || nb === '<') continue;
        if (kind(nb) === kind(to)) sum++;
        if (kind(nb) === kind(from)) sum--;
      }
      return sum;
    }, 0);
  const scored = passing.map((p) => ({ p, s: score(p.cells, p.lines) })).sort((a, b) => b.s - a.s);
  return scored[0]!.s > scored[1]!.s ? scored[0]!.p : null;
}

function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

// Quality modes, anti-spoofing detectors and the face score of @dococr/engine, measured on a fixed-seed set of
// @dococr/specimens documents and on the real images in ../shared/fixtures/real. Writes bench/results/detectors.md.
// Run (from the repository root, after building core, specimens and engine):
//   npx tsc -p bench/tsconfig.json && node node_modules/.bench-build/detectors.js [perSpoof] [genuine] [tamperRead]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CANONICAL_SIZE,
  decodeImage,
  findCardOutline,
  judgeQuality,
  LocalDocOcrEngine,
  measureQuality,
  photoCopy,
  rectify,
  scoreFace,
  screenRemark,
  shortcut,
  tamper,
  type Quad,
  type QualityMeasurements,
  type RgbImage,
  type SpoofFinding,
  type SpoofInput,
} from '@dococr/engine';
import { CONDITION_TYPES, renderSpecimen, SPECIMEN_KINDS, type ConditionType } from '@dococr/specimens';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const perSpoof = Number(process.argv[2] ?? 100);
const genuineCount = Number(process.argv[3] ?? 400);
// TAMPER through the engine's reading (slow: the whole OCR per image): this many tampered and as many clean specimens.
const tamperReadCount = Number(process.argv[4] ?? 0);
const SPOOFS = ['SCREEN_REMARK', 'PHOTO_COPY', 'SHORTCUT', 'TAMPER'] as const;
type Spoof = (typeof SPOOFS)[number];
const MODES = ['1', '0', '2'] as const;

interface Row {
  label: string;
  spoof?: Spoof;
  conditions: ConditionType[];
  severity?: string;
  findings: SpoofFinding[];
  quality: QualityMeasurements;
  qualityOracle?: QualityMeasurements;
  face?: { score: number; found: boolean };
  ms: Record<string, number>;
}

function polygonAreaOf(q: Quad): number {
  let twice = 0;
  for (let k = 0; k < 4; k++) twice += q[k]!.x * q[(k + 1) % 4]!.y - q[(k + 1) % 4]!.x * q[k]!.y;
  return Math.abs(twice) / 2;
}

async function analyse(
  bytes: Uint8Array,
  docType: string,
  format: 'id1' | 'td3',
  labelledCorners?: Quad,
): Promise<Omit<Row, 'label' | 'conditions'>> {
  const ms: Record<string, number> = {};
  const time = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    ms[name] = performance.now() - t0;
    return out;
  };
  const rgb = await decodeImage({ bytes }, { maxSide: 1600 });
  const image: RgbImage = { data: rgb.data, width: rgb.width, height: rgb.height };
  const card = await time('outline+rectify', async () => {
    const outline = await findCardOutline(image);
    return { ...outline, image: await rectify(image, outline.corners, CANONICAL_SIZE[format]) };
  });
  const cardInput = { corners: card.corners, coverage: card.coverage, rectified: card.image };
  const original = { bytes, mediaType: bytes[0] === 0x89 ? 'image/png' : 'image/jpeg' };
  const quality = await time('quality', () => measureQuality({ image, card: cardInput, original }));
  const qualityOracle = labelledCorners
    ? await measureQuality({
        image,
        card: {
          corners: labelledCorners,
          coverage: Math.min(1, polygonAreaOf(labelledCorners) / (image.width * image.height)),
        },
        original,
      })
    : undefined;
  const input: SpoofInput = {
    image,
    original,
    card: cardInput,
    docType,
  };
  const findings = [
    await time('SCREEN_REMARK', () => screenRemark(input)),
    await time('PHOTO_COPY', () => photoCopy(input, card.image)),
    await time('SHORTCUT', () => shortcut(input)),
    await time('TAMPER', () => tamper(input, card.image)),
  ];
  const face = await time('face', () => scoreFace({ image: card.image }));
  return {
    findings,
    quality,
    ...(qualityOracle ? { qualityOracle } : {}),
    face: { score: face.score, found: face.faceFound },
    ms,
  };
}

function severityOf(conditions: Array<{ type: string; params: Record<string, unknown> }>): string | undefined {
  const c = conditions[0];
  if (!c) return undefined;
  const p = c.params;
  const pick: Record<string, [string, number]> = {
    blur: ['sigma', 2.8],
    noise: ['sigma', 15],
    jpeg: ['quality', 26],
    underexposed: ['gain', 0.4],
    overexposed: ['gain', 1.95],
    'small-card': ['coverage', 0.3],
    'corner-cut': ['overshootPx', 48],
  };
  const rule = pick[c.type];
  if (c.type === 'rotation') return 'quarterTurns' in p ? 'quarter turn' : 'free angle';
  if (!rule) return undefined;
  const v = Number(p[rule[0]]);
  return `${rule[0]} ${v < rule[1] ? '<' : '>='} ${rule[1]}`;
}

const rows: Row[] = [];
const started = performance.now();
for (const spoof of SPOOFS) {
  for (let i = 0; i < perSpoof; i++) {
    const kind = SPECIMEN_KINDS[i % SPECIMEN_KINDS.length]!;
    const s = await renderSpecimen({ seed: `bench-detectors-${spoof}-${i}`, kind, spoof });
    const r = await analyse(new Uint8Array(s.data), s.docType, kind === 'passport-td3' ? 'td3' : 'id1');
    rows.push({ label: kind, spoof, conditions: [], ...r });
  }
  console.error(`${spoof}: ${perSpoof} done, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const conditionCycle: ConditionType[][] = [[], ...CONDITION_TYPES.map((c) => [c])];
for (let i = 0; i < genuineCount; i++) {
  const kind = SPECIMEN_KINDS[i % SPECIMEN_KINDS.length]!;
  const conditions = conditionCycle[Math.floor(i / SPECIMEN_KINDS.length) % conditionCycle.length]!;
  const s = await renderSpecimen({ seed: `bench-detectors-genuine-${i}`, kind, conditions });
  const r = await analyse(new Uint8Array(s.data), s.docType, kind === 'passport-td3' ? 'td3' : 'id1', s.corners);
  const severity = severityOf(s.conditions);
  rows.push({ label: kind, conditions, ...(severity ? { severity } : {}), ...r });
}
console.error(`genuine: ${genuineCount} done, ${((performance.now() - started) / 1000).toFixed(0)} s`);

// Real fixtures: the photocopies must be PHOTO_COPY, the screenshot-in-app PNG is SHORTCUT, the rest genuine.
const realDir = path.resolve(root, '../shared/fixtures/real');
const manifest = JSON.parse(await readFile(path.join(realDir, 'MANIFEST.json'), 'utf8')) as Array<{
  file: string;
  notes?: string;
}>;
const realRows: Array<{ file: string; expected: Spoof | 'genuine'; findings: SpoofFinding[]; face: number }> = [];
for (const entry of manifest) {
  const folder = entry.file.split('/')[0]!;
  const docType =
    folder === 'cn_resident_id'
      ? '00000001'
      : folder === 'hkid_2003'
        ? '00000006'
        : folder === 'macao_resident_id'
          ? '000000011'
          : '01000000';
  const format = /passport|td3|visa/.test(entry.file) && !/id_card/.test(entry.file) ? 'td3' : 'id1';
  const bytes = new Uint8Array(await readFile(path.join(realDir, entry.file)));
  const r = await analyse(bytes, docType, format);
  const expected: Spoof | 'genuine' =
    folder === 'photocopy' ? 'PHOTO_COPY' : /SCREENSHOT/.test(entry.notes ?? '') ? 'SHORTCUT' : 'genuine';
  realRows.push({ file: entry.file, expected, findings: r.findings, face: r.face?.score ?? 0 });
}

// TAMPER as the engine would decide it: mrzConsistent is false when a consistency check of the reading fails (MRZ
// check digits, MRZ against the visual zone, ID number against birth date and sex). This mapping is a proposal for
// the integration, not something the detectors decide.
const CONSISTENCY_CHECKS = new Set([
  'mrz.valid',
  'mrz.checkDigits',
  'passportNo.matchesVisualZone',
  'birthDate.matchesIdNumber',
  'sex.matchesIdNumber',
]);
const tamperRead: Array<{ tampered: boolean; detected: boolean; failed: string[] }> = [];
if (tamperReadCount > 0) {
  const engine = new LocalDocOcrEngine();
  for (let i = 0; i < tamperReadCount; i++) {
    for (const tampered of [true, false]) {
      const kind = SPECIMEN_KINDS[i % SPECIMEN_KINDS.length]!;
      const s = await renderSpecimen({
        seed: `bench-detectors-read-${tampered ? 'tamper' : 'clean'}-${i}`,
        kind,
        ...(tampered ? { spoof: 'TAMPER' as const } : {}),
      });
      const analysis = await engine.analyze({
        productCode: 'ID_OCR_MIN',
        merchantBizId: `bench${i}`,
        merchantUserId: 'bench',
        idOcrPictureBase64: s.data.toString('base64'),
        docType: s.docType,
        ocr: 'T',
        idFaceQuality: 'F',
        spoof: 'F',
        idThreshold: '3',
        ...(s.docType === '00000001' ? { cardSide: s.cardSide } : {}),
      });
      const failed = analysis.checks.filter((c) => !c.passed && CONSISTENCY_CHECKS.has(c.name)).map((c) => c.name);
      const rgb = await decodeImage({ bytes: new Uint8Array(s.data) }, { maxSide: 1600 });
      const image = { data: rgb.data, width: rgb.width, height: rgb.height };
      const finding = tamper(
        {
          image,
          original: { bytes: new Uint8Array(s.data), mediaType: 'image/jpeg' },
          card: { corners: analysis.card.corners, coverage: analysis.card.coverage },
          docType: s.docType,
          mrzConsistent: failed.length === 0,
        },
        image,
      );
      tamperRead.push({ tampered, detected: finding.detected, failed });
    }
  }
}

// ---- tables ----
const pct = (k: number, n: number): string => (n ? `${((100 * k) / n).toFixed(1)}% (${k}/${n})` : 'n/a');
const detected = (r: { findings: SpoofFinding[] }, t: Spoof): boolean =>
  r.findings.some((f) => f.type === t && f.detected);
const genuine = rows.filter((r) => !r.spoof);
const lines: string[] = [];
lines.push('# Detector benchmark (quality, anti-spoofing, face)', '');
lines.push(
  `Command: \`npx tsc -p bench/tsconfig.json && node node_modules/.bench-build/detectors.js ${perSpoof} ${genuineCount} ${tamperReadCount}\`  `,
  `Machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores (shared), node ${process.version}, ${new Date().toISOString().slice(0, 10)}.  `,
  `Specimens: @dococr/specimens renderSpecimen, 640x480, seeds \`bench-detectors-<type>-<i>\`, kinds in rotation; ${perSpoof} per spoof type, ${genuineCount} genuine (clean and each capture condition in turn). Cards outlined by the engine's findCardOutline and rectified to the canonical size (findCard without its OCR orientation check and text boxes, which cost about 4 s per image on this loaded machine), not taken from the labels; TAMPER therefore sees no text boxes and no MRZ consistency here.`,
  '',
);
lines.push(
  '## Anti-spoofing on specimens',
  '',
  '| type | recall on its spoof | false positives on genuine | fires on other spoof types |',
  '|---|---|---|---|',
);
for (const t of SPOOFS) {
  const own = rows.filter((r) => r.spoof === t);
  const others = rows.filter((r) => r.spoof && r.spoof !== t);
  lines.push(
    `| ${t} | ${pct(own.filter((r) => detected(r, t)).length, own.length)} | ${pct(genuine.filter((r) => detected(r, t)).length, genuine.length)} | ${pct(others.filter((r) => detected(r, t)).length, others.length)} |`,
  );
}
const anyFp = genuine.filter((r) => SPOOFS.some((t) => detected(r, t)));
lines.push('', `Genuine documents flagged by any detector: ${pct(anyFp.length, genuine.length)}.`, '');
lines.push(
  'False positives on genuine by capture condition (any detector):',
  '',
  '| condition | flagged | by |',
  '|---|---|---|',
);
for (const c of conditionCycle) {
  const g = genuine.filter((r) => r.conditions.join() === c.join());
  const flagged = g.filter((r) => SPOOFS.some((t) => detected(r, t)));
  const by = SPOOFS.map((t) => [t, g.filter((r) => detected(r, t)).length] as const).filter(([, n]) => n);
  lines.push(
    `| ${c.join() || 'clean'} | ${pct(flagged.length, g.length)} | ${by.map(([t, n]) => `${t} ${n}`).join(', ')} |`,
  );
}
lines.push('', '## Anti-spoofing on the real fixtures (../shared/fixtures/real)', '');
const realPc = realRows.filter((r) => r.expected === 'PHOTO_COPY');
const realGen = realRows.filter((r) => r.expected === 'genuine');
const realShot = realRows.filter((r) => r.expected === 'SHORTCUT');
lines.push(
  `PHOTO_COPY recall on the real photocopies: ${pct(realPc.filter((r) => detected(r, 'PHOTO_COPY')).length, realPc.length)}; SHORTCUT on the in-app screenshot: ${pct(realShot.filter((r) => detected(r, 'SHORTCUT')).length, realShot.length)}; genuine images flagged by any detector: ${pct(realGen.filter((r) => SPOOFS.some((t) => detected(r, t))).length, realGen.length)}.`,
  '',
  '| file | expected | detected | SCREEN_REMARK | PHOTO_COPY | SHORTCUT | TAMPER | face score |',
  '|---|---|---|---|---|---|---|---|',
);
for (const r of realRows) {
  const got = SPOOFS.filter((t) => detected(r, t));
  const score = (t: Spoof): string => r.findings.find((f) => f.type === t)!.score.toFixed(2);
  lines.push(
    `| ${r.file} | ${r.expected} | ${got.join(', ') || '-'} | ${SPOOFS.map(score).join(' | ')} | ${r.face.toFixed(0)} |`,
  );
}
if (tamperRead.length) {
  const t = tamperRead.filter((r) => r.tampered);
  const c = tamperRead.filter((r) => !r.tampered);
  lines.push(
    '',
    `## TAMPER through the reading step (${tamperReadCount} tampered, ${tamperReadCount} clean specimens, LocalDocOcrEngine.analyze)`,
    '',
    `mrzConsistent = no failure among ${[...CONSISTENCY_CHECKS].join(', ')}. TAMPER recall ${pct(t.filter((r) => r.detected).length, t.length)}; false positives on clean ${pct(c.filter((r) => r.detected).length, c.length)}.`,
  );
}
lines.push('', '## Quality modes on genuine specimens (IdThreshold)', '');
lines.push(
  'Share of images rejected per mode, by labelled capture condition and severity; "clean" should be accepted, every other row rejected. Two columns per mode: with the card as the engine finds it (end to end) and with the labelled corners (the quality checks alone).',
  '',
  '| condition | severity | n | strict found / labelled | standard found / labelled | loose found / labelled |',
  '|---|---|---|---|---|---|',
);
const groups = new Map<string, Row[]>();
for (const r of genuine) {
  const key = `${r.conditions.join() || 'clean'}|${r.severity ?? ''}`;
  groups.set(key, [...(groups.get(key) ?? []), r]);
}
for (const [key, g] of [...groups.entries()].sort()) {
  const [cond, sev] = key.split('|');
  const cells = MODES.map((m) => {
    const found = g.filter((r) => !judgeQuality(r.quality, m).passed).length;
    const oracle = g.filter((r) => r.qualityOracle && !judgeQuality(r.qualityOracle, m).passed).length;
    return `${pct(found, g.length).split(' ')[0]} / ${pct(oracle, g.length).split(' ')[0]}`;
  });
  lines.push(`| ${cond} | ${sev || '-'} | ${g.length} | ${cells.join(' | ')} |`);
}
const agreement = (m: (typeof MODES)[number], oracle: boolean): string => {
  const ok = genuine.filter((r) => {
    const q = oracle ? r.qualityOracle : r.quality;
    return q && judgeQuality(q, m).passed === (r.conditions.length === 0);
  }).length;
  return pct(ok, genuine.length);
};
lines.push(
  '',
  `Agreement with the labels (clean accepted, any condition rejected), found / labelled corners: strict ${agreement('1', false)} / ${agreement('1', true)}; standard ${agreement('0', false)} / ${agreement('0', true)}; loose ${agreement('2', false)} / ${agreement('2', true)}.`,
  '',
);
const faceSide = genuine.filter((r) => r.label !== 'cn-id-emblem');
const emblem = genuine.filter((r) => r.label === 'cn-id-emblem');
const faceBy = (c: string): string => {
  const g = faceSide.filter((r) => (r.conditions.join() || 'clean') === c);
  const scores = g.map((r) => r.face?.score ?? 0).sort((a, b) => a - b);
  return `| ${c} | ${pct(g.filter((r) => r.face?.found).length, g.length)} | ${scores.length ? scores[Math.floor(scores.length / 2)]!.toFixed(1) : '-'} |`;
};
lines.push(
  '## Face score on genuine specimens (portrait side, on the rectified card)',
  '',
  '| condition | face found | median score |',
  '|---|---|---|',
);
for (const c of conditionCycle) lines.push(faceBy(c.join() || 'clean'));
lines.push(
  '',
  `Emblem side (no portrait): face found on ${pct(emblem.filter((r) => r.face?.found).length, emblem.length)}.`,
  '',
);
lines.push(
  '## Latency per image (ms, median / 95th percentile, 640x480 specimens)',
  '',
  '| step | median | p95 |',
  '|---|---|---|',
);
for (const step of ['outline+rectify', 'quality', 'SCREEN_REMARK', 'PHOTO_COPY', 'SHORTCUT', 'TAMPER', 'face']) {
  const v = rows.map((r) => r.ms[step] ?? 0).sort((a, b) => a - b);
  lines.push(
    `| ${step} | ${v[Math.floor(v.length / 2)]!.toFixed(1)} | ${v[Math.floor(v.length * 0.95)]!.toFixed(1)} |`,
  );
}
lines.push('', `Total wall time ${((performance.now() - started) / 1000).toFixed(0)} s.`, '');
await mkdir(path.join(root, 'bench/results'), { recursive: true });
// Every row with its evidence, for calibration (not committed).
await writeFile(
  path.join(root, 'node_modules/.bench-build/rows.jsonl'),
  [...rows, ...realRows].map((r) => JSON.stringify(r)).join('\n'),
);
await writeFile(path.join(root, 'bench/results/detectors.md'), lines.join('\n'));
console.log(lines.join('\n'));
console.log(
  `\ncommand: npx tsc -p bench/tsconfig.json && node node_modules/.bench-build/detectors.js ${perSpoof} ${genuineCount} ${tamperReadCount}`,
);
process.exit(0);

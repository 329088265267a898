// Warm latency and peak memory of @dococr/engine's LocalDocOcrEngine (card finding + DocType check + field reading,
// OCR on, quality/spoof/face off) on the generated samples at 640x480 and the same cards in a 1920x1080 photo.
// Writes bench/results/engine.md. Run from the repository root after building core and engine:
//   npx tsc -p bench/tsconfig.engine.json && node node_modules/.bench-build/engine.js [rounds]
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocType, type CardSide, type DocOcrV2Request } from '@dococr/core';
import { LocalDocOcrEngine } from '@dococr/engine';
import sharp from 'sharp';

interface SampleRecord {
  image: string;
  docType: DocType;
  cardSide: CardSide;
  spoofTypes: string[];
  corners: Array<{ x: number; y: number }>;
  groundTruth: { ocrIdInfo: Record<string, string> };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rounds = Number(process.argv[2] ?? 3);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** The sample's card (cut out at its manifest corners) on a grey table in a 1920x1080 photo, 1300 px wide. */
async function asFullHd(bytes: Uint8Array, corners: Array<{ x: number; y: number }>): Promise<Uint8Array> {
  const left = Math.round(Math.min(...corners.map((c) => c.x)));
  const top = Math.round(Math.min(...corners.map((c) => c.y)));
  const width = Math.round(Math.max(...corners.map((c) => c.x))) - left;
  const height = Math.round(Math.max(...corners.map((c) => c.y))) - top;
  const card = await sharp(bytes).extract({ left, top, width, height }).resize(1300).toBuffer();
  const cardHeight = Math.round((1300 * height) / width);
  return new Uint8Array(
    await sharp({ create: { width: 1920, height: 1080, channels: 3, background: { r: 70, g: 72, b: 75 } } })
      .composite([{ input: card, left: 310, top: Math.round((1080 - cardHeight) / 2) }])
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
}

async function main(): Promise<void> {
  const manifest = (await readFile(path.join(root, 'samples/manifest.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SampleRecord)
    .filter((r) => r.spoofTypes.length === 0);
  const engine = new LocalDocOcrEngine();
  const sizes: Array<{ label: string; inputs: Array<{ record: SampleRecord; bytes: Uint8Array }> }> = [];
  const small = await Promise.all(
    manifest.map(async (record) => ({
      record,
      bytes: new Uint8Array(await readFile(path.join(root, 'samples', record.image))),
    })),
  );
  sizes.push({ label: '640x480', inputs: small });
  sizes.push({
    label: '1920x1080',
    inputs: await Promise.all(
      small.map(async (s) => ({ record: s.record, bytes: await asFullHd(s.bytes, s.record.corners) })),
    ),
  });

  const request = (record: SampleRecord, bytes: Uint8Array): DocOcrV2Request => ({
    productCode: 'ID_OCR_MIN',
    merchantBizId: 'bench',
    merchantUserId: 'bench',
    idOcrPictureFile: bytes,
    docType: record.docType,
    ...(record.docType === DocType.ChineseResidentId ? { cardSide: record.cardSide } : {}),
    ocr: 'T',
    idFaceQuality: 'F',
    spoof: 'F',
    idThreshold: '3',
  });

  const started = performance.now();
  // Warm-up: model and OpenCV loading, first-run allocations.
  for (const input of small.slice(0, 2)) await engine.analyze(request(input.record, input.bytes));
  const warmUpMs = performance.now() - started;

  const rows: string[] = [];
  for (const size of sizes) {
    const wall: number[] = [];
    const cpu: number[] = [];
    const stages = { findCard: [] as number[], read: [] as number[] };
    let right = 0;
    let total = 0;
    for (let r = 0; r < rounds; r++) {
      for (const input of size.inputs) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const analysis = await engine.analyze(request(input.record, input.bytes));
        wall.push(performance.now() - t0);
        const used = process.cpuUsage(cpu0);
        cpu.push((used.user + used.system) / 1000);
        stages.findCard.push(analysis.timingsMs.findCard);
        stages.read.push(analysis.timingsMs.read);
        if (r === 0) {
          const got = (JSON.parse(analysis.response.Result.ExtIdInfo) as { ocrIdInfo?: Record<string, string> })
            .ocrIdInfo;
          for (const [k, v] of Object.entries(input.record.groundTruth.ocrIdInfo)) {
            total++;
            if (got?.[k] === v) right++;
          }
        }
      }
    }
    rows.push(
      `| ${size.label} | ${wall.length} | ${median(wall).toFixed(0)} | ${Math.min(...wall).toFixed(0)}..${Math.max(...wall).toFixed(0)} | ${median(cpu).toFixed(0)} | ${median(stages.findCard).toFixed(0)} | ${median(stages.read).toFixed(0)} | ${right}/${total} |`,
    );
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const report = [
    '# @dococr/engine: warm latency',
    '',
    `Command: \`npx tsc -p bench/tsconfig.engine.json && node node_modules/.bench-build/engine.js ${rounds}\``,
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average at the end ${load} (the machine is shared: wall times rise with it, CPU times much less).`,
    `Inputs: the ${small.length} clean samples in samples/ (640x480), and each sample's card cut out at its manifest corners and put 1300 px wide on a grey table in a 1920x1080 JPEG; OCR on, quality, spoof and face off; ${rounds} rounds after a warm-up of ${warmUpMs.toFixed(0)} ms (model and OpenCV loading included).`,
    '',
    '| input | requests | median wall ms | min..max wall ms | median CPU ms | median findCard ms | median read ms | fields right (round 1) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Peak RSS: ${peakRssMb.toFixed(0)} MB.`,
    '',
  ].join('\n');
  await mkdir(path.join(root, 'bench/results'), { recursive: true });
  await writeFile(path.join(root, 'bench/results/engine.md'), report);
  console.log(report);
}

await main();

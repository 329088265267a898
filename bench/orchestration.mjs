// End-to-end latency of the docOcr workflow through the embedded dev server versus calling the local engine
// directly on the same images in the same run (the workflow's overhead ratio), warm, one worker in-process.
// Run: npm run build && node bench/orchestration.mjs [rounds]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocOcrV2Request } from '@dococr/core';
import { LocalDocOcrEngine } from '@dococr/engine';
import {
  createLogger,
  executeDocOcr,
  openLocalServices,
  orchestratorConfigFromEnv,
  startStack,
} from '@dococr/orchestrator';

const rounds = Number(process.argv[2] ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const samples = readFileSync(path.join(root, 'samples/manifest.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .filter((m) => m.spoofTypes.length === 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function requestFor(m, bytes, bizId) {
  return parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: bizId,
    MerchantUserId: 'bench',
    DocType: m.docType,
    Ocr: 'T',
    ...(m.docType === '00000001' ? { CardSide: m.cardSide } : {}),
    IdOcrPictureFile: bytes,
  });
}

const engine = new LocalDocOcrEngine();
const config = orchestratorConfigFromEnv(
  {},
  {
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'dococr-bench-')),
    devServerPort: await freePort(),
    devServerUiPort: await freePort(),
  },
);
const services = openLocalServices(config);
const stack = await startStack({
  config,
  logger: createLogger({ level: 'error', pretty: false }),
  blobs: services.blobs,
  audit: services.audit,
  keyStore: services.keyStore,
  hashUserId: services.hashUserId,
  dataConverter: services.dataConverter,
  recogniser: async () => engine,
});

// Warm both paths (models, opencv, workflow bundle).
const first = samples[0];
const firstBytes = readFileSync(path.join(root, 'samples', first.image));
await engine.analyze(requestFor(first, firstBytes, 'warm1'));
await executeDocOcr(stack, requestFor(first, firstBytes, `warm${randomBytes(4).toString('hex')}`), {
  bytes: firstBytes,
  mediaType: 'image/png',
  parameter: 'IdOcrPictureFile',
});

const direct = [];
const workflow = [];
for (let r = 0; r < rounds; r++) {
  for (const m of samples) {
    const bytes = readFileSync(path.join(root, 'samples', m.image));
    let t0 = performance.now();
    await engine.analyze(requestFor(m, bytes, 'direct'));
    direct.push(performance.now() - t0);
    t0 = performance.now();
    const run = await executeDocOcr(stack, requestFor(m, bytes, `b${r}${randomBytes(6).toString('hex')}`), {
      bytes,
      mediaType: 'application/octet-stream',
      parameter: 'IdOcrPictureFile',
    });
    workflow.push(performance.now() - t0);
    if (run.result.httpStatus !== 200) throw new Error(`unexpected ${run.result.httpStatus}`);
  }
}
await stack.shutdown();

const d = median(direct);
const w = median(workflow);
console.log(`command: node bench/orchestration.mjs ${rounds}`);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}`,
);
console.log(
  `${direct.length} documents per path (${samples.length} clean samples x ${rounds} rounds), 640x480, OCR on`,
);
console.log('| path | median ms | p95 ms |');
console.log('|---|---|---|');
console.log(`| engine.analyze() directly (baseline) | ${d.toFixed(0)} | ${p95(direct).toFixed(0)} |`);
console.log(`| docOcr workflow, embedded dev server | ${w.toFixed(0)} | ${p95(workflow).toFixed(0)} |`);
console.log(
  `| overhead | ${(w - d).toFixed(0)} ms | ratio ${(w / d).toFixed(2)} (${(((w - d) / d) * 100).toFixed(0)}%) |`,
);
process.exit(0);

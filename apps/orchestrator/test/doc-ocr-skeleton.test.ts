import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocOcrV2Request } from '@dococr/core';
import { digestOf, keyedDigestOf } from '@dococr/temporal-activities';
import { orchestratorConfigFromEnv } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { executeDocOcr, startStack, type Stack } from '../src/stack.js';
import { freePort, tempDir } from './helpers.js';
import { openLocalServices } from '../src/local-services.js';

const logLines: string[] = [];
let stack: Stack;
let services: ReturnType<typeof openLocalServices>;

beforeAll(async () => {
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir: tempDir('skeleton'), devServerPort: await freePort(), devServerUiPort: await freePort() },
  );
  services = openLocalServices(config);
  stack = await startStack({
    config,
    logger: createLogger({
      level: 'info',
      pretty: false,
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines.push(...chunk.toString().split('\n').filter(Boolean));
          done();
        },
      }),
    }),
    blobs: services.blobs,
    audit: services.audit,
    keyStore: services.keyStore,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
    taskQueue: `skeleton-${randomBytes(4).toString('hex')}`,
    ocrTaskQueue: `skeleton-ocr-${randomBytes(4).toString('hex')}`,
  });
}, 120_000);

afterAll(async () => {
  await stack?.shutdown();
}, 60_000);

const USER_ID = 'alice.wong.1990@example.com';

function request(merchantBizId: string) {
  return parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: merchantBizId,
    MerchantUserId: USER_ID,
    DocType: '01000000',
    Ocr: 'T',
    IdOcrPictureBase64: 'iVBORw0KGgo=',
  });
}

const bizId = () => randomBytes(8).toString('hex');
const image = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#c0c8d0' } });

describe('docOcr skeleton against a real dev server', () => {
  it('answers a PNG and a JPEG in the exact DocOcrV2 wire shape', async () => {
    for (const [bytes, mediaType] of [
      [await image(640, 480).png().toBuffer(), 'image/png'],
      [await image(640, 480).jpeg().toBuffer(), 'image/jpeg'],
    ] as const) {
      const run = await executeDocOcr(stack, request(bizId()), { bytes, mediaType, parameter: 'IdOcrPictureFile' });
      expect(run.result.httpStatus).toBe(200);
      const body = run.result.body as unknown as { Result: Record<string, unknown> } & Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['Code', 'Message', 'RequestId', 'Result']);
      expect(body.Code).toBe('Success');
      expect(Object.keys(body.Result).sort()).toEqual(['ExtIdInfo', 'Passed', 'SubCode', 'TransactionId']);
      expect(typeof body.Result.ExtIdInfo).toBe('string');
      expect(() => JSON.parse(body.Result.ExtIdInfo as string)).not.toThrow();
    }
  });

  it('refuses a non-image, a 100x100 image and an oversized image with the API error, and keeps serving', async () => {
    const notImage = new TextEncoder().encode('this is plain text, not a picture');
    const tiny = await image(100, 100).png().toBuffer();
    const noise = randomBytes(1400 * 1000 * 3);
    const huge = await sharp(noise, { raw: { width: 1400, height: 1000, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const cases = [
      [notImage, 'InvalidParameter', /not a JPEG or PNG/],
      [tiny, 'InvalidParameter', /100x100 px/],
      [huge, 'ToolargeImage', /maximum image size/],
    ] as const;
    for (const [bytes, code, message] of cases) {
      const run = await executeDocOcr(stack, request(bizId()), {
        bytes,
        mediaType: 'application/octet-stream',
        parameter: 'IdOcrPictureFile',
      });
      expect(run.result.httpStatus).toBeGreaterThanOrEqual(400);
      expect(run.result.body).toMatchObject({ Code: code });
      expect((run.result.body as { Message: string }).Message).toMatch(message);
      expect(Object.keys(run.result.body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    }
    // The worker is still serving.
    const ok = await executeDocOcr(stack, request(bizId()), {
      bytes: await image(300, 300).png().toBuffer(),
      mediaType: 'image/png',
      parameter: 'IdOcrPictureFile',
    });
    expect(ok.result.httpStatus).toBe(200);
  });

  it('returns the same run when the same MerchantBizId is started again', async () => {
    const id = bizId();
    const bytes = await image(320, 240).png().toBuffer();
    const first = await executeDocOcr(stack, request(id), {
      bytes,
      mediaType: 'image/png',
      parameter: 'IdOcrPictureFile',
    });
    const second = await executeDocOcr(stack, request(id), {
      bytes,
      mediaType: 'image/png',
      parameter: 'IdOcrPictureFile',
    });
    expect(second.existing).toBe(true);
    expect(second.runId).toBe(first.runId);
    expect(second.result).toEqual(first.result);
  });

  it('leaves a verifiable audit chain and no clear text user id or image bytes in history', async () => {
    const id = bizId();
    const bytes = await image(400, 300).png().toBuffer();
    const run = await executeDocOcr(stack, request(id), {
      bytes,
      mediaType: 'image/png',
      parameter: 'IdOcrPictureFile',
    });
    const events = await services.audit.list(id);
    expect(events.map((e) => e.step)).toEqual(['received', 'checkImage', 'recogniseDocument', 'decision']);
    expect(events.every((e) => e.workflowId === run.workflowId && e.runId === run.runId)).toBe(true);
    await expect(services.audit.verify(id)).resolves.toMatchObject({ ok: true, count: 4 });
    // Digests of read fields are keyed per application, not a plain SHA-256 anyone could recompute from a guess.
    const recognised = events.find((e) => e.step === 'recogniseDocument')!;
    expect(recognised.outputDigest).not.toBe(digestOf({}));
    expect(recognised.outputDigest).toBe(await keyedDigestOf(services.keyStore, id, {}));
    const history = await stack.client.workflow.getHandle(run.workflowId).fetchHistory();
    const raw = JSON.stringify(history);
    expect(raw).not.toContain(USER_ID);
    expect(raw).not.toContain(Buffer.from(USER_ID).toString('base64').slice(0, 24));
    expect(raw).not.toContain(bytes.subarray(0, 48).toString('base64'));
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  it('logs workflow and activity lines as JSON with workflowId, runId and step, and no PII', async () => {
    const id = bizId();
    const run = await executeDocOcr(stack, request(id), {
      bytes: await image(500, 400).png().toBuffer(),
      mediaType: 'image/png',
      parameter: 'IdOcrPictureFile',
    });
    // Workflow log lines travel through a sink and may arrive just after the result.
    const mineNow = () =>
      logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.workflowId === run.workflowId);
    for (let i = 0; i < 50 && !mineNow().some((l) => l.step === 'decision'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const mine = mineNow();
    const steps = new Set(mine.map((l) => l.step));
    expect([...steps].sort()).toEqual(['checkImage', 'decision', 'recogniseDocument']);
    for (const line of mine) {
      expect(line.runId).toBe(run.runId);
      expect(typeof line.step).toBe('string');
    }
    const all = logLines.join('\n');
    expect(all).not.toContain(USER_ID);
  });
});

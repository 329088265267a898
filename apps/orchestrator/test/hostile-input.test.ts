/**
 * The hostile-file corpus (`hostile-files.ts`) through the real `docOcr` workflow on a dev server: each damaged or
 * disguised file is answered with the API's error body, each legitimate encoding is read like the sample it was made
 * from, and the worker still serves a good sample at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocOcrV2Request, parseExtIdInfo } from '@dococr/core';
import { executeDocOcr } from '../src/stack.js';
import { hostileFiles, PASSPORT, type HostileFile } from './hostile-files.js';
import { newId, sample, sampleEntry, startTestStack, type TestStack } from './stack-fixture.js';

let t: TestStack;
let corpus: HostileFile[];

beforeAll(async () => {
  [t, corpus] = await Promise.all([startTestStack('hostile'), hostileFiles()]);
}, 180_000);

afterAll(async () => {
  await t?.stack.shutdown();
}, 60_000);

const truth = sampleEntry(PASSPORT).groundTruth.ocrIdInfo;

async function verify(bytes: Uint8Array, docType = '01000000') {
  const id = newId('h');
  const request = parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: id,
    MerchantUserId: 'hostile-user',
    DocType: docType,
    Ocr: 'T',
    IdOcrPictureFile: new Uint8Array(bytes),
  });
  const run = await executeDocOcr(t.stack, request, {
    bytes,
    mediaType: 'application/octet-stream',
    parameter: 'IdOcrPictureFile',
  });
  return { id, ...run };
}

describe('hostile files through the docOcr workflow', () => {
  it('refuses each damaged, disguised or oversized file with the API error body, without retrying', async () => {
    const refused = corpus.filter((f) => f.refused);
    expect(refused.length).toBeGreaterThanOrEqual(8);
    for (const file of refused) {
      const run = await verify(file.bytes);
      expect(run.result.httpStatus, file.name).toBe(400);
      expect(Object.keys(run.result.body).sort(), file.name).toEqual([
        'Code',
        'HostId',
        'Message',
        'Recommend',
        'RequestId',
      ]);
      expect(run.result.body.Code, file.name).toBe(file.refused!.code);
      expect(run.result.body.Message, file.name).toMatch(file.refused!.message);
      // One attempt: bad input is not retried, and the audit chain records the refusal.
      const events = await t.services.audit.list(run.id);
      expect(
        events.filter((e) => e.outcome === 'error'),
        file.name,
      ).toEqual([]);
      expect(events.at(-1), file.name).toMatchObject({ step: 'decision', outcome: 'failed' });
      await expect(t.services.audit.verify(run.id)).resolves.toMatchObject({ ok: true });
    }
  });

  it('reads CMYK, 16-bit, EXIF-rotated and animated images like the sample they were made from', async () => {
    for (const file of corpus.filter((f) => !f.refused && !f.subCode)) {
      const run = await verify(file.bytes);
      expect(run.result.httpStatus, `${file.name}: ${JSON.stringify(run.result.body)}`).toBe(200);
      const body = run.result.body as { Result: { SubCode: string; ExtIdInfo: string } };
      expect(body.Result.SubCode, file.name).toBe('200');
      const ext = parseExtIdInfo(body.Result.ExtIdInfo, '01000000') as { ocrIdInfo?: Record<string, string> };
      expect(ext.ocrIdInfo?.passportNo, file.name).toBe(truth.passportNo);
      expect(ext.ocrIdInfo?.birthDate, file.name).toBe(truth.birthDate);
    }
  });

  it('answers a valid image without a document, even one of 8192 x 8192 pixels, with SubCode 213', async () => {
    for (const file of corpus.filter((f) => f.subCode)) {
      const started = Date.now();
      const run = await verify(file.bytes);
      expect(run.result.httpStatus, file.name).toBe(200);
      expect(run.result.body, file.name).toMatchObject({
        Code: 'Success',
        Result: { Passed: 'N', SubCode: file.subCode },
      });
      expect(Date.now() - started, file.name).toBeLessThan(60_000);
    }
  });

  it('refuses an empty picture before any workflow starts (the request schema)', async () => {
    await expect(verify(new Uint8Array(0))).rejects.toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringMatching(/IdOcrPictureFile.*empty/),
    });
  });

  it('still serves a good sample after the whole corpus', async () => {
    const good = sample('hkid-2018.png');
    const run = await verify(good.bytes, good.docType);
    expect(run.result.httpStatus).toBe(200);
    expect(run.result.body).toMatchObject({ Code: 'Success', Result: { Passed: 'Y', SubCode: '200' } });
  });
});

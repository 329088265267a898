import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocOcrV2Request, parseExtIdInfo, type DocType } from '@dococr/core';
import { orchestratorConfigFromEnv } from '../src/config.js';
import { openLocalServices } from '../src/local-services.js';
import { createLogger } from '../src/logger.js';
import { executeDocOcr, startStack, type Stack } from '../src/stack.js';
import { freePort, tempDir } from './helpers.js';

const samples = fileURLToPath(new URL('../../../samples/', import.meta.url));
let stack: Stack;
let services: ReturnType<typeof openLocalServices>;

beforeAll(async () => {
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir: tempDir('checks'), devServerPort: await freePort(), devServerUiPort: await freePort() },
  );
  services = openLocalServices(config);
  stack = await startStack({
    config,
    logger: createLogger({ level: 'warn', pretty: false }),
    blobs: services.blobs,
    audit: services.audit,
    keyStore: services.keyStore,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
    taskQueue: `checks-${randomBytes(4).toString('hex')}`,
    ocrTaskQueue: `checks-ocr-${randomBytes(4).toString('hex')}`,
  });
}, 180_000);

afterAll(async () => {
  await stack?.shutdown();
}, 60_000);

async function run(file: string, docType: DocType, extra: Record<string, string>) {
  const id = randomBytes(8).toString('hex');
  const bytes = readFileSync(path.join(samples, file));
  const request = parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: id,
    MerchantUserId: 'u',
    DocType: docType,
    Ocr: 'T',
    IdOcrPictureFile: new Uint8Array(bytes),
    ...extra,
  });
  const result = await executeDocOcr(stack, request, { bytes, mediaType: 'image/png', parameter: 'IdOcrPictureFile' });
  if (result.result.httpStatus !== 200) throw new Error(JSON.stringify(result.result.body));
  const body = result.result.body as { Result: { SubCode: string; Passed: string; ExtIdInfo: string } };
  const side = extra.CardSide as 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM' | undefined;
  return { id, body, ext: parseExtIdInfo(body.Result.ExtIdInfo, docType, side), events: await services.audit.list(id) };
}

describe('docOcr with quality, spoof and face checks (real dev server, real engine)', () => {
  it('a clean passport passes strict quality with no spoofing and a face score', async () => {
    const { body, ext, events } = await run('passport-td3.png', '01000000', {
      Spoof: 'T',
      IdFaceQuality: 'T',
      IdThreshold: '1',
    });
    expect(body.Result).toMatchObject({ Passed: 'Y', SubCode: '200' });
    expect(ext.spoofInfo).toEqual({ spoofResult: 'N', spoofType: [] });
    expect(ext.idFaceQualityScore).toBeGreaterThan(50);
    const steps = events.map((e) => e.step);
    expect(steps).toEqual(expect.arrayContaining(['assessQuality', 'detectSpoofing', 'scoreFace', 'decision']));
    const quality = events.find((e) => e.step === 'assessQuality')!;
    expect(quality.data).toMatchObject({ mode: '1' });
    expect(Object.keys(quality.data.measurements as object).length).toBeGreaterThan(3);
  });

  it('a re-photographed screen is 212 SCREEN_REMARK, with every detector score in the audit trail', async () => {
    const { body, ext, events } = await run('spoof-screen-remark.jpg', '00000001', {
      Spoof: 'T',
      CardSide: 'OCR_ID_FACE',
    });
    expect(body.Result).toMatchObject({ Passed: 'N', SubCode: '212' });
    expect(ext.spoofInfo).toEqual({ spoofResult: 'Y', spoofType: ['SCREEN_REMARK'] });
    const spoof = events.find((e) => e.step === 'detectSpoofing')!;
    expect(Object.keys(spoof.data).sort()).toEqual(['PHOTO_COPY', 'SCREEN_REMARK', 'SHORTCUT', 'TAMPER']);
    expect(events.at(-1)!.reasons).toEqual(expect.arrayContaining(['212', '212: SCREEN_REMARK']));
  });

  it('Spoof and IdFaceQuality are not applied on the national-emblem side, and the audit trail says so', async () => {
    const { body, ext, events } = await run('cn-id-emblem.png', '00000001', {
      Spoof: 'T',
      IdFaceQuality: 'T',
      CardSide: 'OCR_ID_NATIONAL_EMBLEM',
    });
    expect(body.Result.SubCode).toBe('200');
    expect(ext.spoofInfo).toEqual({ spoofResult: 'N', spoofType: [] });
    expect(ext.idFaceQualityScore).toBeUndefined();
    expect(events.map((e) => e.step)).not.toContain('detectSpoofing');
    expect(events.at(-1)!.reasons).toEqual(
      expect.arrayContaining([
        'Spoof not applied: valid only for the portrait side',
        'IdFaceQuality not applied: valid only for the portrait side',
      ]),
    );
  });
});

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlibabaDocOcrClient, parseDocOcrV2Request } from '@dococr/core';
import { orchestratorConfigFromEnv } from '../src/config.js';
import { openLocalServices } from '../src/local-services.js';
import { createLogger } from '../src/logger.js';
import { executeDocOcr, startStack, type Stack } from '../src/stack.js';
import { freePort, tempDir } from './helpers.js';

/** A stand-in for cloudauth-intl: answers each MerchantBizId with a scripted sequence of replies. */
const script = new Map<string, Array<{ status: number; body: unknown; headers?: Record<string, string> }>>();
const seen: Array<{ bizId: string; hasPicture: boolean; userId: string }> = [];
let server: Server;
let stack: Stack;
let services: ReturnType<typeof openLocalServices>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bizId = url.searchParams.get('MerchantBizId') ?? '';
      const body = Buffer.concat(chunks).toString();
      seen.push({
        bizId,
        hasPicture: body.includes('IdOcrPictureBase64='),
        userId: url.searchParams.get('MerchantUserId') ?? '',
      });
      const reply = script.get(bizId)?.shift() ?? {
        status: 500,
        body: { RequestId: 'R', Code: 'InternalError', Message: 'no script' },
      };
      res.writeHead(reply.status, { 'content-type': 'application/json;charset=utf-8', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir: tempDir('remote'), devServerPort: await freePort(), devServerUiPort: await freePort() },
  );
  services = openLocalServices(config);
  stack = await startStack({
    config,
    logger: createLogger({ level: 'error', pretty: false }),
    blobs: services.blobs,
    audit: services.audit,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
    taskQueue: `remote-${randomBytes(4).toString('hex')}`,
    ocrTaskQueue: `remote-ocr-${randomBytes(4).toString('hex')}`,
    // No client-side retries: every retry here is Temporal's, so the test sees the activity policy at work.
    remote: () =>
      new AlibabaDocOcrClient({
        credentials: { accessKeyId: 'LTAIremoteTest', accessKeySecret: 'remoteTestSecret' },
        endpoint: `127.0.0.1:${port}`,
        protocol: 'http',
        maxRetries: 0,
      }),
  });
}, 180_000);

afterAll(async () => {
  await stack?.shutdown();
  server?.close();
}, 60_000);

const success = (bizId: string) => ({
  status: 200,
  body: {
    RequestId: `remote-${bizId}`,
    Code: 'Success',
    Message: 'success',
    Result: {
      TransactionId: 'hksTX1',
      Passed: 'Y',
      SubCode: '200',
      ExtIdInfo: JSON.stringify({ ocrIdInfo: { surname: 'LI' } }),
    },
  },
});

async function verify(bizId: string) {
  const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ddd' } })
    .png()
    .toBuffer();
  const request = parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: bizId,
    MerchantUserId: 'alice@example.com',
    DocType: '01000000',
    Ocr: 'T',
    IdOcrPictureFile: new Uint8Array(bytes),
  });
  return executeDocOcr(
    stack,
    request,
    { bytes, mediaType: 'image/png', parameter: 'IdOcrPictureFile' },
    { provider: 'aliyun' },
  );
}

describe('docOcr with the remote Alibaba provider (a local fake endpoint)', () => {
  it('retries a 503 and a throttled answer, then returns the remote verdict under our RequestId', async () => {
    const bizId = `r${randomBytes(6).toString('hex')}`;
    script.set(bizId, [
      { status: 503, body: { RequestId: 'R1', Code: 'ServiceUnavailable', Message: 'busy' } },
      {
        status: 403,
        body: { RequestId: 'R2', Code: 'Throttling.Api', Message: 'slow down' },
        headers: { 'x-acs-retry-after': '500' },
      },
      success(bizId),
    ]);
    const run = await verify(bizId);
    expect(run.result.httpStatus).toBe(200);
    expect(run.result.body).toMatchObject({
      Code: 'Success',
      Result: { Passed: 'Y', SubCode: '200', TransactionId: 'hksTX1' },
    });
    expect(run.result.body.RequestId).not.toBe(`remote-${bizId}`);
    const calls = seen.filter((s) => s.bizId === bizId);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.hasPicture)).toBe(true);
    // MerchantUserId goes out hashed: the clear value never entered Temporal.
    expect(calls[0]!.userId).not.toContain('alice');
    const events = await services.audit.list(bizId);
    const remoteEvents = events.filter((e) => e.step === 'callRemoteDocOcr').map((e) => e.outcome);
    expect(remoteEvents).toEqual(['error', 'error', 'passed']);
    await expect(services.audit.verify(bizId)).resolves.toMatchObject({ ok: true });
  });

  it('does not retry a 400: the API error comes back with its code', async () => {
    const bizId = `r${randomBytes(6).toString('hex')}`;
    script.set(bizId, [
      {
        status: 400,
        body: { RequestId: 'R3', Code: 'InvalidParameter', Message: 'The specified parameter DocType is invalid.' },
      },
    ]);
    const run = await verify(bizId);
    expect(run.result.httpStatus).toBe(400);
    expect(run.result.body).toMatchObject({ Code: 'InvalidParameter' });
    expect(seen.filter((s) => s.bizId === bizId)).toHaveLength(1);
  });
});

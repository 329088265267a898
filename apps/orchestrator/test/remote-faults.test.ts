/**
 * Faults of the remote provider (a local fake Alibaba endpoint): malformed JSON, a connection dropped mid-answer, no
 * answer within the client's read timeout, and 503s beyond the retry budget. Each is retried where that can help and
 * ends with a clear API error body where it cannot; every test is bounded in time, so a stuck workflow fails it.
 * `DOCOCR_SLOW_FAULTS=1` adds a never-answering and an always-dropping server, which take Temporal's whole retry
 * budget (8 attempts, backoff 2 s doubling to 1 min: about 3 minutes).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlibabaDocOcrClient, parseDocOcrV2Request } from '@dococr/core';
import { executeDocOcr } from '../src/stack.js';
import { startTestStack, type TestStack } from './stack-fixture.js';

type Fault = 'malformed-200' | 'html-503' | 'drop' | 'silent' | '503' | 'ok';
const READ_TIMEOUT_MS = 1000;
/** The permanent network faults use the whole retry budget (about 3 minutes): a long variant, off by default. */
const SLOW = process.env.DOCOCR_SLOW_FAULTS === '1';

/** Each MerchantBizId answers a scripted sequence of faults; when the script runs out, the last fault repeats. */
const script = new Map<string, Fault[]>();
const calls = new Map<string, number>();
let server: Server;
let t: TestStack;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

function answer(fault: Fault, bizId: string, req: IncomingMessage, res: ServerResponse): void {
  switch (fault) {
    case 'malformed-200':
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end('{"RequestId":"R","Code":"Success","Result":{"Passed":"Y",');
      return;
    case 'html-503':
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    case 'drop':
      // Headers and half a body, then the socket is destroyed mid-answer.
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': '400' });
      res.write('{"RequestId":"R","Code":"Success",');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    case 'silent':
      // Never answers; the client's read timeout ends the wait. The socket closes with the server.
      return;
    case '503':
      json(res, 503, { RequestId: 'R', Code: 'ServiceUnavailable', Message: 'busy' }, { 'x-acs-retry-after': '50' });
      return;
    case 'ok':
      json(res, 200, {
        RequestId: `remote-${bizId}`,
        Code: 'Success',
        Message: 'success',
        Result: { TransactionId: 'hksTX9', Passed: 'Y', SubCode: '200', ExtIdInfo: '{}' },
      });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const bizId = new URL(req.url ?? '/', 'http://x').searchParams.get('MerchantBizId') ?? '';
    req.resume();
    req.on('end', () => {
      calls.set(bizId, (calls.get(bizId) ?? 0) + 1);
      const faults = script.get(bizId) ?? ['ok'];
      answer(faults.length > 1 ? faults.shift()! : faults[0]!, bizId, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  t = await startTestStack('remote-faults', {
    // One client-side retry with a short read timeout; the rest of the retrying is Temporal's activity policy.
    remote: () =>
      new AlibabaDocOcrClient({
        credentials: { accessKeyId: 'LTAIfaultTest', accessKeySecret: 'faultTestSecret' },
        endpoint: `127.0.0.1:${port}`,
        protocol: 'http',
        maxRetries: 1,
        baseRetryDelayMs: 20,
        readTimeoutMs: READ_TIMEOUT_MS,
        connectTimeoutMs: 1000,
      }),
  });
}, 180_000);

afterAll(async () => {
  await t?.stack.shutdown();
  server?.closeAllConnections();
  server?.close();
}, 60_000);

async function verify(faults: Fault[]) {
  const bizId = `f${randomBytes(6).toString('hex')}`;
  script.set(bizId, [...faults]);
  const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ddd' } })
    .png()
    .toBuffer();
  const request = parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: bizId,
    MerchantUserId: 'fault-user',
    DocType: '01000000',
    Ocr: 'T',
    IdOcrPictureFile: new Uint8Array(bytes),
  });
  const started = Date.now();
  const run = await executeDocOcr(
    t.stack,
    request,
    { bytes, mediaType: 'image/png', parameter: 'IdOcrPictureFile' },
    { provider: 'aliyun' },
  );
  const remoteEvents = (await t.services.audit.list(bizId)).filter((e) => e.step === 'callRemoteDocOcr');
  await expect(t.services.audit.verify(bizId)).resolves.toMatchObject({ ok: true });
  return { ...run, bizId, ms: Date.now() - started, calls: calls.get(bizId) ?? 0, remoteEvents };
}

const ERROR_KEYS = ['Code', 'HostId', 'Message', 'Recommend', 'RequestId'];

describe('remote provider faults (a local fake Alibaba endpoint)', () => {
  it('a 200 with malformed JSON is not retried (the call went through) and ends with InternalError', async () => {
    const run = await verify(['malformed-200']);
    expect(run.result.httpStatus).toBe(500);
    expect(Object.keys(run.result.body).sort()).toEqual(ERROR_KEYS);
    expect(run.result.body).toMatchObject({ Code: 'InternalError' });
    expect(run.result.body.Message).toMatch(/DocOcrV2 answered HTTP 200 with an unexpected body/);
    expect(run.calls).toBe(1);
  }, 60_000);

  it('a 503 with an HTML body, a dropped connection and a silent server are retried until the answer comes', async () => {
    // Activity attempt 1: the 503 and, on the client's own retry, the dropped connection; Temporal retries after its
    // backoff. Attempt 2: the read timeout and, on the client's retry, the answer.
    const run = await verify(['html-503', 'drop', 'silent', 'ok']);
    expect(run.result.httpStatus).toBe(200);
    expect(run.result.body).toMatchObject({ Code: 'Success', Result: { TransactionId: 'hksTX9', SubCode: '200' } });
    expect(run.calls).toBe(4);
    expect(run.remoteEvents.map((e) => e.outcome)).toEqual(['error', 'passed']);
  }, 60_000);

  it('503s beyond the retry budget end with ServiceUnavailable, not a failed or stuck run', async () => {
    const run = await verify(['503']);
    expect(run.result.httpStatus).toBe(503);
    expect(Object.keys(run.result.body).sort()).toEqual(ERROR_KEYS);
    expect(run.result.body).toMatchObject({ Code: 'ServiceUnavailable' });
    expect(run.result.body.Message).toMatch(/busy \(retries exhausted\)/);
    // Eight activity attempts (remoteCallActivity), each the first call and one client retry.
    expect(run.calls).toBe(16);
    expect(run.remoteEvents).toHaveLength(8);
    // The server's 50 ms x-acs-retry-after paced Temporal's retries instead of its 2 s backoff.
    expect(run.ms).toBeLessThan(30_000);
  }, 60_000);

  it.runIf(SLOW)(
    'a server that never answers, or always drops the connection, ends after the retry budget as ServiceUnavailable',
    async () => {
      const [silent, dropped] = await Promise.all([verify(['silent']), verify(['drop'])]);
      for (const [run, message] of [
        [silent, /no data for 1000 ms while waiting for the answer \(retries exhausted\)/],
        [dropped, /the answer was cut off \(retries exhausted\)/],
      ] as const) {
        expect(run.result.httpStatus).toBe(503);
        expect(run.result.body).toMatchObject({ Code: 'ServiceUnavailable' });
        expect(run.result.body.Message).toMatch(message);
        expect(run.calls).toBe(16);
        expect(run.remoteEvents).toHaveLength(8);
      }
    },
    360_000,
  );
});

import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AlibabaDocOcrClient,
  NonceCache,
  errorResponseOf,
  fetchTransport,
  isDocOcrError,
  parseExtIdInfo,
  verifyAcs3Request,
  type AlibabaDocOcrClientOptions,
  type DocOcrError,
  type DocOcrV2Request,
} from '../src/index.js';
import { startRecordingServer, successBody, type RecordedRequest, type RecordingServer } from './recording-server.js';

const credentials = { accessKeyId: 'LTAIhttp', accessKeySecret: 'http-secret' };
const request: DocOcrV2Request = {
  productCode: 'ID_OCR_MIN',
  merchantBizId: 'biz42',
  merchantUserId: 'u42',
  idOcrPictureBase64: '/9j/4AAQSkZJRg+ab/c=',
  docType: '00000006',
  ocr: 'T',
  idFaceQuality: 'T',
  spoof: 'T',
  idThreshold: '0',
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: JSON.stringify(body),
});
const errorBody = (code: string, message: string, requestId: string) => ({
  RequestId: requestId,
  Code: code,
  Message: message,
  HostId: 'cloudauth-intl.cn-hongkong.aliyuncs.com',
  Recommend: 'https://api.aliyun.com/troubleshoot?q=' + code,
  AccessDeniedDetail: { PolicyType: 'AccountLevelIdentityBasedPolicy' },
  UnknownFutureField: [1, 'two'],
});

async function failure(promise: Promise<unknown>): Promise<DocOcrError> {
  const error = await promise.then(
    () => expect.unreachable('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(isDocOcrError(error)).toBe(true);
  return error as DocOcrError;
}

function acceptedBy(recorded: RecordedRequest, nonceCache: NonceCache): boolean {
  return verifyAcs3Request({
    method: recorded.method,
    path: recorded.path,
    rawQuery: recorded.rawQuery,
    headers: recorded.headers,
    body: recorded.body,
    lookupSecret: (id) => (id === credentials.accessKeyId ? credentials.accessKeySecret : undefined),
    nonceCache,
  }).ok;
}

describe('AlibabaDocOcrClient over real HTTP', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer();
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.requests.length = 0;
    server.respondWith(() => json(200, JSON.parse(successBody())));
  });

  const client = (options: Partial<AlibabaDocOcrClientOptions> = {}) =>
    new AlibabaDocOcrClient({ credentials, endpoint: server.endpoint, protocol: 'http', random: () => 0, ...options });

  it('returns a success body whole, unknown fields included, with ExtIdInfo as JSON text', async () => {
    const body = {
      ...JSON.parse(successBody('req-ok')),
      NewTopLevel: { nested: true },
    };
    body.Result.NewResultField = 'kept';
    server.respondWith(() => json(200, body));
    const answer = await client().docOcrV2(request);
    expect(answer).toEqual(body);
    expect(typeof answer.Result.ExtIdInfo).toBe('string');
    expect(parseExtIdInfo(answer.Result.ExtIdInfo, '00000006')).toMatchObject({
      ocrIdInfo: { englishName: 'LI SI' },
      idFaceQualityScore: 98,
      spoofInfo: { spoofResult: 'N', spoofType: [] },
    });
  });

  it('throws 400 MissingParameter at once, keeping RequestId, Code and every field of the body', async () => {
    const body = errorBody('MissingParameter', 'The input parameter "MerchantUserId" is not supplied.', 'req-400');
    server.respondWith(() => json(400, body));
    const error = await failure(client({ maxRetries: 3 }).docOcrV2(request));
    expect(error).toMatchObject({
      code: 'MissingParameter',
      httpStatus: 400,
      requestId: 'req-400',
      hostId: body.HostId,
      recommend: body.Recommend,
      retryable: false,
    });
    expect(errorResponseOf(error)?.body).toEqual(body);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [401, 'DownloadTimeout'],
    [429, 'SuspiciousActivity'],
    [403, 'Forbidden.RAMUserAccessDenied'],
  ])('never resends after a %i %s', async (status, code) => {
    server.respondWith(() => json(status, errorBody(code, 'no', 'req-4xx')));
    const error = await failure(client({ maxRetries: 3 }).docOcrV2(request));
    expect(error).toMatchObject({ code, httpStatus: status, requestId: 'req-4xx' });
    expect(server.requests).toHaveLength(1);
  });

  it('waits out x-acs-retry-after on 403 Throttling.Api, then retries with a fresh signature', async () => {
    server.respondWith((_req, i) =>
      i === 0
        ? json(403, errorBody('Throttling.Api', 'Request was denied due to API flow control.', 'req-403'), {
            'x-acs-retry-after': '150',
          })
        : json(200, JSON.parse(successBody('req-after-throttle'))),
    );
    const started = Date.now();
    const answer = await client().docOcrV2(request);
    expect(answer.RequestId).toBe('req-after-throttle');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const [first, second] = server.requests as [RecordedRequest, RecordedRequest];
    expect(second.headers['x-acs-retry-attempts']).toBe('1');
    expect(second.headers['x-acs-retry-delay']).toBe('150');
    expect(second.headers['x-acs-signature-nonce']).not.toBe(first.headers['x-acs-signature-nonce']);
    const nonceCache = new NonceCache();
    expect([acceptedBy(first, nonceCache), acceptedBy(second, nonceCache)]).toEqual([true, true]);
  });

  it('does not sleep through a retry-after longer than maxRetryDelayMs: throws it for a scheduler', async () => {
    server.respondWith(() =>
      json(403, errorBody('Throttling.Api', 'flow control', 'req-slow'), { 'x-acs-retry-after': '60000' }),
    );
    const error = await failure(client({ maxRetryDelayMs: 1000 }).docOcrV2(request));
    expect(error).toMatchObject({
      code: 'Throttling.Api',
      retryable: true,
      retryAfterMs: 60000,
      requestId: 'req-slow',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('retries 503 and returns the answer that follows', async () => {
    server.respondWith((_req, i) =>
      i < 2
        ? json(503, errorBody('ServiceUnavailable', 'temporary failure', `req-503-${i}`))
        : json(200, JSON.parse(successBody('req-recovered'))),
    );
    await expect(client({ maxRetries: 2 }).docOcrV2(request)).resolves.toMatchObject({ RequestId: 'req-recovered' });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up on a lasting 500 after maxRetries, with the last answer', async () => {
    server.respondWith((_req, i) => json(500, errorBody('InternalError', 'unknown error', `req-500-${i}`)));
    const error = await failure(client({ maxRetries: 2 }).docOcrV2(request));
    expect(error).toMatchObject({ code: 'InternalError', httpStatus: 500, requestId: 'req-500-2', retryable: true });
    expect(server.requests).toHaveLength(3);
  });

  it('reads an XML error body when the content type says so', async () => {
    server.respondWith(() => ({
      status: 404,
      headers: { 'content-type': 'text/xml;charset=utf-8' },
      body: '<?xml version="1.0"?><Error><RequestId>req-xml</RequestId><Code>ProcessNotCompleted</Code><Message>not yet</Message></Error>',
    }));
    const error = await failure(client().docOcrV2(request));
    expect(error).toMatchObject({
      code: 'ProcessNotCompleted',
      httpStatus: 404,
      requestId: 'req-xml',
      retryable: false,
    });
  });

  it('treats a 200 that is not a DocOcrV2 answer as InvalidResponse and does not resend it', async () => {
    server.respondWith(() => ({ status: 200, body: '<html>proxy error</html>' }));
    const error = await failure(client({ maxRetries: 3 }).docOcrV2(request));
    expect(error).toMatchObject({ code: 'InvalidResponse', retryable: false });
    expect(errorResponseOf(error)?.body).toBe('<html>proxy error</html>');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a silent server after readTimeoutMs and retries as a network failure', async () => {
    server.respondWith(() => ({ ...json(200, JSON.parse(successBody())), delayMs: 3000 }));
    const started = Date.now();
    const error = await failure(client({ readTimeoutMs: 150, maxRetries: 1 }).docOcrV2(request));
    expect(error).toMatchObject({ code: 'NetworkError', retryable: true });
    expect(error.message).toMatch(/150 ms/);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a connection that is never accepted after connectTimeoutMs', async () => {
    // A listener in a stopped process with a full accept queue: the kernel drops further SYNs, so connect hangs.
    const child = spawn(process.execPath, [
      '-e',
      "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () { process.stdout.write(this.address().port + '\\n') })",
    ]);
    const fillers: Socket[] = [];
    try {
      const port = await new Promise<number>((resolve) =>
        child.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
      );
      child.kill('SIGSTOP');
      for (let i = 0; i < 4; i++) fillers.push(connect(port, '127.0.0.1').on('error', () => undefined));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      const error = await failure(
        client({ endpoint: `127.0.0.1:${port}`, connectTimeoutMs: 200, readTimeoutMs: 5000, maxRetries: 0 }).docOcrV2(
          request,
        ),
      );
      expect(error).toMatchObject({ code: 'NetworkError', retryable: true });
      expect(error.message).toMatch(/no connection within 200 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    }
  });

  it('stops at once when aborted during the call, without retrying', async () => {
    server.respondWith(() => ({ ...json(200, JSON.parse(successBody())), delayMs: 3000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 100);
    const started = Date.now();
    const error = await failure(client({ maxRetries: 3 }).docOcrV2(request, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'Aborted', retryable: false });
    expect(error.cause).toEqual(new Error('user left'));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once when aborted while waiting to retry, and never starts an aborted call', async () => {
    server.respondWith(() =>
      json(503, errorBody('ServiceUnavailable', 'busy', 'req-busy'), { 'x-acs-retry-after': '5000' }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(client({ maxRetryDelayMs: 10_000 }).docOcrV2(request, { signal: controller.signal }));
    expect(error.code).toBe('Aborted');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(server.requests).toHaveLength(1);
    expect((await failure(client().docOcrV2(request, { signal: controller.signal }))).code).toBe('Aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection as a retryable NetworkError after its retries', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const error = await failure(client({ endpoint: closed.endpoint, maxRetries: 1 }).docOcrV2(request));
    expect(error).toMatchObject({ code: 'NetworkError', retryable: true, httpStatus: 0 });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('works the same over fetch, and the server still verifies the signed host', async () => {
    const answer = await client({ transport: fetchTransport() }).docOcrV2(request);
    expect(answer.Code).toBe('Success');
    expect(acceptedBy(server.requests[0] as RecordedRequest, new NonceCache())).toBe(true);
  });
});

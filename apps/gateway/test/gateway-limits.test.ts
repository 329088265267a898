import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError, InvalidParameterError } from '@dococr/core';
import { BASE_PARAMETERS, IMAGE, rawCall, startImageServer, startTestGateway, type TestGateway } from './helpers.js';

const picture = { IdOcrPictureBase64: IMAGE.toString('base64') };
const running: Array<{ close: () => Promise<void> }> = [];

async function gatewayWith(...args: Parameters<typeof startTestGateway>): Promise<TestGateway> {
  const gateway = await startTestGateway(...args);
  running.push(gateway);
  return gateway;
}

afterEach(async () => {
  while (running.length > 0) await running.pop()?.close();
});

function expectErrorBody(body: Record<string, unknown>, code: string): void {
  expect(Object.keys(body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  expect(body.Code).toBe(code);
  expect(body.HostId).toBe('cloudauth-intl.cn-hongkong.aliyuncs.com');
  expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
}

describe('request shape', () => {
  it('accepts a chunked body without Content-Length', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture, chunkSize: 97 });
    expect(answer.status).toBe(200);
    expect(answer.body.Code).toBe('Success');
    expect(answer.headers['content-type']).toBe('application/json;charset=utf-8');
  });

  it('answers a body over 10 MB with 413 and the error body', async () => {
    const gateway = await gatewayWith();
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, body, chunkSize: 1024 * 1024 });
    expect(answer.status).toBe(413);
    expectErrorBody(answer.body, 'ToolargeImage');
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('answers a missing parameter with MissingParameter naming it', async () => {
    const gateway = await gatewayWith();
    const { MerchantBizId: _omitted, ...rest } = BASE_PARAMETERS;
    const answer = await rawCall({ port: gateway.port, query: rest, form: picture });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'MissingParameter');
    expect(answer.body.Message).toContain('MerchantBizId');
  });

  it('answers a bad DocType with InvalidParameter', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({
      port: gateway.port,
      query: { ...BASE_PARAMETERS, DocType: '12345678' },
      form: picture,
    });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'InvalidParameter');
    expect(answer.body.Message).toContain('DocType');
  });

  it('refuses IdOcrPictureFile over HTTP, which could only name a file on the gateway', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({
      port: gateway.port,
      query: { ...BASE_PARAMETERS, IdOcrPictureFile: '/etc/passwd' },
    });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'InvalidParameter');
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('answers another action with InvalidAction.NotFound', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({
      port: gateway.port,
      query: BASE_PARAMETERS,
      form: picture,
      action: 'DescribeRegions',
    });
    expect(answer.status).toBe(404);
    expectErrorBody(answer.body, 'InvalidAction.NotFound');
  });
});

describe('authentication', () => {
  it('answers an unknown access key with InvalidAccessKeyId.NotFound', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({
      port: gateway.port,
      query: BASE_PARAMETERS,
      form: picture,
      accessKeyId: 'LTAI5tNobody',
    });
    expect(answer.status).toBe(404);
    expectErrorBody(answer.body, 'InvalidAccessKeyId.NotFound');
  });

  it('answers a date more than 15 minutes off with InvalidTimeStamp.Expired', async () => {
    const gateway = await gatewayWith();
    const date = new Date(Date.now() - 16 * 60 * 1000);
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture, date });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'InvalidTimeStamp.Expired');
    const inWindow = await rawCall({
      port: gateway.port,
      query: BASE_PARAMETERS,
      form: picture,
      date: new Date(Date.now() - 14 * 60 * 1000),
    });
    expect(inWindow.status).toBe(200);
  });

  it('answers a reused nonce with SignatureNonceUsed', async () => {
    const gateway = await gatewayWith();
    const first = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture, nonce: 'f'.repeat(64) });
    expect(first.status).toBe(200);
    const replay = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture, nonce: 'f'.repeat(64) });
    expect(replay.status).toBe(400);
    expectErrorBody(replay.body, 'SignatureNonceUsed');
    expect(gateway.fake.calls).toHaveLength(1);
  });

  it('answers an unsigned request with IncompleteSignature', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture, unsigned: true });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'IncompleteSignature');
  });

  it('answers a body changed after signing with SignatureDoesNotMatch', async () => {
    const gateway = await gatewayWith();
    const answer = await rawCall({
      port: gateway.port,
      query: BASE_PARAMETERS,
      form: picture,
      tamper: (body) => Buffer.concat([body, Buffer.from('&Spoof=T')]),
    });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'SignatureDoesNotMatch');
  });
});

describe('rate and concurrency limits', () => {
  it('throttles a key over its rate with Throttling.Api, 403 and x-acs-retry-after', async () => {
    const gateway = await gatewayWith({ rateLimit: { qps: 0.5, burst: 2 } });
    for (let i = 0; i < 2; i++) {
      expect((await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture })).status).toBe(200);
    }
    const throttled = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    expect(throttled.status).toBe(403);
    expectErrorBody(throttled.body, 'Throttling.Api');
    const retryAfter = Number(throttled.headers['x-acs-retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2000);
    expect(gateway.fake.calls).toHaveLength(2);
  });

  it('queues up to the bound and answers ServiceUnavailable beyond it', async () => {
    const gateway = await gatewayWith({ concurrency: { maxConcurrent: 1, maxQueued: 1 } });
    let open: () => void = () => undefined;
    gateway.fake.gate = new Promise<void>((resolve) => (open = resolve));
    const first = rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    await expect.poll(() => gateway.fake.calls.length).toBe(1);
    const queued = rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    // Give the queued request time to reach the gate before the one that must be turned away.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rejected = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    expect(rejected.status).toBe(503);
    expectErrorBody(rejected.body, 'ServiceUnavailable');
    open();
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
    expect(gateway.fake.calls).toHaveLength(2);
  });
});

describe('back-pressure before the body is read', () => {
  it('answers ServiceUnavailable to a call beyond cap and queue without waiting for its body', async () => {
    const gateway = await gatewayWith({ concurrency: { maxConcurrent: 1, maxQueued: 0 } });
    let open: () => void = () => undefined;
    gateway.fake.gate = new Promise<void>((resolve) => (open = resolve));
    const first = rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    await expect.poll(() => gateway.fake.calls.length).toBe(1);
    // Announces 5 MB and sends 1 byte: only an answer given before reading the body can arrive.
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: gateway.port,
          method: 'POST',
          path: '/',
          headers: { 'content-length': String(5 * 1024 * 1024) },
        },
        (response) => {
          resolve(response.statusCode ?? 0);
          response.resume();
          request.destroy();
        },
      );
      request.on('error', reject);
      request.write('x');
    });
    expect(status).toBe(503);
    open();
    expect((await first).status).toBe(200);
  });
});

describe('IdOcrPictureUrl is fetched safely', () => {
  it.each([
    ['loopback (not allow-listed here)', (local: string) => local],
    ['IPv6 loopback', () => 'http://[::1]/id.png'],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', () => 'http://10.0.0.1/id.png'],
    ['a private address by name', () => 'http://intranet.test/id.png'],
  ])('refuses %s', async (_name, urlFor) => {
    const images = await startImageServer();
    running.push(images);
    const lookup = async () => [{ address: '192.168.1.1', family: 4 }];
    const gateway = await gatewayWith({}, { lookup });
    const answer = await rawCall({
      port: gateway.port,
      query: { ...BASE_PARAMETERS, IdOcrPictureUrl: urlFor(images.url('/id.png')) },
    });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'InvalidParameter');
    expect(answer.body.Message).toMatch(/IdOcrPictureUrl.*not allowed/);
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('refuses a redirect from an allowed server into the metadata service or a private name', async () => {
    const images = await startImageServer();
    running.push(images);
    const lookup = async () => [{ address: '10.1.2.3', family: 4 }];
    const gateway = await gatewayWith({ urlFetch: { allowCidrs: ['127.0.0.1/32'] } }, { lookup });
    for (const path of ['/to-metadata', '/to-intranet']) {
      const answer = await rawCall({
        port: gateway.port,
        query: { ...BASE_PARAMETERS, IdOcrPictureUrl: images.url(path) },
      });
      expect(answer.status).toBe(400);
      expectErrorBody(answer.body, 'InvalidParameter');
    }
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('answers a picture over 1 MB at the URL with ToolargeImage', async () => {
    const images = await startImageServer();
    running.push(images);
    const gateway = await gatewayWith({ urlFetch: { allowCidrs: ['127.0.0.1/32'] } });
    const answer = await rawCall({
      port: gateway.port,
      query: { ...BASE_PARAMETERS, IdOcrPictureUrl: images.url('/huge.png') },
    });
    expect(answer.status).toBe(401);
    expectErrorBody(answer.body, 'ToolargeImage');
  });
});

describe('errors from the run', () => {
  it('answers a DocOcrError from the run with its code and status', async () => {
    const gateway = await gatewayWith();
    gateway.fake.failWith = new InvalidParameterError('IdOcrPictureBase64', 'not a JPEG or PNG picture');
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    expect(answer.status).toBe(400);
    expectErrorBody(answer.body, 'InvalidParameter');
    gateway.fake.failWith = new ServiceUnavailableError();
    expect((await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture })).status).toBe(503);
  });

  it('answers anything else with InternalError and no detail', async () => {
    const gateway = await gatewayWith();
    gateway.fake.failWith = new Error('database password is hunter2');
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: picture });
    expect(answer.status).toBe(500);
    expectErrorBody(answer.body, 'InternalError');
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
  });
});

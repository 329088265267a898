import { afterEach, describe, expect, it } from 'vitest';
import { deriveCodecToken, type PayloadCodec } from '../src/index.js';
import { BASE_PARAMETERS, IMAGE, KEY_ID, KEY_SECRET, rawCall, startTestGateway, type TestGateway } from './helpers.js';

const running: TestGateway[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()?.close();
});

async function gatewayWith(...args: Parameters<typeof startTestGateway>): Promise<TestGateway> {
  const gateway = await startTestGateway(...args);
  running.push(gateway);
  return gateway;
}

/** Reverses the data bytes: enough to see that encode and decode ran on the payloads given. */
const reversingCodec: PayloadCodec = {
  encode: async (payloads) => payloads.map((p) => ({ ...p, data: Buffer.from(p.data ?? []).reverse() })),
  decode: async (payloads) => payloads.map((p) => ({ ...p, data: Buffer.from(p.data ?? []).reverse() })),
};

const codecBody = JSON.stringify({
  payloads: [
    {
      metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') },
      data: Buffer.from('abc').toString('base64'),
    },
  ],
});

describe('health and readiness', () => {
  it('answers /healthz always and /readyz from the injected check', async () => {
    let ready = false;
    const gateway = await gatewayWith({}, { ready: () => ready });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    ready = true;
    const answer = await fetch(`${gateway.url}/readyz`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'ready' });
  });

  it('is not ready when the check throws', async () => {
    const gateway = await gatewayWith(
      {},
      {
        ready: async () => {
          throw new Error('temporal is down');
        },
      },
    );
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
  });
});

describe('the codec endpoint', () => {
  it('decodes for a caller with the codec token of an access key', async () => {
    const gateway = await gatewayWith({}, { codec: reversingCodec });
    const answer = await fetch(`${gateway.url}/codec/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${deriveCodecToken(KEY_ID, KEY_SECRET)}`,
        'x-namespace': 'default',
      },
      body: codecBody,
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(Buffer.from(body.payloads[0]?.data ?? '', 'base64').toString()).toBe('cba');
    expect(Buffer.from(body.payloads[0]?.metadata.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
  });

  it('accepts an ACS3-signed call too', async () => {
    const gateway = await gatewayWith({}, { codec: reversingCodec });
    const answer = await rawCall({
      port: gateway.port,
      path: '/codec/encode',
      body: Buffer.from(codecBody),
      extraHeaders: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
    expect((answer.body.payloads as unknown[]).length).toBe(1);
  });

  it('refuses callers without credentials, with a wrong token or an unknown key', async () => {
    const gateway = await gatewayWith({}, { codec: reversingCodec });
    const post = (authorization?: string) =>
      fetch(`${gateway.url}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: codecBody,
      });
    const none = await post();
    expect(none.status).toBe(400);
    expect(((await none.json()) as { Code: string }).Code).toBe('IncompleteSignature');
    const wrong = await post(`Bearer ${deriveCodecToken(KEY_ID, 'wrong secret')}`);
    expect(((await wrong.json()) as { Code: string }).Code).toBe('SignatureDoesNotMatch');
    const unknown = await post(`Bearer ${deriveCodecToken('LTAI5tNobody', KEY_SECRET)}`);
    expect(unknown.status).toBe(404);
  });

  it('answers the browser preflight for the Temporal Web UI origin only', async () => {
    const gateway = await gatewayWith({}, { codec: reversingCodec });
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-namespace' },
      });
    const ui = await preflight('http://localhost:8233');
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(ui.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is not mounted without a codec', async () => {
    const gateway = await gatewayWith();
    const answer = await fetch(`${gateway.url}/codec/decode`, { method: 'POST', body: codecBody });
    expect(answer.status).toBe(404);
  });
});

describe('access logs', () => {
  it('log request id, key id, latency and outcome, and no personal data', async () => {
    const gateway = await gatewayWith();
    const ok = await rawCall({
      port: gateway.port,
      query: BASE_PARAMETERS,
      form: { IdOcrPictureBase64: IMAGE.toString('base64') },
    });
    const rejected = await rawCall({ port: gateway.port, query: { ...BASE_PARAMETERS, DocType: 'bad' } });
    await expect.poll(() => gateway.logLines().filter((l) => l.msg === 'request').length).toBe(2);
    const entries = gateway.logLines().filter((l) => l.msg === 'request');
    expect(entries[0]).toMatchObject({
      requestId: ok.body.RequestId,
      accessKeyId: KEY_ID,
      status: 200,
      outcome: 'ok',
      code: 'Success',
      route: '/',
    });
    expect(typeof entries[0]?.latencyMs).toBe('number');
    expect(entries[1]).toMatchObject({
      requestId: rejected.body.RequestId,
      status: 400,
      outcome: 'rejected',
      code: 'InvalidParameter',
    });
    const all = JSON.stringify(gateway.logLines());
    expect(all).not.toContain(BASE_PARAMETERS.MerchantUserId);
    expect(all).not.toContain(IMAGE.toString('base64').slice(0, 40));
    expect(all).not.toContain(KEY_SECRET);
  });
});

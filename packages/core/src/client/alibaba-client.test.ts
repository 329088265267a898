import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_REQUIREMENTS, isDocOcrError, type DocOcrV2Request } from '../contract/index.js';
import { parseRawQuery, verifyAcs3Request } from './acs3-signature.js';
import {
  AlibabaDocOcrClient,
  DEFAULT_ENDPOINT,
  DEFAULT_VPC_ENDPOINT,
  credentialsFromEnv,
  redactRequestForLog,
  type AlibabaDocOcrClientOptions,
} from './alibaba-client.js';
import type { HttpTransportRequest } from './http-transport.js';

const credentials = { accessKeyId: 'LTAIunit', accessKeySecret: 'unit-secret' };
const request: DocOcrV2Request = {
  productCode: 'ID_OCR_MIN',
  merchantBizId: 'biz1',
  merchantUserId: 'u1',
  idOcrPictureBase64: 'AAAA',
  docType: '01000000',
  ocr: 'T',
  idFaceQuality: 'F',
  spoof: 'F',
  idThreshold: '3',
};
const success = {
  RequestId: 'r-1',
  Code: 'Success',
  Message: 'success',
  Result: { TransactionId: 't-1', Passed: 'N', SubCode: '211', ExtIdInfo: '{}' },
};

function capturingClient(options: Partial<AlibabaDocOcrClientOptions> = {}) {
  const sent: HttpTransportRequest[] = [];
  const client = new AlibabaDocOcrClient({
    credentials,
    ...options,
    transport: async (req) => {
      sent.push(req);
      return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(success)) };
    },
  });
  return { client, sent };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('credentialsFromEnv', () => {
  it('reads the Alibaba variables from the object it is given and names the provider default/env', () => {
    expect(
      credentialsFromEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'tok',
      }),
    ).toEqual({ accessKeyId: 'id', accessKeySecret: 'secret', securityToken: 'tok', providerName: 'default/env' });
  });
  it('fails with InvalidCredentials, and so does a client built with neither credentials nor env', () => {
    expect(() => credentialsFromEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'id' })).toThrow(
      expect.objectContaining({ code: 'InvalidCredentials', retryable: false }),
    );
    expect(() => new AlibabaDocOcrClient({})).toThrow(expect.objectContaining({ code: 'InvalidCredentials' }));
  });
});

describe('redactRequestForLog', () => {
  it('replaces the picture with its size and keeps everything else', () => {
    expect(redactRequestForLog({ IdOcrPictureBase64: 'QUJD', DocType: '01000000' })).toEqual({
      IdOcrPictureBase64: '<redacted 4 chars>',
      DocType: '01000000',
    });
    expect(redactRequestForLog({ ...request, idOcrPictureFile: new Uint8Array(7) })).toMatchObject({
      idOcrPictureBase64: '<redacted 4 chars>',
      idOcrPictureFile: '<redacted 7 bytes>',
      merchantBizId: 'biz1',
    });
  });
  it('redacts a signed request: form, body, Authorization and the STS token', async () => {
    const { client } = capturingClient();
    const signed = client.buildSignedRequest(await client.wireParameters(request));
    const redacted = redactRequestForLog(signed);
    expect(JSON.stringify(redacted)).not.toContain('AAAA');
    expect(redacted).toMatchObject({
      form: { IdOcrPictureBase64: '<redacted 4 chars>' },
      headers: { authorization: '<redacted>' },
    });
  });
});

describe('AlibabaDocOcrClient requests', () => {
  it('defaults to the public endpoint over https, or the VPC one', async () => {
    const pub = capturingClient();
    await pub.client.docOcrV2(request);
    expect(pub.sent[0]?.url.origin).toBe(`https://${DEFAULT_ENDPOINT}`);
    const vpc = capturingClient({ vpc: true });
    await vpc.client.docOcrV2(request);
    expect(vpc.sent[0]?.url.origin).toBe(`https://${DEFAULT_VPC_ENDPOINT}`);
    expect(vpc.sent[0]?.headers.host).toBe(DEFAULT_VPC_ENDPOINT);
  });

  it('takes host:port or a URL as endpoint and signs the host with its port', async () => {
    const { client, sent } = capturingClient({ endpoint: 'http://127.0.0.1:8123' });
    await client.docOcrV2(request);
    const req = sent[0] as HttpTransportRequest;
    expect(req.url.href.startsWith('http://127.0.0.1:8123/?')).toBe(true);
    expect(req.headers.host).toBe('127.0.0.1:8123');
    const verdict = verifyAcs3Request({
      method: req.method,
      path: req.url.pathname,
      rawQuery: req.url.search.slice(1),
      headers: req.headers,
      body: req.body,
      lookupSecret: () => credentials.accessKeySecret,
    });
    expect(verdict.ok).toBe(true);
  });

  it('resolves a 200 answer with Passed N as a result', async () => {
    const { client } = capturingClient();
    await expect(client.docOcrV2(request)).resolves.toMatchObject({ Result: { Passed: 'N', SubCode: '211' } });
  });

  it('rejects an invalid request before sending, naming the parameter', async () => {
    const { client, sent } = capturingClient();
    const error = await rejection(client.docOcrV2({ ...request, idOcrPictureUrl: 'https://example.com/a.jpg' }));
    expect(isDocOcrError(error) && error.code).toBe('InvalidParameter');
    expect(sent).toHaveLength(0);
  });

  describe('IdOcrPictureFile', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dococr-client-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('reads a path and sends the bytes as IdOcrPictureBase64 in the form body', async () => {
      const path = join(dir, 'card.jpg');
      await writeFile(path, Buffer.from([0xff, 0xd8, 0xfb, 0xff]));
      const { client, sent } = capturingClient();
      const { idOcrPictureBase64: _unused, ...withoutBase64 } = request;
      await client.docOcrV2({ ...withoutBase64, idOcrPictureFile: path });
      const req = sent[0] as HttpTransportRequest;
      expect(Buffer.from(req.body).toString()).toBe('IdOcrPictureBase64=%2F9j7%2Fw%3D%3D');
      expect(parseRawQuery(req.url.search).map(([name]) => name)).not.toContain('IdOcrPictureFile');
    });

    it('refuses a file over the size limit with ToolargeImage, and an unreadable one without echoing its path', async () => {
      const { client, sent } = capturingClient();
      const { idOcrPictureBase64: _unused, ...withoutBase64 } = request;
      const big = new Uint8Array(IMAGE_REQUIREMENTS.maxBytes + 1);
      expect(await rejection(client.docOcrV2({ ...withoutBase64, idOcrPictureFile: big }))).toMatchObject({
        code: 'ToolargeImage',
      });
      const missing = join(dir, 'Li Si passport.jpg');
      const error = await rejection(client.docOcrV2({ ...withoutBase64, idOcrPictureFile: missing }));
      expect(error).toMatchObject({ code: 'InvalidParameter', parameter: 'IdOcrPictureFile' });
      expect((error as Error).message).not.toContain('Li Si');
      expect(sent).toHaveLength(0);
    });
  });
});

/**
 * Hostile input the gateway refuses before any workflow: a huge base64 picture and text parameters that are not
 * UTF-8. Each gets the API's error body naming the problem, the fake workflow is never called, and the gateway still
 * serves a good request afterwards.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAcsDate, parseDocOcrV2Request, sha256Hex, signAcs3 } from '@dococr/core';
import { BASE_PARAMETERS, IMAGE, KEY_ID, KEY_SECRET, rawCall, startTestGateway, type TestGateway } from './helpers.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const picture = { IdOcrPictureBase64: IMAGE.toString('base64') };
const ERROR_KEYS = ['Code', 'HostId', 'Message', 'Recommend', 'RequestId'];

/**
 * A signed call whose query and body are given as raw wire text, so they can carry bytes no JavaScript string
 * percent-encodes to (%FF). It is signed over what the verifier will decode, as a client that replaced the bad
 * bytes before signing would; a byte-exact signer would be refused by the signature instead.
 */
async function wireCall(rawQuery: string, body: Buffer, signedQuery: Record<string, string>) {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${gateway.port}`,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': 'DocOcrV2',
    'x-acs-version': '2022-08-09',
    'x-acs-date': formatAcsDate(new Date()),
    'x-acs-signature-nonce': `hostile-${Math.random()}`,
    'x-acs-content-sha256': sha256Hex(body),
  };
  const { authorization } = signAcs3({
    method: 'POST',
    path: '/',
    query: signedQuery,
    headers,
    body,
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
  });
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        method: 'POST',
        path: `/?${rawQuery}`,
        headers: { ...headers, authorization, 'content-length': String(body.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const encodeQuery = (query: Record<string, string>) =>
  Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

describe('hostile input at the gateway', () => {
  it('refuses a base64 picture over 10 MB with ToolargeImage before the workflow', async () => {
    const huge = Buffer.alloc(8 * 1024 * 1024, 0x5a).toString('base64'); // ~11.2 MB of base64
    const answer = await rawCall({
      port: gateway.port,
      query: BASE_PARAMETERS,
      form: { IdOcrPictureBase64: huge },
      chunkSize: 1024 * 1024,
    });
    expect(answer.status).toBe(413);
    expect(Object.keys(answer.body).sort()).toEqual(ERROR_KEYS);
    expect(answer.body.Code).toBe('ToolargeImage');
    // The same string given to the request schema directly (the CLI's path) is refused the same way.
    expect(() => parseDocOcrV2Request({ ...BASE_PARAMETERS, MerchantBizId: 'big1', IdOcrPictureBase64: huge })).toThrow(
      expect.objectContaining({ code: 'ToolargeImage' }),
    );
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('refuses a base64 picture under the transfer limit that decodes to more than 1 MB with ToolargeImage', async () => {
    const big = Buffer.concat([IMAGE, Buffer.alloc(1_100_000, 1)]).toString('base64');
    const answer = await rawCall({ port: gateway.port, query: BASE_PARAMETERS, form: { IdOcrPictureBase64: big } });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.body.Code).toBe('ToolargeImage');
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('refuses MerchantUserId bytes that are not UTF-8, in the query or the form body, naming the parameter', async () => {
    const { MerchantUserId: _u, ...rest } = BASE_PARAMETERS;
    const badQuery = `${encodeQuery(rest)}&MerchantUserId=user%FF%FE%C0%80`;
    const inQuery = await wireCall(badQuery, Buffer.from(encodeQuery(picture)), {
      ...rest,
      MerchantUserId: 'user\uFFFD\uFFFD\uFFFD\uFFFD',
    });
    const inForm = await wireCall(
      encodeQuery(rest),
      Buffer.concat([Buffer.from(`${encodeQuery(picture)}&MerchantUserId=`), Buffer.from([0x75, 0xff, 0xfe])]),
      rest,
    );
    const escapedInForm = await wireCall(
      encodeQuery(rest),
      Buffer.from(`${encodeQuery(picture)}&MerchantUserId=%ED%A0%80`), // an encoded lone surrogate
      rest,
    );
    for (const [answer, parameter] of [
      [inQuery, 'MerchantUserId'],
      [inForm, 'Request'],
      [escapedInForm, 'MerchantUserId'],
    ] as const) {
      expect(answer.status).toBe(400);
      expect(Object.keys(answer.body).sort()).toEqual(ERROR_KEYS);
      expect(answer.body.Code).toBe('InvalidParameter');
      expect(answer.body.Message).toBe(`The specified parameter "${parameter}" is invalid: it is not valid UTF-8.`);
    }
    expect(gateway.fake.calls).toHaveLength(0);
  });

  it('accepts non-ASCII MerchantUserId that is valid UTF-8, and still serves after the hostile calls', async () => {
    const answer = await rawCall({
      port: gateway.port,
      query: { ...BASE_PARAMETERS, MerchantUserId: '陈大文-ü-😀' },
      form: picture,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.Code).toBe('Success');
    expect(gateway.fake.calls.at(-1)?.request.merchantUserId).toBe('陈大文-ü-😀');
  });
});

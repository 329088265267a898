import { createHmac } from 'node:crypto';
import { formatAcsDate, isDocOcrError, percentEncode } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, deriveCodecToken, type SignedRequest } from './authenticate.js';

const KEY = 'LTAI5tUnitKey';
const SECRET = 'unit-secret';
const NOW = Date.parse('2026-11-26T06:00:00Z');

/** An HMAC-SHA1 RPC request as the older SDK path builds it (written from Alibaba's V1 signature description). */
function rpcRequest(overrides: Record<string, string> = {}, secret = SECRET): SignedRequest {
  const form = { IdOcrPictureBase64: 'iVBORw0K+/=' };
  const query: Record<string, string> = {
    Action: 'DocOcrV2',
    Version: '2022-08-09',
    Format: 'json',
    Timestamp: formatAcsDate(new Date(NOW)),
    SignatureNonce: 'n-1',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: KEY,
    MerchantUserId: 'user 1*(x)',
    ...overrides,
  };
  const all = Object.entries({ ...query, ...form }).sort(([a], [b]) => (a < b ? -1 : 1));
  const canonical = all.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  const signature = createHmac('sha1', `${secret}&`)
    .update(`POST&%2F&${percentEncode(canonical)}`)
    .digest('base64');
  const rawQuery = Object.entries({ ...query, Signature: signature })
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  const body = Buffer.from(
    Object.entries(form)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&'),
  );
  return {
    method: 'POST',
    path: '/',
    rawQuery,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return isDocOcrError(error) ? error.code : String(error);
  }
}

const authenticator = () =>
  createAuthenticator({ accessKeys: { [KEY]: SECRET }, maxClockSkewMs: 15 * 60_000, now: () => NOW });

describe('HMAC-SHA1 RPC signatures', () => {
  it('accepts a correctly signed request, body parameters included', () => {
    expect(authenticator().verifySignature(rpcRequest())).toBe(KEY);
  });

  it('rejects a changed body parameter, a wrong secret and an unknown key', () => {
    const tampered = rpcRequest();
    tampered.body = Buffer.from('IdOcrPictureBase64=other');
    expect(codeOf(() => authenticator().verifySignature(tampered))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => authenticator().verifySignature(rpcRequest({}, 'wrong')))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => authenticator().verifySignature(rpcRequest({ AccessKeyId: 'LTAI5tNobody' })))).toBe(
      'InvalidAccessKeyId.NotFound',
    );
  });

  it('rejects a timestamp more than 15 minutes off and a reused nonce', () => {
    const late = formatAcsDate(new Date(NOW - 16 * 60_000));
    expect(codeOf(() => authenticator().verifySignature(rpcRequest({ Timestamp: late })))).toBe(
      'InvalidTimeStamp.Expired',
    );
    const auth = authenticator();
    expect(auth.verifySignature(rpcRequest())).toBe(KEY);
    expect(codeOf(() => auth.verifySignature(rpcRequest()))).toBe('SignatureNonceUsed');
  });

  it('requires HMAC-SHA1', () => {
    expect(codeOf(() => authenticator().verifySignature(rpcRequest({ SignatureMethod: 'HMAC-MD5' })))).toBe(
      'IncompleteSignature',
    );
  });
});

describe('codec callers', () => {
  it('accept the derived bearer token and nothing like it', () => {
    const token = deriveCodecToken(KEY, SECRET);
    const request = (authorization: string): SignedRequest => ({
      method: 'POST',
      path: '/codec/decode',
      rawQuery: '',
      headers: { authorization },
      body: new Uint8Array(),
    });
    expect(authenticator().verifyCodecCaller(request(`Bearer ${token}`))).toBe(KEY);
    const flipped = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    expect(codeOf(() => authenticator().verifyCodecCaller(request(`Bearer ${flipped}`)))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => authenticator().verifyCodecCaller(request(`Bearer ${SECRET}`)))).toBe(
      'InvalidAccessKeyId.NotFound',
    );
    expect(codeOf(() => authenticator().verifyCodecCaller(request(`Bearer ${KEY}.${SECRET}`)))).toBe(
      'SignatureDoesNotMatch',
    );
  });
});

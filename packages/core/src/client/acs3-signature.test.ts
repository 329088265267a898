import { describe, expect, it } from 'vitest';
import { SIGNATURE_ERROR_CODES } from '../contract/index.js';
import {
  Acs3VerifyCode,
  NonceCache,
  canonicalQuery,
  canonicalRequest,
  parseRawQuery,
  percentDecode,
  percentEncode,
  sha256Hex,
  signAcs3,
  verifyAcs3Request,
  type VerifyAcs3Input,
} from './acs3-signature.js';

// Vector 1: Alibaba's documentation example (shared/notes/alibaba-wire-protocol.md).
const vector1 = {
  method: 'POST',
  path: '/',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': sha256Hex(''),
  },
  body: '',
  accessKeyId: 'YourAccessKeyId',
  accessKeySecret: 'YourAccessKeySecret',
};

// Vector 2: a DocOcrV2 request as the SDK emitted it.
const vector2Body = 'IdOcrPictureBase64=%2F9j%2F4AAQSkZJRg%2Bab%2Fc%3D';
const vector2 = {
  method: 'POST',
  path: '/',
  query: {
    CardSide: 'OCR_ID_FACE',
    DocType: '00000006',
    IdFaceQuality: 'F',
    IdOcrPictureUrl: 'https://example.com/path/img a*b(1)~!.jpg?x=1&y=2',
    IdThreshold: '0',
    MerchantBizId: 'biz-0001',
    MerchantUserId: 'user 0001',
    Ocr: 'T',
    ProductCode: 'ID_OCR_MIN',
    Spoof: 'F',
  },
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    host: '127.0.0.1:40123',
    'x-acs-action': 'DocOcrV2',
    'x-acs-credentials-provider': 'static_ak',
    'x-acs-date': '2026-11-26T04:21:55Z',
    'x-acs-signature-nonce': 'bf3420f32eb551a000522f5dfc1c95d830319430f7b1e611c11e2cd9bf4601c8',
    'x-acs-version': '2022-08-09',
    'x-acs-content-sha256': sha256Hex(vector2Body),
    accept: 'application/json',
    'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.0 Core/1.0.8',
  },
  body: vector2Body,
  accessKeyId: 'LTAI5tFakeAccessKeyId0001',
  accessKeySecret: 'FakeAccessKeySecretForLocalTests01',
};
// The URL the SDK sends for vector 2: querystring leaves *!'() raw and encodes a space as %20.
const vector2RawQuery =
  'CardSide=OCR_ID_FACE&DocType=00000006&IdFaceQuality=F&IdOcrPictureUrl=https%3A%2F%2Fexample.com%2Fpath%2Fimg%20a*b(1)~!.jpg%3Fx%3D1%26y%3D2' +
  '&IdThreshold=0&MerchantBizId=biz-0001&MerchantUserId=user%200001&Ocr=T&ProductCode=ID_OCR_MIN&Spoof=F';
const vector2Now = Date.parse('2026-11-26T04:22:10Z');

describe('percentEncode', () => {
  it('leaves only A-Za-z0-9-_.~ unencoded and encodes a space as %20', () => {
    expect(percentEncode("AZaz09-_.~ !'()*+/=&%")).toBe('AZaz09-_.~%20%21%27%28%29%2A%2B%2F%3D%26%25');
  });
  it('encodes UTF-8 bytes in upper-case hex, even for a lone surrogate', () => {
    expect(percentEncode('é中')).toBe('%C3%A9%E4%B8%AD');
    expect(percentEncode('\ud800')).toBe('%EF%BF%BD');
  });
  it('round-trips through percentDecode, where + stays a plus', () => {
    expect(percentDecode(percentEncode("a b+c*!'()é"))).toBe("a b+c*!'()é");
    expect(percentDecode('a+b%2')).toBe('a+b%2');
    expect(percentDecode('%E4%B8%ADx%zz%41')).toBe('中x%zzA');
  });
  it('decodes a megabyte-sized form value quickly and exactly', () => {
    const base64 = Buffer.from(Array.from({ length: 768 * 1024 }, (_, i) => (i * 131) % 256)).toString('base64');
    expect(percentDecode(percentEncode(base64))).toBe(base64);
  });
});

describe('signAcs3 against the test vectors', () => {
  it('reproduces vector 1 (Alibaba documentation) byte for byte', () => {
    const signed = signAcs3(vector1);
    expect(signed.hashedCanonicalRequest).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signed.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(signed.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;' +
        'x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
  });

  it('reproduces vector 2 (DocOcrV2 from the SDK) byte for byte', () => {
    const signed = signAcs3(vector2);
    expect(signed.hashedPayload).toBe('d01b19bc6b548404bf705d47aa400923a04aefa3144ee3f1d461fd3eda2be4b7');
    expect(signed.canonicalRequest.split('\n')[2]).toBe(
      'CardSide=OCR_ID_FACE&DocType=00000006&IdFaceQuality=F&IdOcrPictureUrl=https%3A%2F%2Fexample.com%2Fpath%2Fimg%20a%2Ab%281%29~%21.jpg%3Fx%3D1%26y%3D2&IdThreshold=0&MerchantBizId=biz-0001&MerchantUserId=user%200001&Ocr=T&ProductCode=ID_OCR_MIN&Spoof=F',
    );
    expect(signed.hashedCanonicalRequest).toBe('ba165749da7859c21680a553e40ec28d08af27224fc01cce1734ec19c1971643');
    expect(signed.signature).toBe('458aefd8071102594c615cf08f6db8f117afb374cebc179d2c8964deeb19f34d');
    // accept and user-agent travel unsigned, as with the SDK.
    expect(signed.signedHeaders).toEqual([
      'content-type',
      'host',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-credentials-provider',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]);
    expect(signed.stringToSign).toBe(`ACS3-HMAC-SHA256\n${signed.hashedCanonicalRequest}`);
  });

  it('builds the canonical query from the raw URL the same as from decoded values', () => {
    expect(canonicalQuery(parseRawQuery(vector2RawQuery))).toBe(canonicalQuery(vector2.query));
  });

  it('sorts parameters by name and joins header values of a repeated header', () => {
    expect(canonicalQuery({ b: '2', a: ['z', 'y'], c: undefined })).toBe('a=y&a=z&b=2');
    const { canonicalRequest: c } = canonicalRequest({
      method: 'post',
      path: '/',
      query: {},
      headers: { 'X-Acs-B': ['2 ', ' 1'], Host: ' h ' },
      hashedPayload: 'p',
    });
    expect(c).toBe('POST\n/\n\nhost:h\nx-acs-b:1,2\n\nhost;x-acs-b\np');
  });
});

function wireRequest(overrides: Partial<VerifyAcs3Input> = {}): VerifyAcs3Input {
  return {
    method: 'POST',
    path: '/',
    rawQuery: vector2RawQuery,
    headers: { ...vector2.headers, authorization: signAcs3(vector2).authorization },
    body: Buffer.from(vector2Body),
    lookupSecret: (id) => (id === vector2.accessKeyId ? vector2.accessKeySecret : undefined),
    now: vector2Now,
    ...overrides,
  };
}

function resign(headers: Record<string, string>, query = vector2.query, body = vector2Body): Record<string, string> {
  const withHash = { ...headers, 'x-acs-content-sha256': sha256Hex(body) };
  return { ...withHash, authorization: signAcs3({ ...vector2, headers: withHash, query, body }).authorization };
}

describe('verifyAcs3Request', () => {
  it('accepts vector 2 as it arrives on the wire, from the raw query or the decoded one', () => {
    expect(verifyAcs3Request(wireRequest())).toEqual({
      ok: true,
      accessKeyId: vector2.accessKeyId,
      signedHeaders: signAcs3(vector2).signedHeaders,
    });
    expect(verifyAcs3Request(wireRequest({ rawQuery: undefined, query: vector2.query })).ok).toBe(true);
  });

  it('accepts vector 1 with its own key', () => {
    const result = verifyAcs3Request({
      method: 'POST',
      path: '/',
      rawQuery: 'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
      headers: { ...vector1.headers, Authorization: signAcs3(vector1).authorization },
      body: new Uint8Array(),
      lookupSecret: () => 'YourAccessKeySecret',
      now: Date.parse('2023-10-26T10:30:00Z'),
    });
    expect(result).toMatchObject({ ok: true, accessKeyId: 'YourAccessKeyId' });
  });

  it('reads + in the query as a literal plus', () => {
    const query = { ...vector2.query, MerchantUserId: 'a+b' };
    const headers = resign(vector2.headers, query);
    const rawQuery = vector2RawQuery.replace('user%200001', 'a+b');
    expect(verifyAcs3Request(wireRequest({ headers, rawQuery })).ok).toBe(true);
    const signedWithSpace = resign(vector2.headers, { ...vector2.query, MerchantUserId: 'a b' });
    expect(verifyAcs3Request(wireRequest({ headers: signedWithSpace, rawQuery }))).toMatchObject({
      ok: false,
      code: 'SignatureDoesNotMatch',
    });
  });

  it.each([
    ['a changed query value', { rawQuery: vector2RawQuery.replace('Ocr=T', 'Ocr=F') }],
    ['a different host port', { headers: { ...wireRequest().headers, host: '127.0.0.1:40124' } }],
    ['another method', { method: 'GET' }],
    ['another path', { path: '/x' }],
  ])('rejects %s with SignatureDoesNotMatch', (_name, overrides) => {
    expect(verifyAcs3Request(wireRequest(overrides))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('rejects a body that does not hash to x-acs-content-sha256', () => {
    const result = verifyAcs3Request(wireRequest({ body: Buffer.from(vector2Body + 'x') }));
    expect(result).toMatchObject({
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/sha256/),
    });
  });

  it('rejects a body swapped together with its hash header', () => {
    const headers = { ...wireRequest().headers, 'x-acs-content-sha256': sha256Hex('IdOcrPictureBase64=x') };
    const result = verifyAcs3Request(wireRequest({ headers, body: Buffer.from('IdOcrPictureBase64=x') }));
    expect(result).toMatchObject({
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/signature/),
    });
  });

  it('rejects a wrong secret and an unknown key', () => {
    expect(verifyAcs3Request(wireRequest({ lookupSecret: () => 'other' }))).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    expect(verifyAcs3Request(wireRequest({ lookupSecret: () => undefined }))).toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
    });
  });

  it('rejects an x-acs-date more than the window away, either side', () => {
    const window = 15 * 60 * 1000;
    const signedAt = Date.parse('2026-11-26T04:21:55Z');
    expect(verifyAcs3Request(wireRequest({ now: signedAt + window })).ok).toBe(true);
    expect(verifyAcs3Request(wireRequest({ now: signedAt + window + 1000 }))).toMatchObject({
      code: 'InvalidTimeStamp.Expired',
    });
    expect(verifyAcs3Request(wireRequest({ now: new Date(signedAt - window - 1000) }))).toMatchObject({
      code: 'InvalidTimeStamp.Expired',
    });
    expect(verifyAcs3Request(wireRequest({ now: signedAt + 61_000, maxSkewMs: 60_000 }))).toMatchObject({
      code: 'InvalidTimeStamp.Expired',
    });
  });

  it('rejects a reused nonce, but only once the signature holds', () => {
    const nonceCache = new NonceCache();
    expect(verifyAcs3Request(wireRequest({ nonceCache, lookupSecret: () => 'wrong' })).ok).toBe(false);
    expect(nonceCache.size).toBe(0);
    expect(verifyAcs3Request(wireRequest({ nonceCache })).ok).toBe(true);
    expect(verifyAcs3Request(wireRequest({ nonceCache, now: vector2Now + 5000 }))).toMatchObject({
      code: 'SignatureNonceUsed',
    });
  });

  it.each([
    ['no Authorization', (h: Record<string, string>) => ({ ...h, authorization: '' })],
    [
      'another algorithm',
      (h: Record<string, string>) => ({
        ...h,
        authorization: h.authorization!.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3'),
      }),
    ],
    [
      'no Signature',
      (h: Record<string, string>) => ({ ...h, authorization: h.authorization!.replace(/,Signature=.*/, '') }),
    ],
    [
      'a signed header missing',
      (h: Record<string, string>) => ({ ...h, 'x-acs-credentials-provider': undefined as unknown as string }),
    ],
    ['an unsigned x-acs header', (h: Record<string, string>) => ({ ...h, 'x-acs-security-token': 'tok' })],
    ['a bad x-acs-date', (h: Record<string, string>) => resign({ ...h, 'x-acs-date': '2026-11-26 04:21:55' })],
    [
      'a nonce left out of SignedHeaders',
      (h: Record<string, string>) => ({ ...h, authorization: h.authorization!.replace('x-acs-signature-nonce;', '') }),
    ],
  ])('rejects %s with IncompleteSignature', (_name, change) => {
    const headers = change(wireRequest().headers as Record<string, string>);
    expect(verifyAcs3Request(wireRequest({ headers }))).toMatchObject({ ok: false, code: 'IncompleteSignature' });
  });

  it('passes the STS token to lookupSecret and insists the STS key id matches the Credential', () => {
    const sts = { ...vector2.headers, 'x-acs-accesskey-id': vector2.accessKeyId, 'x-acs-security-token': 'tok-1' };
    const seen: unknown[] = [];
    const lookupSecret = (id: string, ctx: { securityToken?: string }) => {
      seen.push(ctx);
      return id === vector2.accessKeyId ? vector2.accessKeySecret : undefined;
    };
    expect(verifyAcs3Request(wireRequest({ headers: resign(sts), lookupSecret })).ok).toBe(true);
    expect(seen).toEqual([{ securityToken: 'tok-1' }]);
    const mismatched = resign({ ...sts, 'x-acs-accesskey-id': 'LTAIother' });
    expect(verifyAcs3Request(wireRequest({ headers: mismatched }))).toMatchObject({ code: 'IncompleteSignature' });
  });
});

it('uses exactly the contract signature error codes, so a gateway can wrap a verdict in a SignatureError', () => {
  expect(Object.values(Acs3VerifyCode).sort()).toEqual([...SIGNATURE_ERROR_CODES].sort());
});

describe('NonceCache', () => {
  it('forgets a nonce after its window and never holds more than maxEntries', () => {
    const cache = new NonceCache({ ttlMs: 1000, maxEntries: 3 });
    expect(cache.checkAndRemember('a', 0)).toBe(true);
    expect(cache.checkAndRemember('a', 999)).toBe(false);
    expect(cache.checkAndRemember('a', 1000)).toBe(true);
    for (const n of ['b', 'c', 'd', 'e']) cache.checkAndRemember(n, 1500);
    expect(cache.size).toBe(3);
    expect(cache.checkAndRemember('e', 1600)).toBe(false);
    expect(cache.checkAndRemember('z', 10_000)).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('keeps a future-dated nonce until its own date plus the window', () => {
    const cache = new NonceCache({ ttlMs: 1000 });
    cache.checkAndRemember('f', 0, 800);
    expect(cache.checkAndRemember('f', 1500)).toBe(false);
    expect(cache.checkAndRemember('f', 1800)).toBe(true);
  });

  it('rejects nonsense limits', () => {
    expect(() => new NonceCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});

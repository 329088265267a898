import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlibabaDocOcrClient,
  NonceCache,
  parseRawQuery,
  verifyAcs3Request,
  type DocOcrV2Request,
} from '../src/index.js';
import { OFFICIAL_SDKS, callOfficialSdk } from './official-sdk.js';
import { startRecordingServer, type RecordedRequest, type RecordingServer } from './recording-server.js';

const ACCESS_KEY_ID = 'LTAI5tFakeAccessKeyId0001';
const ACCESS_KEY_SECRET = 'FakeAccessKeySecretForLocalTests01';

// Bytes whose base64 carries '+', '/' and '=' (all of which the form body must encode).
const PICTURE = Buffer.from([
  0xff,
  0xd8,
  0xff,
  0xe0,
  ...Array.from({ length: 250 }, (_, i) => (i * 37) % 256),
  0xff,
  0xd9,
]);
const PICTURE_BASE64 = PICTURE.toString('base64');

interface Case {
  name: string;
  request: DocOcrV2Request;
  /** The same call as a caller of the generated SDK writes it. */
  sdkParameters: Record<string, string>;
  securityToken?: string;
}

const base = {
  productCode: 'ID_OCR_MIN',
  merchantBizId: 'biz0001',
  docType: '00000006',
  ocr: 'T',
  idFaceQuality: 'F',
  spoof: 'T',
  idThreshold: '0',
} as const;
const sdkBase = {
  ProductCode: 'ID_OCR_MIN',
  MerchantBizId: 'biz0001',
  DocType: '00000006',
  Ocr: 'T',
  IdFaceQuality: 'F',
  Spoof: 'T',
  IdThreshold: '0',
};
// Characters the SDK leaves raw in the URL but signs encoded, a literal plus, and non-ASCII.
const ODD_USER = "user 0001*!'()+é";

const CASES: Case[] = [
  {
    name: 'picture as base64, every optional parameter set',
    request: {
      ...base,
      sceneCode: 'scene_1',
      merchantUserId: ODD_USER,
      idOcrPictureBase64: PICTURE_BASE64,
      cardSide: 'OCR_ID_FACE',
    },
    sdkParameters: {
      ...sdkBase,
      SceneCode: 'scene_1',
      MerchantUserId: ODD_USER,
      IdOcrPictureBase64: PICTURE_BASE64,
      CardSide: 'OCR_ID_FACE',
    },
  },
  {
    name: 'picture as a URL (empty form body)',
    request: { ...base, merchantUserId: 'u1', idOcrPictureUrl: 'https://example.com/path/img a*b(1)~!.jpg?x=1&y=2' },
    sdkParameters: {
      ...sdkBase,
      MerchantUserId: 'u1',
      IdOcrPictureUrl: 'https://example.com/path/img a*b(1)~!.jpg?x=1&y=2',
    },
  },
  {
    name: 'picture as file bytes (sent inline as IdOcrPictureBase64) with STS credentials',
    request: { ...base, merchantUserId: 'u2', idOcrPictureFile: new Uint8Array(PICTURE) },
    sdkParameters: { ...sdkBase, MerchantUserId: 'u2', IdOcrPictureBase64: PICTURE_BASE64 },
    securityToken: 'CAIS-fake-sts-token+/=',
  },
];

// Headers whose values legitimately differ between two calls, or between two HTTP client libraries.
const VOLATILE = new Set(['x-acs-date', 'x-acs-signature-nonce', 'authorization', 'user-agent', 'connection']);
// The SDK streams its body chunked; this client sends a Content-Length. Both are valid HTTP/1.1 framing.
const FRAMING = new Set(['content-length', 'transfer-encoding']);

function signedHeaderNames(recorded: RecordedRequest): string[] {
  const match = /SignedHeaders=([^,]+)/.exec(String(recorded.headers.authorization));
  return match?.[1]?.split(';') ?? [];
}

function stableHeaders(recorded: RecordedRequest): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(recorded.headers).filter(([name]) => !VOLATILE.has(name) && !FRAMING.has(name)),
  );
}

const sortedPairs = (raw: string) => parseRawQuery(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe.each(OFFICIAL_SDKS)('this client and %s send the same DocOcrV2 request', (sdk) => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer();
  });
  afterAll(() => server.close());

  it.each(CASES)('$name', async ({ request, sdkParameters, securityToken }) => {
    const credentials = {
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: ACCESS_KEY_SECRET,
      ...(securityToken ? { securityToken } : {}),
    };
    const first = server.requests.length;
    await callOfficialSdk(sdk, { endpoint: server.endpoint, ...credentials, parameters: sdkParameters });
    const ours = new AlibabaDocOcrClient({ credentials, endpoint: server.endpoint, protocol: 'http' });
    const answer = await ours.docOcrV2(request);
    expect(answer.Code).toBe('Success');

    const [theirs, mine] = server.requests.slice(first) as [RecordedRequest, RecordedRequest];
    expect(mine.method).toBe(theirs.method);
    expect(mine.path).toBe(theirs.path);
    // Same parameters in the query, same decoded values.
    expect(sortedPairs(mine.rawQuery)).toEqual(sortedPairs(theirs.rawQuery));
    expect(sortedPairs(mine.rawQuery).map(([name]) => name)).not.toContain('IdOcrPictureBase64');
    // Same form body, byte for byte.
    expect(mine.body.toString('utf8')).toBe(theirs.body.toString('utf8'));
    // Same signed header set, and the same values for every header that is not a date, nonce or framing.
    expect(signedHeaderNames(mine)).toEqual(signedHeaderNames(theirs));
    expect(stableHeaders(mine)).toEqual(stableHeaders(theirs));
    expect(mine.headers['x-acs-credentials-provider']).toBe(securityToken ? 'static_sts' : 'static_ak');
    expect(String(mine.headers['x-acs-date'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The gateway's verifier accepts both, each once.
    const nonceCache = new NonceCache();
    const tokens: unknown[] = [];
    for (const recorded of [theirs, mine]) {
      const verdict = verifyAcs3Request({
        method: recorded.method,
        path: recorded.path,
        rawQuery: recorded.rawQuery,
        headers: recorded.headers,
        body: recorded.body,
        lookupSecret: (id, context) => {
          tokens.push(context.securityToken);
          return id === ACCESS_KEY_ID ? ACCESS_KEY_SECRET : undefined;
        },
        nonceCache,
      });
      expect(verdict).toMatchObject({ ok: true, accessKeyId: ACCESS_KEY_ID });
      expect(verifyAcs3Request({ ...recordedInput(recorded), nonceCache })).toMatchObject({
        code: 'SignatureNonceUsed',
      });
    }
    expect(tokens).toEqual([securityToken, securityToken]);
  });
});

function recordedInput(recorded: RecordedRequest) {
  return {
    method: recorded.method,
    path: recorded.path,
    rawQuery: recorded.rawQuery,
    headers: recorded.headers,
    body: recorded.body,
    lookupSecret: () => ACCESS_KEY_SECRET,
  };
}

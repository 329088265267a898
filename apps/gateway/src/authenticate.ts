import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  NonceCache,
  SignatureError,
  parseAcsDate,
  parseRawQuery,
  percentEncode,
  verifyAcs3Request,
  type Acs3Headers,
} from '@dococr/core';

export interface SignedRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: Acs3Headers;
  body: Uint8Array;
}

export interface Authenticator {
  /**
   * Checks a signed request: ACS3-HMAC-SHA256 (the SDKs' default), or the older HMAC-SHA1 RPC signature when the
   * query carries `Signature` and there is no Authorization header. Returns the key id or throws SignatureError.
   */
  verifySignature(request: SignedRequest): string;
  /** The codec endpoint: an ACS3 signature as above, or `Authorization: Bearer <codec token>`. */
  verifyCodecCaller(request: SignedRequest): string;
}

export interface AuthenticatorOptions {
  accessKeys: Readonly<Record<string, string>>;
  maxClockSkewMs: number;
  now: () => number;
}

const CODEC_TOKEN_CONTEXT = 'dococr-codec-v1';

/**
 * The bearer token that opens the codec endpoint for one access key: `<AccessKeyId>.<hex HMAC-SHA256(secret,
 * "dococr-codec-v1")>`. A browser (the Temporal Web UI) or `temporal --codec-auth` cannot sign each request, so they
 * send this fixed token; it is derived from the secret, so the secret itself never travels and the token cannot sign
 * API calls.
 *
 * @example deriveCodecToken('LTAI5tKey1', 'secret1') // 'LTAI5tKey1.3f…'
 */
export function deriveCodecToken(accessKeyId: string, accessKeySecret: string): string {
  return `${accessKeyId}.${createHmac('sha256', accessKeySecret).update(CODEC_TOKEN_CONTEXT).digest('hex')}`;
}

function formPairs(request: SignedRequest): Array<[string, string]> {
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  if (request.body.length === 0 || !contentType.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return [];
  return [...new URLSearchParams(Buffer.from(request.body).toString('utf8'))];
}

function headerValue(headers: Acs3Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const secrets = new Map(Object.entries(options.accessKeys));
  // Nonces are kept per key for the whole clock-skew window, after which the date check refuses a replay anyway.
  const nonceCache = new NonceCache({ ttlMs: options.maxClockSkewMs });

  const verifySignature = (request: SignedRequest): string => {
    const verdict = verifyAcs3Request({
      ...request,
      lookupSecret: (id) => secrets.get(id),
      now: options.now(),
      nonceCache,
      maxSkewMs: options.maxClockSkewMs,
    });
    if (!verdict.ok) throw new SignatureError(verdict.code, verdict.message);
    return verdict.accessKeyId;
  };

  /**
   * Signature V1 of the RPC style (`SignatureMethod=HMAC-SHA1`, what SDKs send with `signatureAlgorithm: 'v2'`):
   * every query and form parameter but `Signature`, sorted and percent-encoded, signed as
   * `METHOD&%2F&<encoded canonical string>` with HMAC-SHA1 keyed `secret&`, base64.
   */
  const verifyRpcSignature = (request: SignedRequest, query: Map<string, string>): string => {
    const fail = (code: ConstructorParameters<typeof SignatureError>[0], message: string): never => {
      throw new SignatureError(code, message);
    };
    const accessKeyId = query.get('AccessKeyId') ?? '';
    const timestamp = query.get('Timestamp') ?? '';
    const nonce = query.get('SignatureNonce') ?? '';
    const given = query.get('Signature') ?? '';
    if (query.get('SignatureMethod') !== 'HMAC-SHA1') fail('IncompleteSignature', 'SignatureMethod must be HMAC-SHA1');
    if (accessKeyId === '' || nonce === '') fail('IncompleteSignature', 'AccessKeyId and SignatureNonce are required');
    const requestTime = parseAcsDate(timestamp);
    if (requestTime === undefined) return fail('IncompleteSignature', 'Timestamp is not YYYY-MM-DDTHH:mm:ssZ');
    const now = options.now();
    if (Math.abs(now - requestTime) > options.maxClockSkewMs) {
      fail(
        'InvalidTimeStamp.Expired',
        `Timestamp ${timestamp} is more than ${options.maxClockSkewMs / 60000} minutes off`,
      );
    }
    const secret = secrets.get(accessKeyId);
    if (secret === undefined) return fail('InvalidAccessKeyId.NotFound', 'the access key id is not known');
    const pairs = [...query, ...formPairs(request)].filter(([name]) => name !== 'Signature');
    pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const canonical = pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    const stringToSign = `${request.method}&${percentEncode('/')}&${percentEncode(canonical)}`;
    const expected = Buffer.from(createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64'));
    const givenBytes = Buffer.from(given);
    if (expected.length !== givenBytes.length || !timingSafeEqual(expected, givenBytes)) {
      fail('SignatureDoesNotMatch', 'the signature does not match the request');
    }
    if (!nonceCache.checkAndRemember(`${accessKeyId}\n${nonce}`, now, requestTime)) {
      fail('SignatureNonceUsed', 'SignatureNonce was already used');
    }
    return accessKeyId;
  };

  const verifyAnySignature = (request: SignedRequest): string => {
    if (headerValue(request.headers, 'authorization') === undefined) {
      const query = new Map<string, string>();
      for (const [name, value] of parseRawQuery(request.rawQuery)) if (!query.has(name)) query.set(name, value);
      if (query.has('Signature')) return verifyRpcSignature(request, query);
    }
    return verifySignature(request);
  };

  const verifyBearer = (token: string): string => {
    const dot = token.lastIndexOf('.');
    const id = dot > 0 ? token.slice(0, dot) : '';
    const secret = secrets.get(id);
    if (secret === undefined) throw new SignatureError('InvalidAccessKeyId.NotFound', 'the access key id is not known');
    const expected = Buffer.from(deriveCodecToken(id, secret));
    const given = Buffer.from(token);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new SignatureError('SignatureDoesNotMatch', 'the codec token does not match');
    }
    return id;
  };

  return {
    verifySignature: verifyAnySignature,
    verifyCodecCaller(request) {
      const authorization = headerValue(request.headers, 'authorization') ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
      return bearer?.[1] ? verifyBearer(bearer[1]) : verifySignature(request);
    },
  };
}

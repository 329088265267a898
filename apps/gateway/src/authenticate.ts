import { createHmac, timingSafeEqual } from 'node:crypto';
import { NonceCache, SignatureError, verifyAcs3Request, type Acs3Headers } from '@dococr/core';

export interface SignedRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: Acs3Headers;
  body: Uint8Array;
}

export interface Authenticator {
  /** Checks an ACS3-HMAC-SHA256 signed request; resolves the key id or throws SignatureError with the API's code. */
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
    verifySignature,
    verifyCodecCaller(request) {
      const authorization = headerValue(request.headers, 'authorization') ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
      return bearer?.[1] ? verifyBearer(bearer[1]) : verifySignature(request);
    },
  };
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Alibaba Cloud signature V3 (ACS3-HMAC-SHA256), the default of the official SDKs, as pure functions:
 * the client signs with {@link signAcs3}, the gateway checks with {@link verifyAcs3Request}.
 */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** Query parameters by name. A list value stands for a repeated name (the SDK never sends one). */
export type Acs3Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Header values as Node's `IncomingHttpHeaders` or a plain record hold them; names in any case. */
export type Acs3Headers = Readonly<Record<string, string | readonly string[] | number | undefined>>;

const RESERVED_IN_URI_COMPONENT = /[!'()*]/g;

/**
 * RFC 3986 percent-encoding of the UTF-8 bytes: only `A-Za-z0-9-_.~` stay as they are, space becomes `%20`.
 *
 * @example percentEncode("img a*b(1)~!.jpg") === 'img%20a%2Ab%281%29~%21.jpg'
 */
export function percentEncode(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A lone surrogate makes encodeURIComponent throw; encode what UTF-8 makes of it instead.
    encoded = encodeBytes(Buffer.from(value, 'utf8'));
  }
  return encoded.replace(RESERVED_IN_URI_COMPONENT, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * Decodes `%XX` escapes to UTF-8 text. `+` stays a literal plus (the SDK encodes a space as `%20`), and a `%`
 * not followed by two hex digits is kept as it is.
 */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  // Each run of escapes is decoded as a whole so multi-byte UTF-8 characters come out intact; a form body can be
  // megabytes long, so this stays on native string and Buffer operations.
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

function queryPairs(query: Acs3Query): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string') pairs.push([name, value]);
    else for (const v of value) pairs.push([name, v]);
  }
  return pairs;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical query string: parameters sorted by name (then value), names and values percent-encoded, `&`-joined.
 * Takes decoded values, as the SDK holds them before it builds the URL.
 */
export function canonicalQuery(query: Acs3Query | ReadonlyArray<readonly [string, string]>): string {
  const pairs = Array.isArray(query) ? [...(query as Array<[string, string]>)] : queryPairs(query as Acs3Query);
  pairs.sort(([an, av], [bn, bv]) => compareCodeUnits(an, bn) || compareCodeUnits(av, bv));
  return pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
}

/** Splits a raw query string (no leading `?`) into decoded pairs, the way a verifier must read the wire. */
export function parseRawQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([percentDecode(name), percentDecode(value)]);
  }
  return pairs;
}

/** Lower-cased names and trimmed values; repeated values are sorted and joined with `,` as the SDK does. */
export function normalizeHeaders(headers: Acs3Headers): Map<string, string> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const values = Array.isArray(value) ? value.map((v: string) => v.trim()) : [String(value).trim()];
    grouped.set(key, [...(grouped.get(key) ?? []), ...values]);
  }
  return new Map([...grouped].map(([k, v]) => [k, v.length === 1 ? (v[0] ?? '') : [...v].sort().join(',')]));
}

/** The headers a V3 signer covers: `host`, `content-type` and every `x-acs-*`, sorted. */
export function defaultSignedHeaders(headers: Acs3Headers): string[] {
  return [...normalizeHeaders(headers).keys()]
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort(compareCodeUnits);
}

export interface CanonicalRequestInput {
  method: string;
  /** The path as sent, without the query; `/` for RPC calls. */
  path: string;
  query: Acs3Query | ReadonlyArray<readonly [string, string]>;
  headers: Acs3Headers;
  /** Lower-case names to sign; defaults to {@link defaultSignedHeaders}. */
  signedHeaders?: readonly string[];
  /** Hex SHA-256 of the raw body. */
  hashedPayload: string;
}

/** The six `\n`-joined parts: method, path, canonical query, canonical headers, signed header names, payload hash. */
export function canonicalRequest(input: CanonicalRequestInput): { canonicalRequest: string; signedHeaders: string[] } {
  const normalized = normalizeHeaders(input.headers);
  const signedHeaders = input.signedHeaders ? [...input.signedHeaders] : defaultSignedHeaders(input.headers);
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${normalized.get(name) ?? ''}\n`).join('');
  const parts = [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery(input.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    input.hashedPayload,
  ];
  return { canonicalRequest: parts.join('\n'), signedHeaders };
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface SignAcs3Input {
  method: string;
  path: string;
  /** Decoded query parameters (the values, not their URL form). */
  query: Acs3Query;
  /** Every header that will be sent; `host`, `content-type` and all `x-acs-*` are signed. */
  headers: Acs3Headers;
  body: Uint8Array | string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface Acs3Signature {
  /** The value of the `Authorization` header. */
  authorization: string;
  signature: string;
  signedHeaders: string[];
  /** Hex SHA-256 of the body; the value `x-acs-content-sha256` must carry. */
  hashedPayload: string;
  canonicalRequest: string;
  hashedCanonicalRequest: string;
  stringToSign: string;
}

/**
 * Signs a request with ACS3-HMAC-SHA256. The caller must already have put `x-acs-content-sha256`
 * (= `sha256Hex(body)`), `x-acs-date` and `x-acs-signature-nonce` into `headers`, as the SDK does before signing.
 */
export function signAcs3(input: SignAcs3Input): Acs3Signature {
  const hashedPayload = sha256Hex(input.body);
  const { canonicalRequest: canonical, signedHeaders } = canonicalRequest({
    method: input.method,
    path: input.path,
    query: input.query,
    headers: input.headers,
    hashedPayload,
  });
  const { signature, hashedCanonicalRequest, stringToSign } = signCanonicalRequest(canonical, input.accessKeySecret);
  return {
    authorization: `${ACS3_ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`,
    signature,
    signedHeaders,
    hashedPayload,
    canonicalRequest: canonical,
    hashedCanonicalRequest,
    stringToSign,
  };
}

function signCanonicalRequest(canonical: string, secret: string) {
  const hashedCanonicalRequest = sha256Hex(canonical);
  const stringToSign = `${ACS3_ALGORITHM}\n${hashedCanonicalRequest}`;
  const signature = createHmac('sha256', secret).update(stringToSign).digest('hex');
  return { signature, hashedCanonicalRequest, stringToSign };
}

/** `x-acs-date` format: UTC, seconds precision, `YYYY-MM-DDTHH:mm:ssZ`. */
export function formatAcsDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ACS_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses an `x-acs-date`; `undefined` for anything not in the exact format. */
export function parseAcsDate(value: string): number | undefined {
  const m = ACS_DATE.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface NonceCacheOptions {
  /** How long a nonce is remembered past its request's date. Default: 15 minutes (the timestamp window). */
  ttlMs?: number;
  /**
   * Most nonces held at once. Default 100 000. When full, the oldest is forgotten early, which reopens a replay
   * window for that one request: size this above the peak request rate times the window.
   */
  maxEntries?: number;
}

/**
 * Remembers recently used signature nonces so a captured request cannot be replayed inside the timestamp window.
 * Memory is bounded by `maxEntries`; entries expire once a replay would fail the timestamp check anyway.
 */
export class NonceCache {
  readonly ttlMs: number;
  readonly maxEntries: number;
  private readonly expiries = new Map<string, number>();

  constructor(options: NonceCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_MAX_SKEW_MS;
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!(this.ttlMs > 0) || !(this.maxEntries > 0))
      throw new RangeError('NonceCache: ttlMs and maxEntries must be > 0');
  }

  get size(): number {
    return this.expiries.size;
  }

  /**
   * Records `nonce` and says whether it was new. `requestTimeMs` (the request's `x-acs-date`) extends the memory
   * for requests dated in the future, which the timestamp check still accepts until that date plus the window.
   */
  checkAndRemember(nonce: string, nowMs: number, requestTimeMs: number = nowMs): boolean {
    this.evictExpired(nowMs);
    const expiry = this.expiries.get(nonce);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.expiries.delete(nonce);
    while (this.expiries.size >= this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (oldest.done) break;
      this.expiries.delete(oldest.value);
    }
    this.expiries.set(nonce, Math.max(nowMs, requestTimeMs) + this.ttlMs);
    return true;
  }

  private evictExpired(nowMs: number): void {
    // Insertion order is close to expiry order; a later-expiring entry in front only delays the sweep behind it.
    for (const [nonce, expiry] of this.expiries) {
      if (expiry > nowMs) break;
      this.expiries.delete(nonce);
    }
  }
}

export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

export const Acs3VerifyCode = {
  IncompleteSignature: 'IncompleteSignature',
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  InvalidAccessKeyIdNotFound: 'InvalidAccessKeyId.NotFound',
  InvalidTimeStampExpired: 'InvalidTimeStamp.Expired',
  SignatureNonceUsed: 'SignatureNonceUsed',
} as const;
export type Acs3VerifyCode = (typeof Acs3VerifyCode)[keyof typeof Acs3VerifyCode];

export interface VerifyAcs3Input {
  method: string;
  /** The request path as received, without the query. */
  path: string;
  /** The query exactly as received (what follows `?`); preferred over `query` when both are given. */
  rawQuery?: string;
  /** Already decoded parameters, when the raw query is not at hand. */
  query?: Acs3Query;
  headers: Acs3Headers;
  /** The raw body bytes (after de-chunking, before any form parsing). */
  body: Uint8Array;
  /**
   * The secret for a key id, or `undefined` when the key is unknown. STS requests also pass the security token
   * they carry so the caller can check it.
   */
  lookupSecret(accessKeyId: string, context: { securityToken?: string }): string | undefined;
  /** Default: `Date.now()`. */
  now?: number | Date;
  /** Without one, nonces are not checked for reuse. */
  nonceCache?: NonceCache;
  /** Largest accepted distance between `x-acs-date` and now. Default 15 minutes. */
  maxSkewMs?: number;
}

export type VerifyAcs3Result =
  { ok: true; accessKeyId: string; signedHeaders: string[] } | { ok: false; code: Acs3VerifyCode; message: string };

const HEADERS_THAT_MUST_BE_SIGNED = ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string | undefined): ParsedAuthorization | string {
  if (!value) return 'the Authorization header is missing';
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ACS3_ALGORITHM) return `unsupported signature algorithm ${JSON.stringify(algorithm)}`;
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId) return 'Authorization has no Credential';
  if (!signedHeaders) return 'Authorization has no SignedHeaders';
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return 'Authorization has no valid Signature';
  return { accessKeyId, signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()), signature };
}

/**
 * Checks an incoming V3-signed request, in the order a gateway should reject: shape, timestamp, key, body hash,
 * signature, then nonce reuse (only once the signature holds, so unsigned traffic cannot fill the nonce cache).
 * It reads the request as the wire carries it: signed header names from the client, `host` with its port, and the
 * canonical query rebuilt from the percent-decoded parameters (the SDK leaves `*!'()` raw in the URL but signs them
 * encoded).
 */
export function verifyAcs3Request(input: VerifyAcs3Input): VerifyAcs3Result {
  const fail = (code: Acs3VerifyCode, message: string): VerifyAcs3Result => ({ ok: false, code, message });
  const headers = normalizeHeaders(input.headers);

  const auth = parseAuthorization(headers.get('authorization'));
  if (typeof auth === 'string') return fail('IncompleteSignature', auth);
  const signedSet = new Set(auth.signedHeaders);
  for (const name of HEADERS_THAT_MUST_BE_SIGNED) {
    if (!signedSet.has(name)) return fail('IncompleteSignature', `SignedHeaders must include ${name}`);
  }
  for (const name of headers.keys()) {
    if ((name.startsWith('x-acs-') || name === 'content-type') && !signedSet.has(name)) {
      return fail('IncompleteSignature', `header ${name} is sent but not signed`);
    }
  }
  for (const name of auth.signedHeaders) {
    if (!headers.has(name)) return fail('IncompleteSignature', `signed header ${name} is missing`);
  }

  const dateHeader = headers.get('x-acs-date') ?? '';
  const requestTime = parseAcsDate(dateHeader);
  if (requestTime === undefined) return fail('IncompleteSignature', 'x-acs-date is not YYYY-MM-DDTHH:mm:ssZ');
  const now = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now : input.now.getTime();
  const maxSkew = input.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now - requestTime) > maxSkew) {
    return fail('InvalidTimeStamp.Expired', `x-acs-date ${dateHeader} is more than ${maxSkew / 60000} minutes off`);
  }
  const nonce = headers.get('x-acs-signature-nonce') ?? '';
  if (nonce === '') return fail('IncompleteSignature', 'x-acs-signature-nonce is empty');

  const stsKeyId = headers.get('x-acs-accesskey-id');
  if (stsKeyId !== undefined && stsKeyId !== auth.accessKeyId) {
    return fail('IncompleteSignature', 'x-acs-accesskey-id differs from the Credential');
  }
  const securityToken = headers.get('x-acs-security-token');
  const secret = input.lookupSecret(auth.accessKeyId, securityToken === undefined ? {} : { securityToken });
  if (secret === undefined) return fail('InvalidAccessKeyId.NotFound', 'the access key id is not known');

  const hashedPayload = sha256Hex(input.body);
  if (headers.get('x-acs-content-sha256')?.toLowerCase() !== hashedPayload) {
    return fail('SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the body');
  }

  const query = input.rawQuery !== undefined ? parseRawQuery(input.rawQuery) : queryPairs(input.query ?? {});
  const { canonicalRequest: canonical } = canonicalRequest({
    method: input.method,
    path: input.path,
    query,
    headers: Object.fromEntries(headers),
    signedHeaders: auth.signedHeaders,
    hashedPayload,
  });
  const expected = Buffer.from(signCanonicalRequest(canonical, secret).signature, 'hex');
  const given = Buffer.from(auth.signature.toLowerCase(), 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return fail('SignatureDoesNotMatch', 'the signature does not match the request');
  }

  if (input.nonceCache && !input.nonceCache.checkAndRemember(`${auth.accessKeyId}\n${nonce}`, now, requestTime)) {
    return fail('SignatureNonceUsed', 'x-acs-signature-nonce was already used');
  }
  return { ok: true, accessKeyId: auth.accessKeyId, signedHeaders: auth.signedHeaders };
}

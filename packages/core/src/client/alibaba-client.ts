import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  DocOcrError,
  IMAGE_REQUIREMENTS,
  ImageTooLargeError,
  InvalidParameterError,
  InvalidResponseError,
  NETWORK_ERROR_CODE,
  NetworkError,
  docOcrErrorFromWire,
  docOcrV2ResponseSchema,
  isDocOcrError,
  toWireRequest,
  validateDocOcrV2Request,
  type DocOcrCallOptions,
  type DocOcrClient,
  type DocOcrV2Request,
  type DocOcrV2Response,
} from '../contract/index.js';
import { formatAcsDate, percentEncode, sha256Hex, signAcs3 } from './acs3-signature.js';
import { TransportError, nodeHttpTransport, type HttpTransport, type HttpTransportResponse } from './http-transport.js';

export const DOC_OCR_V2_ACTION = 'DocOcrV2';
export const DOC_OCR_V2_VERSION = '2022-08-09';
export const DEFAULT_ENDPOINT = 'cloudauth-intl.cn-hongkong.aliyuncs.com';
export const DEFAULT_VPC_ENDPOINT = 'cloudauth-intl-vpc.cn-hongkong.aliyuncs.com';

/** Parameters the SDK puts in the form body; every other parameter goes in the query. */
export const FORM_BODY_PARAMETERS: readonly string[] = ['IdOcrPictureBase64', 'IdOcrPictureFile'];

/** Codes this client raises itself, beside the API's own. */
export const ClientErrorCode = {
  /** No credentials were given and the environment has none. */
  InvalidCredentials: 'InvalidCredentials',
  /** The caller's AbortSignal fired; not retryable. */
  Aborted: 'Aborted',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export interface AlibabaCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** Set for STS credentials; sent as `x-acs-security-token`. */
  securityToken?: string;
  /**
   * Sent as `x-acs-credentials-provider`. Default: `static_sts` with a token, else `static_ak`, as the SDK's static
   * providers say; {@link credentialsFromEnv} sets `default/env`.
   */
  providerName?: string;
}

/** The variables the Alibaba credential chain reads first. */
export const CREDENTIAL_ENV = {
  accessKeyId: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  accessKeySecret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  securityToken: 'ALIBABA_CLOUD_SECURITY_TOKEN',
} as const;

/**
 * Credentials from an environment object (pass `process.env` from your config module).
 * @throws DocOcrError `InvalidCredentials` when the key id or secret is missing.
 */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): AlibabaCredentials {
  const accessKeyId = env[CREDENTIAL_ENV.accessKeyId];
  const accessKeySecret = env[CREDENTIAL_ENV.accessKeySecret];
  if (!accessKeyId || !accessKeySecret) {
    throw new DocOcrError(
      ClientErrorCode.InvalidCredentials,
      `${CREDENTIAL_ENV.accessKeyId} and ${CREDENTIAL_ENV.accessKeySecret} must both be set`,
      { httpStatus: 0 },
    );
  }
  const securityToken = env[CREDENTIAL_ENV.securityToken];
  return { accessKeyId, accessKeySecret, providerName: 'default/env', ...(securityToken ? { securityToken } : {}) };
}

/** Minimal structured logger (pino's shape); the client logs only call metadata, never parameters. */
export interface ClientLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface AlibabaDocOcrClientOptions {
  /** Static credentials. Either these or `env` is required. */
  credentials?: AlibabaCredentials;
  /** An environment object to read credentials from with {@link credentialsFromEnv}; used when `credentials` is absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * `host` or `host:port`, or a URL (`http://127.0.0.1:8080`) whose scheme then sets the protocol.
   * Default: {@link DEFAULT_ENDPOINT}, or {@link DEFAULT_VPC_ENDPOINT} with `vpc`.
   */
  endpoint?: string;
  /** Use the internal (VPC) endpoint when `endpoint` is not given. Default false. */
  vpc?: boolean;
  /** Default `https`. */
  protocol?: 'https' | 'http';
  /** Default 3000, as the SDK. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for or reading the answer. Default 10 000 (the SDK's 3000 is short for OCR). */
  readTimeoutMs?: number;
  /** Retries after the first attempt, for throttling, 5xx and network failures only. Default 2. */
  maxRetries?: number;
  /** First backoff ceiling; doubles per retry with full jitter. Default 200. */
  baseRetryDelayMs?: number;
  /**
   * Longest wait before a retry. A server's `x-acs-retry-after` above this is not waited for: the error is thrown
   * with its `retryAfterMs`, for a scheduler (Temporal) to honour. Default 20 000.
   */
  maxRetryDelayMs?: number;
  /** Default: {@link nodeHttpTransport}. {@link fetchTransport} adapts any `fetch`. */
  transport?: HttpTransport;
  /** Sent as `user-agent` (not signed). */
  userAgent?: string;
  logger?: ClientLogger;
  /** Test seams. */
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A fully built request, before the transport sends it. */
export interface SignedDocOcrRequest {
  url: URL;
  method: 'POST';
  headers: Record<string, string>;
  body: Uint8Array;
  /** Decoded query parameters, as signed. */
  query: Record<string, string>;
  /** Decoded form body parameters. */
  form: Record<string, string>;
}

/**
 * A request or its wire parameters with the picture replaced by its length, for logs. Accepts the camelCase
 * {@link DocOcrV2Request}, its wire form, or a {@link SignedDocOcrRequest} (whose body is then dropped).
 */
export function redactRequestForLog(request: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (/^(I|i)dOcrPictureBase64$/.test(key) && typeof value === 'string') {
      out[key] = `<redacted ${value.length} chars>`;
    } else if (/^(I|i)dOcrPictureFile$/.test(key) && value instanceof Uint8Array) {
      out[key] = `<redacted ${value.byteLength} bytes>`;
    } else if (key === 'body' && value instanceof Uint8Array) {
      out[key] = `<redacted ${value.byteLength} bytes>`;
    } else if ((key === 'query' || key === 'form') && typeof value === 'object' && value !== null) {
      out[key] = redactRequestForLog(value);
    } else if (key === 'headers' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, v]) => [
          name,
          /^(authorization|x-acs-security-token)$/i.test(name) ? '<redacted>' : v,
        ]),
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** What the server said, kept on a thrown error as its `cause` so no field of the answer is lost. */
export class AlibabaErrorResponse {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    /** The parsed body with every field the server sent, or the raw text when it is not JSON or XML. */
    readonly body: Record<string, unknown> | string,
  ) {}
}

/** The server's answer behind an error thrown by {@link AlibabaDocOcrClient}, when there was one. */
export function errorResponseOf(error: unknown): AlibabaErrorResponse | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof AlibabaErrorResponse ? cause : undefined;
}

interface ResolvedEndpoint {
  origin: string;
  host: string;
}

function resolveEndpoint(options: AlibabaDocOcrClientOptions): ResolvedEndpoint {
  const given = options.endpoint ?? (options.vpc ? DEFAULT_VPC_ENDPOINT : DEFAULT_ENDPOINT);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `${options.protocol ?? 'https'}://${given}`;
  if (!URL.canParse(withScheme)) throw new TypeError(`endpoint ${JSON.stringify(given)} is not a host[:port] or URL`);
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('endpoint must use http or https');
  return { origin: `${url.protocol}//${url.host}`, host: url.host };
}

function parseXmlError(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [, name, value] of text.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) {
    if (name !== undefined && value !== undefined) out[name] = value;
  }
  return out;
}

function parseBody(response: HttpTransportResponse): Record<string, unknown> | string {
  const text = Buffer.from(response.body).toString('utf8');
  // The SDK reads XML only for exactly this content type.
  if (response.headers['content-type'] === 'text/xml;charset=utf-8') return parseXmlError(text);
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : text;
  } catch {
    return text;
  }
}

function retryAfterMs(headers: Readonly<Record<string, string>>): number | undefined {
  // Alibaba's header is in milliseconds (the SDK hands it to its backoff as such); Retry-After is in seconds.
  const acs = Number.parseInt(headers['x-acs-retry-after'] ?? '', 10);
  if (Number.isFinite(acs) && acs >= 0) return acs;
  const standard = Number.parseInt(headers['retry-after'] ?? '', 10);
  return Number.isFinite(standard) && standard >= 0 ? standard * 1000 : undefined;
}

function abortError(signal: AbortSignal): DocOcrError {
  return new DocOcrError(ClientErrorCode.Aborted, 'the DocOcrV2 call was aborted', {
    httpStatus: 0,
    cause: signal.reason,
  });
}

/**
 * Narrower than `error.retryable`: the same call is sent again only for throttling, 5xx and no answer at all. Other
 * 4xx answers (DownloadTimeout included) describe this request, and a 2xx that did not parse was already billed.
 */
function worthRetrying(error: DocOcrError): boolean {
  return error.code.includes('Throttling') || error.httpStatus >= 500 || error.code === NETWORK_ERROR_CODE;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The signed DocOcrV2 client for Alibaba Cloud (or anything speaking its wire protocol, such as this project's
 * gateway). It sends what the official SDK sends: RPC-style `POST /`, the picture in the form body and every other
 * parameter in the query, signed with ACS3-HMAC-SHA256.
 *
 * @example
 * const client = new AlibabaDocOcrClient({ credentials: credentialsFromEnv(config.env) });
 * const answer = await client.docOcrV2(request, { signal });
 * if (answer.Result.Passed === 'N') ... // an answer, not an error: read SubCode
 */
export class AlibabaDocOcrClient implements DocOcrClient {
  private readonly credentials: AlibabaCredentials;
  private readonly endpoint: ResolvedEndpoint;
  private readonly transport: HttpTransport;
  private readonly connectTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly userAgent: string;
  private readonly logger: ClientLogger | undefined;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: AlibabaDocOcrClientOptions) {
    if (options.credentials) {
      if (!options.credentials.accessKeyId || !options.credentials.accessKeySecret) {
        throw new DocOcrError(ClientErrorCode.InvalidCredentials, 'accessKeyId and accessKeySecret are required', {
          httpStatus: 0,
        });
      }
      this.credentials = options.credentials;
    } else if (options.env) {
      this.credentials = credentialsFromEnv(options.env);
    } else {
      throw new DocOcrError(ClientErrorCode.InvalidCredentials, 'pass credentials or an env object to read them from', {
        httpStatus: 0,
      });
    }
    this.endpoint = resolveEndpoint(options);
    this.transport = options.transport ?? nodeHttpTransport;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.baseRetryDelayMs = options.baseRetryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 20_000;
    this.userAgent =
      options.userAgent ?? `dococr-core (${process.platform}; ${process.arch}) Node.js/${process.version}`;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Calls DocOcrV2. Resolves with the answer whenever the API answers HTTP 2xx, `Passed: 'N'` included.
   * @throws DocOcrError always: the API's error (with its RequestId and Code), a validation error before sending,
   *   `NetworkError` when no answer came, or `Aborted`.
   */
  async docOcrV2(request: DocOcrV2Request, options: DocOcrCallOptions = {}): Promise<DocOcrV2Response> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const params = await this.wireParameters(request);
    let retryDelayMs = 0;
    for (let attempt = 0; ; attempt++) {
      const signed = this.buildSignedRequest(
        params,
        attempt > 0 ? { attempts: attempt, delayMs: retryDelayMs } : undefined,
      );
      let error: DocOcrError;
      try {
        return await this.send(signed, signal);
      } catch (caught) {
        error = isDocOcrError(caught)
          ? caught
          : new NetworkError('the DocOcrV2 call failed unexpectedly', { cause: caught });
      }
      if (!worthRetrying(error) || attempt >= this.maxRetries) throw error;
      const backoff = this.random() * Math.min(this.maxRetryDelayMs, this.baseRetryDelayMs * 2 ** attempt);
      retryDelayMs = Math.round(error.retryAfterMs ?? backoff);
      if (retryDelayMs > this.maxRetryDelayMs) throw error;
      this.logger?.warn(
        { action: DOC_OCR_V2_ACTION, attempt: attempt + 1, code: error.code, requestId: error.requestId, retryDelayMs },
        'DocOcrV2 attempt failed; retrying',
      );
      await this.sleep(retryDelayMs, signal);
    }
  }

  /**
   * The request exactly as it will be sent, freshly dated and signed; for inspection and tests.
   * `retry` adds the SDK's `x-acs-retry-attempts`/`x-acs-retry-delay` headers.
   */
  buildSignedRequest(
    params: Readonly<Record<string, string>>,
    retry?: { attempts: number; delayMs: number },
  ): SignedDocOcrRequest {
    const query: Record<string, string> = {};
    const form: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      (FORM_BODY_PARAMETERS.includes(name) ? form : query)[name] = value;
    }
    // The SDK always sends the (possibly empty) form for formData operations, so content-type is always signed.
    const body = Buffer.from(
      Object.entries(form)
        .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
        .join('&'),
      'utf8',
    );
    const { accessKeyId, accessKeySecret, securityToken } = this.credentials;
    const headers: Record<string, string> = {
      host: this.endpoint.host,
      'x-acs-version': DOC_OCR_V2_VERSION,
      'x-acs-action': DOC_OCR_V2_ACTION,
      'user-agent': this.userAgent,
      'x-acs-date': formatAcsDate(this.now()),
      'x-acs-signature-nonce': randomBytes(32).toString('hex'),
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-content-sha256': sha256Hex(body),
      'x-acs-credentials-provider': this.credentials.providerName ?? (securityToken ? 'static_sts' : 'static_ak'),
    };
    if (retry) {
      headers['x-acs-retry-attempts'] = String(retry.attempts);
      headers['x-acs-retry-delay'] = String(retry.delayMs);
    }
    if (securityToken) {
      headers['x-acs-accesskey-id'] = accessKeyId;
      headers['x-acs-security-token'] = securityToken;
    }
    const signature = signAcs3({ method: 'POST', path: '/', query, headers, body, accessKeyId, accessKeySecret });
    headers.authorization = signature.authorization;
    headers['content-length'] = String(body.byteLength);
    const search = Object.entries(query)
      .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
      .join('&');
    const url = new URL(`${this.endpoint.origin}/${search ? `?${search}` : ''}`);
    return { url, method: 'POST', headers, body, query, form };
  }

  /**
   * The wire parameters for a request: validated, with IdOcrPictureFile turned into IdOcrPictureBase64.
   *
   * The official SDK's advance call uploads a file to OSS through a separate authorisation API and then sends its
   * URL; that needs the real cloud and a bucket. The API also takes the same picture inline, so a file that meets the
   * API's limits (at most {@link IMAGE_REQUIREMENTS}.maxBytes, whose base64 stays under the 10 MB transfer limit) is
   * sent as IdOcrPictureBase64 in the form body instead; a larger one fails here with ToolargeImage.
   */
  async wireParameters(request: DocOcrV2Request): Promise<Record<string, string>> {
    const valid = validateDocOcrV2Request(request);
    const picture = valid.idOcrPictureFile;
    let base64 = valid.idOcrPictureBase64;
    if (picture !== undefined) {
      const bytes = typeof picture === 'string' ? await readPicture(picture) : picture;
      if (bytes.byteLength > IMAGE_REQUIREMENTS.maxBytes) {
        throw new ImageTooLargeError(
          `IdOcrPictureFile is ${bytes.byteLength} bytes; at most ${IMAGE_REQUIREMENTS.maxBytes} can be sent inline ` +
            '(the OSS upload of the SDK advance call is not supported)',
        );
      }
      base64 = Buffer.from(bytes).toString('base64');
      if (base64.length > IMAGE_REQUIREMENTS.maxBase64Chars) {
        throw new ImageTooLargeError(
          `IdOcrPictureFile as base64 exceeds ${IMAGE_REQUIREMENTS.maxBase64Chars} characters`,
        );
      }
    }
    const wire = toWireRequest({ ...valid, idOcrPictureFile: undefined, idOcrPictureBase64: base64 });
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(wire)) {
      if (typeof value === 'string') params[name] = value;
    }
    return params;
  }

  private async send(signed: SignedDocOcrRequest, signal: AbortSignal | undefined): Promise<DocOcrV2Response> {
    let response: HttpTransportResponse;
    try {
      response = await this.transport({
        url: signed.url,
        method: signed.method,
        headers: signed.headers,
        body: signed.body,
        connectTimeoutMs: this.connectTimeoutMs,
        readTimeoutMs: this.readTimeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw abortError(signal);
      if (cause instanceof TransportError && cause.failure === 'aborted') {
        throw new DocOcrError(ClientErrorCode.Aborted, cause.message, { httpStatus: 0, cause });
      }
      throw new NetworkError(`DocOcrV2 got no answer: ${(cause as Error).message}`, { cause });
    }
    const body = parseBody(response);
    const errorExtra = (): { retryAfterMs?: number; cause: AlibabaErrorResponse } => {
      const after = retryAfterMs(response.headers);
      return {
        cause: new AlibabaErrorResponse(response.status, response.headers, body),
        ...(after === undefined ? {} : { retryAfterMs: after }),
      };
    };
    if (response.status < 200 || response.status >= 300) {
      throw docOcrErrorFromWire(response.status, body, errorExtra());
    }
    const parsed = docOcrV2ResponseSchema.safeParse(body);
    if (parsed.success) {
      this.logger?.debug(
        { action: DOC_OCR_V2_ACTION, status: response.status, requestId: parsed.data.RequestId },
        'DocOcrV2 answered',
      );
      return parsed.data as DocOcrV2Response;
    }
    // Some gateways answer 200 with an error body; keep its code rather than calling it malformed.
    if (
      typeof body === 'object' &&
      typeof body.Code === 'string' &&
      body.Code !== 'Success' &&
      body.Result === undefined
    ) {
      throw docOcrErrorFromWire(response.status, body, errorExtra());
    }
    // Keeping the 2xx status makes it non-retryable: the call went through (and was billed); sending it again would not
    // change what the service answers.
    throw new InvalidResponseError(`DocOcrV2 answered HTTP ${response.status} with an unexpected body`, {
      httpStatus: response.status,
      ...(typeof body === 'object' && typeof body.RequestId === 'string' ? { requestId: body.RequestId } : {}),
      cause: new AlibabaErrorResponse(response.status, response.headers, body),
    });
  }
}

async function readPicture(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    // The path is not echoed: file names of ID pictures often carry the holder's name.
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InvalidParameterError('IdOcrPictureFile', `the file cannot be read (${code})`, { cause });
  }
}

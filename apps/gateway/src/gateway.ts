import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_HOST_ID,
  DocOcrError,
  IMAGE_REQUIREMENTS,
  ImageTooLargeError,
  InternalServiceError,
  InvalidParameterError,
  MissingParameterError,
  ServiceUnavailableError,
  ResponseTooLargeError,
  ThrottlingError,
  WIRE_PARAMETER_NAMES,
  assertImageSize,
  decodeIdOcrPictureBase64,
  isDocOcrError,
  parseDocOcrV2Request,
  parseRawQuery,
  safeFetch,
  type DocOcrV2Request,
  type SafeFetchLookup,
} from '@dococr/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createAuthenticator, type SignedRequest } from './authenticate.js';
import { runCodec, type PayloadCodec } from './codec-endpoint.js';
import { ConcurrencyGate } from './concurrency-gate.js';
import type { GatewayConfig } from './config.js';
import type { GatewayImage, RunDocOcr } from './run-doc-ocr.js';
import { TokenBucketLimiter } from './token-bucket.js';

export const DOC_OCR_ACTION = 'DocOcrV2';
export const DOC_OCR_VERSION = '2022-08-09';

export interface CreateGatewayOptions {
  config: GatewayConfig;
  /** Runs a validated request (normally the Temporal docOcr workflow, see `temporalRunDocOcr`). */
  runDocOcr: RunDocOcr;
  /** Access logs and failures go here; never parameters, images or secrets. */
  logger: Logger;
  /** Readiness for `GET /readyz`, e.g. whether Temporal answers. Default: always ready. */
  ready?: () => boolean | Promise<boolean>;
  /** Serves `POST /codec/encode` and `/codec/decode` for the Temporal Web UI and CLI. Default: not mounted. */
  codec?: PayloadCodec;
  /** Clock for the signature date check and the rate limiter. Default `Date.now`. */
  now?: () => number;
  /** Name resolution for IdOcrPictureUrl downloads. Default: the system resolver. */
  lookup?: SafeFetchLookup;
}

/** What the access log reports about a request beyond what Fastify knows. */
interface CallState {
  accessKeyId?: string;
  code?: string;
}

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
const PARAMETER_NAMES: readonly string[] = Object.values(WIRE_PARAMETER_NAMES);

function splitUrl(rawUrl: string): { path: string; rawQuery: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, rawQuery: '' } : { path: rawUrl.slice(0, q), rawQuery: rawUrl.slice(q + 1) };
}

function isFormBody(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Query parameters, then form-body parameters (which win: the SDK sends the picture in the body). */
function collectParameters(rawQuery: string, request: FastifyRequest, body: Buffer): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [name, value] of parseRawQuery(rawQuery)) if (!parameters.has(name)) parameters.set(name, value);
  if (body.length > 0 && isFormBody(request)) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) parameters.set(name, value);
  }
  return parameters;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The first parameter whose name or value is not valid UTF-8 once percent-decoded (or, in a form body, as raw
 * bytes). The lenient decoders would turn such bytes into U+FFFD, so two different MerchantUserIds could become
 * the same one; and the signature could never match, since the verifier signs what it decoded.
 */
function invalidUtf8Parameter(rawQuery: string, request: FastifyRequest, body: Buffer): string | undefined {
  const parts = rawQuery.split('&');
  if (body.length > 0 && isFormBody(request)) {
    if (!isUtf8(body)) return 'Request';
    parts.push(...body.toString('utf8').split('&'));
  }
  for (const part of parts) {
    // Escapes below %80 are ASCII: a megabytes-long base64 picture is passed over by this test alone.
    if (!/%[89A-Fa-f]/.test(part)) continue;
    const name = part.split('=', 1)[0] ?? '';
    for (const run of part.match(/(?:%[0-9A-Fa-f]{2})+/g) ?? []) {
      try {
        STRICT_UTF8.decode(Buffer.from(run.replace(/%/g, ''), 'hex'));
      } catch {
        const decodedName = parseRawQuery(name)[0]?.[0] ?? '';
        return PARAMETER_NAMES.includes(decodedName) ? decodedName : 'Request';
      }
    }
  }
  return undefined;
}

function asBuffer(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/** Maps anything thrown while answering to the API error it stands for. */
function toDocOcrError(error: unknown, bodyLimitBytes: number): DocOcrError {
  if (isDocOcrError(error)) return error;
  const fastifyError = error as { code?: string; statusCode?: number };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ImageTooLargeError(`The request body exceeds the ${bodyLimitBytes}-byte transfer limit.`, {
      httpStatus: 413,
    });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new InvalidParameterError('Request', 'the HTTP request is malformed.', { httpStatus: 400 });
  }
  return new InternalServiceError(undefined, { cause: error });
}

/**
 * Builds the gateway: the DocOcrV2 API on `POST /` (and `GET /`) exactly as the official Alibaba Cloud SDKs call it,
 * plus `GET /healthz`, `GET /readyz` and, with a codec, the codec endpoint. Not listening yet: call `listen`.
 *
 * Order of checks for the API, cheapest refusal first: action and version, signature (date, key, body hash,
 * signature, nonce), the key's rate, the parameters, then a place under the concurrency cap, the picture, the run.
 */
export function createGateway(options: CreateGatewayOptions): FastifyInstance {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const hostId = config.hostId ?? DEFAULT_HOST_ID;
  const auth = createAuthenticator({ accessKeys: config.accessKeys, maxClockSkewMs: config.maxClockSkewMs, now });
  const limiter = new TokenBucketLimiter({ ratePerSecond: config.rateLimit.qps, burst: config.rateLimit.burst });
  const gate = new ConcurrencyGate(config.concurrency);
  const calls = new WeakMap<FastifyRequest, CallState>();
  const stateOf = (request: FastifyRequest): CallState => {
    let state = calls.get(request);
    if (!state) calls.set(request, (state = {}));
    return state;
  };

  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => randomUUID().toUpperCase(),
    // No logger for Fastify itself: its request lines would carry the query (MerchantUserId, URLs); ours is below.
    logger: false,
    forceCloseConnections: true,
    // A client gets this long to send its whole request (10 MB included); slower ones are cut off.
    requestTimeout: 120_000,
  });

  // Bodies stay raw: the signature covers the exact bytes, and the form is parsed only after it is checked.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const signedRequest = (request: FastifyRequest): SignedRequest => {
    const { path, rawQuery } = splitUrl(request.raw.url ?? '/');
    return { method: request.method, path, rawQuery, headers: request.headers, body: asBuffer(request.body) };
  };

  const sendError = (request: FastifyRequest, reply: FastifyReply, error: DocOcrError): FastifyReply => {
    stateOf(request).code = error.code;
    if (error.retryAfterMs !== undefined) reply.header('x-acs-retry-after', String(error.retryAfterMs));
    return reply
      .code(error.httpStatus)
      .header('content-type', JSON_CONTENT_TYPE)
      .header('x-acs-request-id', request.id)
      .send(JSON.stringify({ ...error.toWireBody(request.id), HostId: error.hostId ?? hostId }));
  };

  app.setErrorHandler((error, request, reply) => {
    const docOcrError = toDocOcrError(error, config.bodyLimitBytes);
    if (docOcrError.httpStatus >= 500 && !isDocOcrError(error)) {
      // Unexpected failures only; the name and message of our own code's errors, never the request.
      const e = error as Error;
      logger.error({ requestId: request.id, err: { name: e.name, message: e.message, stack: e.stack } }, 'failed');
    }
    return sendError(request, reply, docOcrError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new DocOcrError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', {
        httpStatus: 404,
      }),
    ),
  );

  // Bodies are read before the gate is reached, so the gate alone would not bound memory: API calls beyond what the
  // gate can run or queue are turned away before their body is read.
  const maxInFlight = config.concurrency.maxConcurrent + config.concurrency.maxQueued;
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.url !== '/' && !request.url.startsWith('/?')) return;
    if (inFlight >= maxInFlight) throw new ServiceUnavailableError('The service is at capacity; retry later.');
    inFlight++;
    // 'close' comes after every response and after a client that went away, so the count cannot leak.
    reply.raw.once('close', () => inFlight--);
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = calls.get(request);
    const status = reply.statusCode;
    logger.info(
      {
        requestId: request.id,
        accessKeyId: state?.accessKeyId,
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status,
        code: state?.code ?? (status < 400 ? 'Success' : undefined),
        outcome: status < 400 ? 'ok' : status < 500 ? 'rejected' : 'failed',
        latencyMs: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const ready = await Promise.resolve(options.ready ? options.ready() : true).catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });

  const loadImage = async (request: DocOcrV2Request, signal: AbortSignal): Promise<GatewayImage> => {
    if (request.idOcrPictureUrl !== undefined) {
      try {
        const fetched = await safeFetch(request.idOcrPictureUrl, {
          maxBytes: IMAGE_REQUIREMENTS.maxBytes,
          maxRedirects: config.urlFetch.maxRedirects,
          connectTimeoutMs: config.urlFetch.connectTimeoutMs,
          totalTimeoutMs: config.urlFetch.totalTimeoutMs,
          allowHosts: config.urlFetch.allowHosts,
          allowCidrs: config.urlFetch.allowCidrs,
          signal,
          ...(options.lookup ? { lookup: options.lookup } : {}),
        });
        return {
          bytes: fetched.bytes,
          parameter: 'IdOcrPictureUrl',
          ...(fetched.contentType ? { contentType: fetched.contentType } : {}),
        };
      } catch (error) {
        // Same answer as for an oversized base64 picture.
        if (error instanceof ResponseTooLargeError) throw new ImageTooLargeError(undefined, { cause: error });
        throw error;
      }
    }
    if (request.idOcrPictureBase64 !== undefined) {
      const bytes = decodeIdOcrPictureBase64(request.idOcrPictureBase64);
      assertImageSize(bytes.length);
      return { bytes, parameter: 'IdOcrPictureBase64' };
    }
    throw new MissingParameterError(['IdOcrPictureBase64', 'IdOcrPictureUrl']);
  };

  const handleApi = async (request: FastifyRequest, reply: FastifyReply) => {
    const signed = signedRequest(request);
    const parameters = collectParameters(signed.rawQuery, request, asBuffer(request.body));
    const action = request.headers['x-acs-action'] ?? parameters.get('Action');
    const version = request.headers['x-acs-version'] ?? parameters.get('Version');
    if (action === undefined) throw new MissingParameterError('Action');
    if (action !== DOC_OCR_ACTION) {
      throw new DocOcrError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', {
        httpStatus: 404,
      });
    }
    if (version !== DOC_OCR_VERSION) {
      throw new DocOcrError('InvalidVersion', `Specified parameter Version is not valid; use ${DOC_OCR_VERSION}.`, {
        httpStatus: 400,
      });
    }

    // Before the signature: bytes that are not UTF-8 can never verify, and the caller should learn which parameter.
    const notUtf8 = invalidUtf8Parameter(signed.rawQuery, request, asBuffer(request.body));
    if (notUtf8 !== undefined) throw new InvalidParameterError(notUtf8, 'it is not valid UTF-8.');

    const accessKeyId = auth.verifySignature(signed);
    stateOf(request).accessKeyId = accessKeyId;

    const taken = limiter.take(accessKeyId, now());
    if (!taken.ok) throw new ThrottlingError(undefined, { retryAfterMs: taken.retryAfterMs });

    if (parameters.has('IdOcrPictureFile')) {
      // Over HTTP it could only be a path on this machine; the SDK's file upload goes through OSS and sends a URL.
      throw new InvalidParameterError('IdOcrPictureFile', 'not accepted over HTTP; send IdOcrPictureBase64 or a URL.');
    }
    const wire = Object.fromEntries([...parameters].filter(([name]) => PARAMETER_NAMES.includes(name)));
    const parsed = parseDocOcrV2Request(wire);

    const disconnected = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) disconnected.abort(new Error('the client closed the connection'));
    });
    const release = await gate.acquire(disconnected.signal);
    try {
      const image = await loadImage(parsed, disconnected.signal);
      const { idOcrPictureBase64: _b, idOcrPictureUrl: _u, ...rest } = parsed;
      const response = await options.runDocOcr(
        { ...rest, idOcrPictureFile: image.bytes },
        { requestId: request.id, accessKeyId, image, signal: disconnected.signal },
      );
      stateOf(request).code = response.Code;
      return reply
        .code(200)
        .header('content-type', JSON_CONTENT_TYPE)
        .header('x-acs-request-id', request.id)
        .send(JSON.stringify({ ...response, RequestId: request.id }));
    } finally {
      release();
    }
  };

  app.post('/', handleApi);
  app.get('/', handleApi);

  const codec = options.codec;
  if (codec) {
    const allowedOrigins = new Set(config.codecCorsOrigins);
    const cors = (request: FastifyRequest, reply: FastifyReply) => {
      const origin = request.headers.origin;
      if (origin !== undefined && allowedOrigins.has(origin)) {
        reply
          .header('access-control-allow-origin', origin)
          .header('access-control-allow-credentials', 'true')
          .header('vary', 'Origin');
      }
    };
    for (const operation of ['encode', 'decode'] as const) {
      const url = `/codec/${operation}`;
      // Browsers ask before the real call and send no credentials with the question.
      app.options(url, async (request, reply) => {
        cors(request, reply);
        return reply
          .code(204)
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
          .header('access-control-max-age', '600')
          .send();
      });
      app.post(url, async (request, reply) => {
        cors(request, reply);
        stateOf(request).accessKeyId = auth.verifyCodecCaller(signedRequest(request));
        const result = await runCodec(codec, operation, asBuffer(request.body));
        return reply.code(200).header('content-type', 'application/json').send(JSON.stringify(result));
      });
    }
  }

  return app;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isKeyDestroyedError } from '../crypto/crypto-errors.js';
import { encryptionKeyIdOf } from '../crypto/payload-codec.js';

export type CodecOperation = 'decode' | 'encode';

/** One authorised use of the endpoint, handed to `onAccess` before any payload is returned. */
export interface CodecAccess {
  operation: CodecOperation;
  /** The `X-Namespace` header the Web UI sends. */
  namespace: string | undefined;
  payloadCount: number;
  /** Key ids (`mk-…`, `app:<applicationId>`) of the encrypted payloads involved: which applications were read. */
  keyIds: string[];
  request: IncomingMessage;
}

export interface CodecHandlerOptions {
  codec: PayloadCodec;
  /**
   * Decides whether a request may use the codec; false gives 401. Not called for CORS preflights, which browsers send
   * without credentials.
   */
  authorize(request: IncomingMessage): boolean | Promise<boolean>;
  /** Browser origins allowed to call, e.g. the Temporal Web UI at `http://localhost:8233`. Default: none. */
  allowedOrigins?: readonly string[];
  /**
   * Path prefix before `/decode` and `/encode`. Default: any prefix is routed (and left to `authorize`, e.g. a
   * `pathTokenAuthorizer`); set it to answer 404 for every other path.
   */
  basePath?: string;
  /** Largest accepted request body. Default 4 MiB, Temporal's gRPC message limit. */
  maxBodyBytes?: number;
  /**
   * Records the access (who, when, which applications) before the response is sent; if it throws, the request fails
   * with 500 and nothing is returned, so no decryption goes unaudited.
   */
  onAccess?(access: CodecAccess): void | Promise<void>;
}

export type CodecRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A node:http handler for the Temporal Web UI's remote codec: `POST <basePath>/decode` and `POST <basePath>/encode`
 * with `{ "payloads": [{ "metadata": { key: base64 }, "data": base64 }] }`, answered in the same shape. Payloads whose
 * application key was destroyed decode to a `json/plain` marker `{ "dococr": "erased", … }` instead of failing the view.
 *
 * @example
 * const handler = createCodecHandler({ codec, authorize: bearerTokenAuthorizer(token), allowedOrigins: ['http://localhost:8233'] });
 * http.createServer(handler).listen(8234, '127.0.0.1');
 */
export function createCodecHandler(options: CodecHandlerOptions): CodecRequestHandler {
  const basePath = options.basePath?.replace(/\/+$/, '');
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;

  return async (request, response) => {
    const origin = request.headers.origin;
    const originAllowed = origin !== undefined && allowedOrigins.has(origin);
    if (originAllowed) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    response.setHeader('Vary', 'Origin');
    try {
      const path = new URL(request.url ?? '/', 'http://codec').pathname;
      const operation = /\/(decode|encode)$/.exec(path)?.[1] as CodecOperation | undefined;
      if (operation === undefined || (basePath !== undefined && path !== `${basePath}/${operation}`)) {
        throw new HttpError(404, 'not found');
      }
      if (origin !== undefined && !originAllowed) throw new HttpError(403, `origin ${origin} is not allowed`);
      if (request.method === 'OPTIONS') {
        // Echo what the (allow-listed) UI asks for too, so a UI version that adds a header keeps working.
        const requested = String(request.headers['access-control-request-headers'] ?? '').replace(/[^\w, -]/g, '');
        response.writeHead(204, {
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': requested ? `${ALLOWED_HEADERS}, ${requested}` : ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
        response.end();
        return;
      }
      if (request.method !== 'POST') throw new HttpError(405, 'use POST');
      if (!(await options.authorize(request))) {
        response.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(401, 'credentials required');
      }
      const payloads = parsePayloads(await readBody(request, maxBodyBytes));
      const result =
        operation === 'decode' ? await decodeEach(options.codec, payloads) : await options.codec.encode(payloads);
      const keyIds = (operation === 'decode' ? payloads : result)
        .map(encryptionKeyIdOf)
        .filter((id) => id !== undefined);
      const namespace = request.headers['x-namespace'];
      await options.onAccess?.({
        operation,
        namespace: Array.isArray(namespace) ? namespace[0] : namespace,
        payloadCount: payloads.length,
        keyIds: [...new Set(keyIds)],
        request,
      });
      sendJson(response, 200, { payloads: result.map(toJsonPayload) });
    } catch (error) {
      if (error instanceof HttpError) sendJson(response, error.status, { error: error.message });
      else if (isCodedError(error)) sendJson(response, 422, { error: error.message, code: error.code });
      else sendJson(response, 500, { error: 'codec failure' });
    }
  };
}

/** Accepts `Authorization: Bearer <token>`, compared in constant time. */
export function bearerTokenAuthorizer(token: string): (request: IncomingMessage) => boolean {
  if (token.length === 0) throw new RangeError('empty codec token');
  const expected = createHash('sha256').update(token).digest();
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) return false;
    return timingSafeEqual(createHash('sha256').update(header.slice('Bearer '.length)).digest(), expected);
  };
}

/**
 * Accepts requests whose path starts with `/<token>/`: a capability URL, for a Web UI that cannot send headers or
 * cookies (the dev server's `--ui-codec-endpoint http://127.0.0.1:<port>/<token>`). Compared in constant time.
 */
export function pathTokenAuthorizer(token: string): (request: IncomingMessage) => boolean {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) throw new RangeError('a codec path token needs 16+ URL-safe characters');
  const expected = createHash('sha256').update(token).digest();
  return (request) => {
    const segment = new URL(request.url ?? '/', 'http://codec').pathname.split('/')[1] ?? '';
    return timingSafeEqual(createHash('sha256').update(segment).digest(), expected);
  };
}

export interface CodecServerOptions extends CodecHandlerOptions {
  /** Default `127.0.0.1`: the endpoint decrypts, keep it off other interfaces unless it sits behind TLS. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

export interface RunningCodecServer {
  server: Server;
  /** Base URL to give the Web UI (`--ui-codec-endpoint`), including `basePath`. */
  url: string;
  close(): Promise<void>;
}

/** Serves `createCodecHandler` on its own port, for `dococr dev`. */
export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const handler = createCodecHandler(options);
  const server = createServer((request, response) => void handler(request, response));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${(options.basePath ?? '').replace(/\/+$/, '')}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function decodeEach(codec: PayloadCodec, payloads: Payload[]): Promise<Payload[]> {
  return Promise.all(
    payloads.map(async (payload) => {
      try {
        const [decoded] = await codec.decode([payload]);
        return decoded!;
      } catch (error) {
        if (!isKeyDestroyedError(error)) throw error;
        const marker = { dococr: 'erased', keyId: encryptionKeyIdOf(payload), message: error.message };
        return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(marker)) };
      }
    }),
  );
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop keeping the body but let it drain, so the 413 reaches the client instead of a reset connection.
        request.removeAllListeners('data');
        request.resume();
        reject(new HttpError(413, `body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parsePayloads(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new HttpError(400, 'expected { "payloads": [...] }');
  return payloads.map((item: unknown, index) => {
    const { metadata = {}, data = '' } = (item ?? {}) as JsonPayload;
    if (typeof metadata !== 'object' || typeof data !== 'string')
      throw new HttpError(400, `payloads[${index}] is malformed`);
    return {
      metadata: Object.fromEntries(
        Object.entries(metadata).map(([key, value]) => [key, Buffer.from(String(value), 'base64')]),
      ),
      data: Buffer.from(data, 'base64'),
    };
  });
}

function toJsonPayload(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, base64(value)])),
    data: base64(payload.data ?? new Uint8Array()),
  };
}

function base64(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : '';
}

function isCodedError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

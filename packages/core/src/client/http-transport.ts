import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One HTTP exchange as the Alibaba client needs it; the body is sent and read whole. */
export interface HttpTransportRequest {
  url: URL;
  method: string;
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpTransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Sends one request. Implementations throw {@link TransportError} when no HTTP answer arrives, so the client can
 * tell a timeout or an abort from other network failures.
 */
export type HttpTransport = (request: HttpTransportRequest) => Promise<HttpTransportResponse>;

export type TransportFailure = 'connect-timeout' | 'read-timeout' | 'aborted' | 'network' | 'response-too-large';

export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly failure: TransportFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Largest response body read; a DocOcrV2 answer is a few kilobytes. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

function flattenHeaders(message: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The default transport, on `node:http`/`node:https`. `connectTimeoutMs` bounds the TCP connect; `readTimeoutMs`
 * bounds each silence after it (TLS handshake, waiting for the answer, gaps while it streams), as the SDK's
 * timeouts do.
 */
export const nodeHttpTransport: HttpTransport = (req) =>
  new Promise<HttpTransportResponse>((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TransportError('aborted', 'the call was aborted', { cause: req.signal.reason }));
      return;
    }
    const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (error: TransportError | undefined, response?: HttpTransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      req.signal?.removeEventListener('abort', onAbort);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else resolve(response as HttpTransportResponse);
    };
    const onAbort = () => finish(new TransportError('aborted', 'the call was aborted', { cause: req.signal?.reason }));

    const outgoing = send(req.url, { method: req.method, headers: { ...req.headers } });
    const connectTimer = setTimeout(
      () => finish(new TransportError('connect-timeout', `no connection within ${req.connectTimeoutMs} ms`)),
      req.connectTimeoutMs,
    );
    // Applied by Node once the socket is connected; from then on every silence longer than this fails the call.
    outgoing.setTimeout(req.readTimeoutMs);
    outgoing.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    outgoing.on('timeout', () =>
      finish(new TransportError('read-timeout', `no data for ${req.readTimeoutMs} ms while waiting for the answer`)),
    );
    outgoing.on('error', (cause) =>
      finish(
        new TransportError('network', `the request failed: ${(cause as NodeJS.ErrnoException).code ?? cause.message}`, {
          cause,
        }),
      ),
    );
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      let length = 0;
      incoming.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > MAX_RESPONSE_BYTES) {
          finish(new TransportError('response-too-large', `the answer is longer than ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      incoming.on('error', (cause) => finish(new TransportError('network', 'the answer was cut off', { cause })));
      incoming.on('aborted', () => finish(new TransportError('network', 'the answer was cut off')));
      incoming.on('end', () => {
        finish(undefined, {
          status: incoming.statusCode ?? 0,
          headers: flattenHeaders(incoming),
          body: new Uint8Array(Buffer.concat(chunks)),
        });
      });
    });
    req.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.end(req.body);
  });

/**
 * A transport over a WHATWG `fetch` (the global one, or a test double). `fetch` cannot time the connect apart, so the
 * whole exchange gets `connectTimeoutMs + readTimeoutMs`. `host` is taken from the URL, which the client builds from
 * the same endpoint it signs.
 */
export function fetchTransport(fetchImpl: typeof fetch = fetch): HttpTransport {
  return async (req) => {
    const timeout = AbortSignal.timeout(req.connectTimeoutMs + req.readTimeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'content-length'),
    );
    const failure = (cause: unknown): TransportError =>
      req.signal?.aborted
        ? new TransportError('aborted', 'the call was aborted', { cause: req.signal.reason })
        : timeout.aborted
          ? new TransportError('read-timeout', `no answer within ${req.connectTimeoutMs + req.readTimeoutMs} ms`, {
              cause,
            })
          : new TransportError('network', `the request failed: ${(cause as Error).message}`, { cause });
    try {
      const response = await fetchImpl(req.url, { method: req.method, headers, body: req.body, signal });
      const body = new Uint8Array(await response.arrayBuffer());
      if (body.byteLength > MAX_RESPONSE_BYTES) {
        throw new TransportError('response-too-large', `the answer is longer than ${MAX_RESPONSE_BYTES} bytes`);
      }
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        out[name.toLowerCase()] = value;
      });
      return { status: response.status, headers: out, body };
    } catch (cause) {
      throw cause instanceof TransportError ? cause : failure(cause);
    }
  };
}

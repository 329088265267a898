import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { InvalidParameterError } from '../contract/errors.js';
import { createAddressPolicy, type AddressPolicy } from './address-policy.js';
import { DownloadTimeoutError, ResponseTooLargeError } from './safe-fetch-errors.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; injectable so tests never depend on real DNS. */
export type SafeFetchLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface SafeFetchOptions {
  /** Largest body accepted; a larger Content-Length or stream is refused while reading. Required. */
  maxBytes: number;
  /** Redirects followed at most; each target is checked again. Default 3. */
  maxRedirects?: number;
  /** Time allowed for each TCP connection to open. Default 3 000 ms. */
  connectTimeoutMs?: number;
  /** Time allowed for the whole download, redirects included. Default 10 000 ms. */
  totalTimeoutMs?: number;
  /** Host names (as written in the URL, case-insensitive) whose addresses are reachable even when refused ranges. */
  allowHosts?: readonly string[];
  /** Address ranges reachable even though refused by default, e.g. `['127.0.0.1/32']` in tests. */
  allowCidrs?: readonly string[];
  /** Aborts the download; the signal's reason is thrown. */
  signal?: AbortSignal;
  /** Name resolution. Default: the system resolver (`dns.lookup` with `all: true`). */
  lookup?: SafeFetchLookup;
  /** The API parameter named in error messages. Default `IdOcrPictureUrl`. */
  parameter?: string;
  /** Certificate authorities trusted for https, replacing Node's bundled list (a private CA). Default: Node's list. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

export interface SafeFetchResult {
  bytes: Uint8Array;
  /** The Content-Type header of the final response, if any. */
  contentType: string | undefined;
  /** The URL the bytes came from after redirects. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const systemLookup: SafeFetchLookup = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

interface FetchContext {
  policy: AddressPolicy;
  allowHosts: ReadonlySet<string>;
  lookup: SafeFetchLookup;
  signal: AbortSignal;
  connectTimeoutMs: number;
  parameter: string;
  ca: SafeFetchOptions['ca'];
}

/**
 * Downloads a URL supplied by an API caller without letting it reach internal services (SSRF): only http and https;
 * the host is resolved here, every address checked against the refused ranges (loopback, private, CGNAT, link-local
 * and the metadata service, unique-local, IPv4-mapped IPv6, multicast, reserved) and the connection pinned to the
 * checked address, so a second DNS answer cannot swap it; every redirect target is checked the same way; the body is
 * capped while streaming.
 *
 * Throws `InvalidParameterError` (refused URL, failed resolution, invalid certificate, HTTP error, too many redirects;
 * {@link ResponseTooLargeError} when too large) or
 * {@link DownloadTimeoutError} (timeouts and connection failures), or the signal's reason when aborted.
 *
 * @example
 * const { bytes } = await safeFetch(request.idOcrPictureUrl, { maxBytes: IMAGE_REQUIREMENTS.maxBytes });
 */
export async function safeFetch(url: string | URL, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const parameter = options.parameter ?? 'IdOcrPictureUrl';
  const maxRedirects = options.maxRedirects ?? 3;
  const totalTimeoutMs = options.totalTimeoutMs ?? 10_000;
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DownloadTimeoutError(`Downloading ${parameter} took longer than ${totalTimeoutMs} ms.`)),
    totalTimeoutMs,
  );
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const ctx: FetchContext = {
    policy: createAddressPolicy({ allowCidrs: options.allowCidrs ?? [] }),
    allowHosts: new Set((options.allowHosts ?? []).map((h) => h.toLowerCase())),
    lookup: options.lookup ?? systemLookup,
    signal,
    connectTimeoutMs: options.connectTimeoutMs ?? 3_000,
    parameter,
    ca: options.ca,
  };
  try {
    let current = parseUrl(url, parameter);
    for (let redirects = 0; ; redirects++) {
      const address = await resolveChecked(current, ctx);
      const response = await get(current, address, ctx);
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        response.destroy();
        const location = response.headers.location;
        if (!location)
          throw new InvalidParameterError(parameter, `the server answered HTTP ${status} without a Location.`);
        if (redirects >= maxRedirects) {
          throw new InvalidParameterError(parameter, `more than ${maxRedirects} redirects.`);
        }
        current = parseUrl(new URL(location, current), parameter);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new InvalidParameterError(parameter, `the download failed with HTTP ${status}.`);
      }
      const bytes = await readCapped(response, options.maxBytes, ctx);
      return { bytes, contentType: response.headers['content-type'], finalUrl: current.href };
    }
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

function parseUrl(input: string | URL, parameter: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidParameterError(parameter, 'not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidParameterError(parameter, 'only http and https URLs are accepted.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidParameterError(parameter, 'credentials in the URL are not accepted.');
  }
  return url;
}

function bareHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

async function resolveChecked(url: URL, ctx: FetchContext): Promise<ResolvedAddress> {
  const host = bareHost(url);
  const literalFamily = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (literalFamily !== 0) {
    addresses = [{ address: host, family: literalFamily }];
  } else {
    try {
      addresses = await abortable(ctx.lookup(host), ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw new InvalidParameterError(ctx.parameter, 'the host name could not be resolved.', { cause: error });
    }
  }
  const first = addresses[0];
  if (first === undefined) throw new InvalidParameterError(ctx.parameter, 'the host name could not be resolved.');
  if (!ctx.allowHosts.has(host.toLowerCase())) {
    // Every answer is checked, not only the one used: a mixed answer is a rebinding attempt or a misconfiguration.
    for (const { address } of addresses) {
      const verdict = ctx.policy.check(address);
      if (!verdict.allowed) {
        throw new InvalidParameterError(
          ctx.parameter,
          `the host resolves to a ${verdict.reason}, which is not allowed.`,
        );
      }
    }
  }
  return first;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A lookup that answers with the already checked address whatever name it is asked for. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

function get(url: URL, address: ResolvedAddress, ctx: FetchContext): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request({
      protocol: url.protocol,
      hostname: bareHost(url),
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { accept: 'image/*, */*;q=0.5', 'accept-encoding': 'identity', 'user-agent': 'dococr-gateway' },
      // A fresh socket per request: a pooled one could have been opened to an address checked for another URL.
      agent: false,
      lookup: pinnedLookup(address),
      signal: ctx.signal,
      // The certificate is checked against the URL's host name (SNI too), not the pinned address.
      ...(ctx.ca === undefined ? {} : { ca: ctx.ca as string | Buffer | Array<string | Buffer> }),
    });
    const connectTimer = setTimeout(() => {
      request.destroy(
        new DownloadTimeoutError(
          `Connecting to the ${ctx.parameter} host took longer than ${ctx.connectTimeoutMs} ms.`,
        ),
      );
    }, ctx.connectTimeoutMs);
    request.once('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    request.once('response', (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    request.once('error', (error) => {
      clearTimeout(connectTimer);
      if (error instanceof DownloadTimeoutError) return reject(error);
      // A certificate problem will not go away on retry: the URL is at fault, not the network.
      if (isCertificateError(error)) {
        return reject(new InvalidParameterError(ctx.parameter, 'the server certificate is not valid for its host.'));
      }
      reject(
        new DownloadTimeoutError(`${ctx.parameter} could not be downloaded: ${networkReason(error)}.`, {
          cause: error,
        }),
      );
    });
    request.end();
  });
}

function isCertificateError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return code.startsWith('ERR_TLS_CERT') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

function networkReason(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `connection failed (${code})` : 'connection failed';
}

async function readCapped(response: IncomingMessage, maxBytes: number, ctx: FetchContext): Promise<Uint8Array> {
  const tooLarge = () => new ResponseTooLargeError(ctx.parameter, maxBytes);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (error instanceof InvalidParameterError) throw error;
    throw new DownloadTimeoutError(`${ctx.parameter} could not be downloaded: the connection broke.`, { cause: error });
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

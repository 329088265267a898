import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocOcrError } from '../../src/contract/errors.js';
import { ResponseTooLargeError, safeFetch, type SafeFetchLookup } from '../../src/net/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose routes are set per test; it counts connections so refusals can prove none was made. */
class LocalServer {
  readonly server = http.createServer((req, res) => this.route(req, res));
  readonly routes = new Map<string, Handler>();
  readonly hosts: string[] = [];
  connections = 0;

  constructor() {
    this.server.on('connection', () => this.connections++);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    this.hosts.push(req.headers.host ?? '');
    const handler = this.routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  }
}

const server = new LocalServer();
const allowLoopback = { allowCidrs: ['127.0.0.1/32'] };
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

beforeAll(async () => {
  server.server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  server.routes.set('/img.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
  server.routes.set('/chain/0', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
  for (let i = 1; i <= 5; i++) {
    server.routes.set(`/chain/${i}`, (_req, res) => res.writeHead(302, { location: `/chain/${i - 1}` }).end());
  }
  server.routes.set('/big', (_req, res) => res.writeHead(200, { 'content-length': '2000' }).end(Buffer.alloc(2000)));
  server.routes.set('/big-chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    for (let i = 0; i < 20; i++) res.write(Buffer.alloc(100));
    res.end();
  });
  server.routes.set('/slow', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.write(png);
    // Never ends: only the total timeout can finish this download.
  });
  server.routes.set('/to-metadata', (_req, res) =>
    res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  );
  server.routes.set('/to-private-name', (_req, res) =>
    res.writeHead(307, { location: 'http://intranet.test/secret' }).end(),
  );
  server.routes.set('/missing', (_req, res) => res.writeHead(404).end());
});

afterAll(async () => {
  server.server.closeAllConnections();
  server.server.close();
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDocOcrError(error)) throw new Error(`expected a DocOcrError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** Maps test names to fixed addresses, counting calls; unknown names fail like NXDOMAIN. */
function fakeDns(table: Record<string, string[]>): SafeFetchLookup & { calls: number } {
  const lookup = async (hostname: string) => {
    lookup.calls++;
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  lookup.calls = 0;
  return lookup;
}

describe('safeFetch: allowed downloads', () => {
  it('downloads from an allow-listed loopback address', async () => {
    const result = await safeFetch(server.url('/img.png'), { maxBytes: 1000, ...allowLoopback });
    expect(Buffer.from(result.bytes).equals(png)).toBe(true);
    expect(result.contentType).toBe('image/png');
    expect(result.finalUrl).toBe(server.url('/img.png'));
  });

  it('connects to the address it checked and keeps the name in the Host header, resolving once', async () => {
    const lookup = fakeDns({ 'images.test': ['127.0.0.1'] });
    const result = await safeFetch(`http://images.test:${server.port}/img.png`, {
      maxBytes: 1000,
      allowHosts: ['IMAGES.test'],
      lookup,
    });
    expect(result.bytes.length).toBe(png.length);
    expect(server.hosts.at(-1)).toBe(`images.test:${server.port}`);
    expect(lookup.calls).toBe(1);
  });

  it('follows up to 3 redirects and reports the final URL', async () => {
    const result = await safeFetch(server.url('/chain/3'), { maxBytes: 1000, ...allowLoopback });
    expect(result.finalUrl).toBe(server.url('/chain/0'));
  });
});

describe('safeFetch: refusals happen before any connection', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:PORT/img.png'],
    ['IPv6 loopback', 'http://[::1]:PORT/img.png'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:PORT/img.png'],
    ['loopback in shorthand', 'http://0x7f.1:PORT/img.png'],
    ['metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['10/8', 'http://10.0.0.1/img.png'],
    ['192.168/16', 'http://192.168.1.1/img.png'],
    ['CGNAT', 'http://100.64.0.1/img.png'],
    ['unspecified', 'http://0.0.0.0:PORT/img.png'],
  ])('refuses %s', async (_name, template) => {
    const before = server.connections;
    const url = template.replace('PORT', String(server.port));
    const { code, message } = await refusal(safeFetch(url, { maxBytes: 1000 }));
    expect(code).toBe('InvalidParameter');
    expect(message).toMatch(/IdOcrPictureUrl.*not allowed/);
    expect(server.connections).toBe(before);
  });

  it('refuses names that resolve to refused addresses, including a mixed answer', async () => {
    const lookup = fakeDns({
      'metadata.test': ['169.254.169.254'],
      'intranet.test': ['10.0.0.1'],
      'home.test': ['192.168.1.1'],
      'mixed.test': ['8.8.8.8', '10.0.0.1'],
      'v6.test': ['::1'],
    });
    for (const host of ['metadata.test', 'intranet.test', 'home.test', 'mixed.test', 'v6.test']) {
      const { code } = await refusal(safeFetch(`http://${host}/img.png`, { maxBytes: 1000, lookup }));
      expect(code).toBe('InvalidParameter');
    }
  });

  it('refuses schemes other than http and https, and credentials in the URL', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.test/a.png', 'gopher://127.0.0.1:70/', 'not a url']) {
      expect((await refusal(safeFetch(url, { maxBytes: 1000 }))).code).toBe('InvalidParameter');
    }
    const withCredentials = `http://user:pw@127.0.0.1:${server.port}/img.png`;
    expect((await refusal(safeFetch(withCredentials, { maxBytes: 1000, ...allowLoopback }))).message).toMatch(
      /credentials/,
    );
  });

  it('answers an unresolvable name with InvalidParameter', async () => {
    const { code, message } = await refusal(
      safeFetch('http://nowhere.test/x.png', { maxBytes: 1000, lookup: fakeDns({}) }),
    );
    expect(code).toBe('InvalidParameter');
    expect(message).toMatch(/could not be resolved/);
  });
});

describe('safeFetch: redirects are checked again', () => {
  it('refuses a redirect from an allowed server into the metadata address', async () => {
    const { code, message } = await refusal(
      safeFetch(server.url('/to-metadata'), { maxBytes: 1000, ...allowLoopback }),
    );
    expect(code).toBe('InvalidParameter');
    expect(message).toMatch(/link-local/);
  });

  it('refuses a redirect to a name that resolves to a private address', async () => {
    const lookup = fakeDns({ 'intranet.test': ['10.0.0.1'] });
    const { message } = await refusal(
      safeFetch(server.url('/to-private-name'), { maxBytes: 1000, ...allowLoopback, lookup }),
    );
    expect(message).toMatch(/private address/);
    expect(lookup.calls).toBe(1);
  });

  it('refuses more than 3 redirects', async () => {
    const { code, message } = await refusal(safeFetch(server.url('/chain/4'), { maxBytes: 1000, ...allowLoopback }));
    expect(code).toBe('InvalidParameter');
    expect(message).toMatch(/more than 3 redirects/);
  });

  it('honours a smaller redirect limit', async () => {
    const { message } = await refusal(
      safeFetch(server.url('/chain/1'), { maxBytes: 1000, maxRedirects: 0, ...allowLoopback }),
    );
    expect(message).toMatch(/more than 0 redirects/);
  });
});

describe('safeFetch: size, status and time limits', () => {
  it('refuses a body whose Content-Length is over the cap', async () => {
    const error = await safeFetch(server.url('/big'), { maxBytes: 1000, ...allowLoopback }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    const { code, message } = await refusal(safeFetch(server.url('/big'), { maxBytes: 1000, ...allowLoopback }));
    expect(code).toBe('InvalidParameter');
    expect(message).toMatch(/larger than 1000 bytes/);
  });

  it('stops reading a chunked body once it passes the cap', async () => {
    const { message } = await refusal(safeFetch(server.url('/big-chunked'), { maxBytes: 1000, ...allowLoopback }));
    expect(message).toMatch(/larger than 1000 bytes/);
    const fits = await safeFetch(server.url('/big-chunked'), { maxBytes: 2000, ...allowLoopback });
    expect(fits.bytes.length).toBe(2000);
  });

  it('answers an HTTP error with InvalidParameter', async () => {
    const { message } = await refusal(safeFetch(server.url('/missing'), { maxBytes: 1000, ...allowLoopback }));
    expect(message).toMatch(/HTTP 404/);
  });

  it('gives up on a slow server with DownloadTimeout', async () => {
    const started = Date.now();
    const { code } = await refusal(
      safeFetch(server.url('/slow'), { maxBytes: 1000, totalTimeoutMs: 300, ...allowLoopback }),
    );
    expect(code).toBe('DownloadTimeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers a refused connection with DownloadTimeout', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const { code } = await refusal(safeFetch(`http://127.0.0.1:${port}/`, { maxBytes: 1000, ...allowLoopback }));
    expect(code).toBe('DownloadTimeout');
  });

  it("throws the caller's abort reason", async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = safeFetch(server.url('/slow'), { maxBytes: 1000, signal: controller.signal, ...allowLoopback });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('safeFetch over https', () => {
  // A self-signed certificate for images.test only (test/net/fixtures, generated with openssl, valid until 2126).
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
  const cert = fixture('images-test.cert.pem');
  const tlsServer = https.createServer({ cert, key: fixture('images-test.key.pem') }, (_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png' }).end(png),
  );
  let port = 0;

  beforeAll(async () => {
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    port = (tlsServer.address() as AddressInfo).port;
  });

  afterAll(() => {
    tlsServer.closeAllConnections();
    tlsServer.close();
  });

  it('connects to the pinned address and still checks the certificate against the URL host', async () => {
    const lookup = fakeDns({ 'images.test': ['127.0.0.1'] });
    const result = await safeFetch(`https://images.test:${port}/id.png`, {
      maxBytes: 1000,
      allowHosts: ['images.test'],
      lookup,
      ca: cert,
    });
    expect(Buffer.from(result.bytes).equals(png)).toBe(true);
  });

  it('refuses a certificate that does not name the URL host, or is not trusted, as InvalidParameter', async () => {
    const lookup = fakeDns({ 'other.test': ['127.0.0.1'], 'images.test': ['127.0.0.1'] });
    const wrongName = safeFetch(`https://other.test:${port}/id.png`, {
      maxBytes: 1000,
      allowHosts: ['other.test'],
      lookup,
      ca: cert,
    });
    expect(await refusal(wrongName)).toMatchObject({ code: 'InvalidParameter', message: /certificate/ });
    const untrusted = safeFetch(`https://images.test:${port}/id.png`, {
      maxBytes: 1000,
      allowHosts: ['images.test'],
      lookup,
    });
    expect(await refusal(untrusted)).toMatchObject({ code: 'InvalidParameter', message: /certificate/ });
  });
});

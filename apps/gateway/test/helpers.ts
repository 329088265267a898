import { once } from 'node:events';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import OpenApiClient, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiCore, * as $OpenApiCore from '@alicloud/openapi-core';
import * as $tea from '@alicloud/tea-typescript';
import {
  createDocOcrV2Response,
  formatAcsDate,
  isDocOcrError,
  percentEncode,
  sha256Hex,
  signAcs3,
  type DocOcrV2Request,
  type DocOcrV2Response,
} from '@dococr/core';
import { pino } from 'pino';
import { gatewayConfigSchema, startGateway, type GatewayConfigInput, type RunningGateway } from '../src/index.js';
import type { CreateGatewayOptions } from '../src/gateway.js';
import type { RunDocOcr, RunDocOcrContext } from '../src/run-doc-ocr.js';

export const KEY_ID = 'LTAI5tGatewayTestKey01';
export const KEY_SECRET = 'GatewayTestSecret0123456789abcdef';

/** Stand-in for the workflow: records what reached it and answers like a passed check. */
export class FakeDocOcr {
  readonly calls: Array<{ request: DocOcrV2Request; ctx: RunDocOcrContext }> = [];
  /** When set, each call waits for it before answering (concurrency tests). */
  gate: Promise<void> | undefined;
  failWith: unknown;

  readonly run: RunDocOcr = async (request, ctx) => {
    this.calls.push({ request, ctx });
    if (this.gate) await this.gate;
    if (this.failWith !== undefined) throw this.failWith;
    return createDocOcrV2Response({
      requestId: 'workflow-request-id',
      transactionId: `hksb${ctx.requestId.replace(/-/g, '').toLowerCase()}`,
      passed: 'Y',
      subCode: '200',
      extIdInfo: {
        ocrIdInfo: { name: 'CHAN TAI MAN', idNumber: 'A123456(3)' } as never,
        idFaceQualityScore: 98,
      },
    }) as DocOcrV2Response;
  };
}

export interface TestGateway extends RunningGateway {
  port: number;
  fake: FakeDocOcr;
  logLines: () => Array<Record<string, unknown>>;
}

export async function startTestGateway(
  configInput: Partial<GatewayConfigInput> = {},
  extra: Partial<Omit<CreateGatewayOptions, 'config' | 'logger' | 'runDocOcr'>> = {},
): Promise<TestGateway> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const fake = new FakeDocOcr();
  const config = gatewayConfigSchema.parse({ port: 0, accessKeys: { [KEY_ID]: KEY_SECRET }, ...configInput });
  const running = await startGateway({ config, logger: pino({ level: 'info' }, sink), runDocOcr: fake.run, ...extra });
  const port = Number(new URL(running.url).port);
  return { ...running, port, fake, logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export const BASE_PARAMETERS = {
  ProductCode: 'ID_OCR_MIN',
  MerchantBizId: 'biz0001',
  MerchantUserId: 'user-secret-0001',
  DocType: '00000006',
  Ocr: 'T',
} as const;

export const IMAGE = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(600, 7)]);

// ---- The official generic client, driven like the generated cloudauth-intl SDK's docOcrV2WithOptions. ----

class DocOcrV2ResponseBodyResult extends $tea.Model {
  declare extIdInfo?: string;
  declare passed?: string;
  declare subCode?: string;
  declare transactionId?: string;
  static names(): Record<string, string> {
    return { extIdInfo: 'ExtIdInfo', passed: 'Passed', subCode: 'SubCode', transactionId: 'TransactionId' };
  }
  static types(): Record<string, unknown> {
    return { extIdInfo: 'string', passed: 'string', subCode: 'string', transactionId: 'string' };
  }
}

class DocOcrV2ResponseBody extends $tea.Model {
  declare code?: string;
  declare message?: string;
  declare requestId?: string;
  declare result?: DocOcrV2ResponseBodyResult;
  static names(): Record<string, string> {
    return { code: 'Code', message: 'Message', requestId: 'RequestId', result: 'Result' };
  }
  static types(): Record<string, unknown> {
    return { code: 'string', message: 'string', requestId: 'string', result: DocOcrV2ResponseBodyResult };
  }
}

/** The generated SDK's response model: headers, statusCode and the typed body. */
export class DocOcrV2SdkResponse extends $tea.Model {
  declare headers?: Record<string, string>;
  declare statusCode?: number;
  declare body?: DocOcrV2ResponseBody;
  static names(): Record<string, string> {
    return { headers: 'headers', statusCode: 'statusCode', body: 'body' };
  }
  static types(): Record<string, unknown> {
    return {
      headers: { type: 'map', keyType: 'string', valueType: 'string' },
      statusCode: 'number',
      body: DocOcrV2ResponseBody,
    };
  }
}

function clientClass<T>(imported: unknown): T {
  const m = imported as { default?: unknown };
  return (typeof m === 'function' ? m : m.default) as T;
}

/** Calls DocOcrV2 through `@alicloud/openapi-client` 0.4.15 and casts the answer to the SDK's model. */
export type Sdk = '@alicloud/openapi-client@0.4.15' | '@alicloud/openapi-core@1.0.8';
export const SDKS: readonly Sdk[] = ['@alicloud/openapi-client@0.4.15', '@alicloud/openapi-core@1.0.8'];

const CALL = {
  action: 'DocOcrV2',
  version: '2022-08-09',
  protocol: 'HTTP',
  pathname: '/',
  method: 'POST',
  authType: 'AK',
  style: 'RPC',
  reqBodyType: 'formData',
  bodyType: 'json',
};

/**
 * Calls DocOcrV2 through an official generic client (the older `@alicloud/openapi-client` by default, or the current
 * `@alicloud/openapi-core`) and casts the answer to the generated SDK's response model.
 */
export async function sdkDocOcrV2(
  port: number,
  parameters: Record<string, string>,
  options: { accessKeyId?: string; accessKeySecret?: string; signatureAlgorithm?: 'v2'; sdk?: Sdk } = {},
): Promise<DocOcrV2SdkResponse> {
  const config = {
    accessKeyId: options.accessKeyId ?? KEY_ID,
    accessKeySecret: options.accessKeySecret ?? KEY_SECRET,
    ...(options.signatureAlgorithm ? { signatureAlgorithm: options.signatureAlgorithm } : {}),
    endpoint: `127.0.0.1:${port}`,
    protocol: 'HTTP',
    readTimeout: 10_000,
    connectTimeout: 5_000,
  };
  const { IdOcrPictureBase64, ...query } = parameters;
  const body = IdOcrPictureBase64 === undefined ? {} : { IdOcrPictureBase64 };
  let raw: unknown;
  if (options.sdk === '@alicloud/openapi-core@1.0.8') {
    const Client = clientClass<typeof OpenApiCore.default>(OpenApiCore);
    const util = $OpenApiCore.$OpenApiUtil;
    const client = new Client(new util.Config(config));
    raw = await client.callApi(
      new util.Params(CALL),
      new util.OpenApiRequest({ query, body }),
      {} as Parameters<typeof client.callApi>[2],
    );
  } else {
    const Client = clientClass<typeof OpenApiClient.default>(OpenApiClient);
    const client = new Client(new $OpenApi.Config(config));
    raw = await client.callApi(
      new $OpenApi.Params(CALL),
      new $OpenApi.OpenApiRequest({ query, body }),
      {} as Parameters<typeof client.callApi>[2],
    );
  }
  return $tea.cast<DocOcrV2SdkResponse>(raw, new DocOcrV2SdkResponse({}));
}

/** The code an SDK call failed with (the SDK throws on 4xx/5xx with `code`, `statusCode` and `data`). */
export async function sdkFailure(
  promise: Promise<unknown>,
): Promise<{ code: string; statusCode: number; data: Record<string, unknown> }> {
  const error = (await promise.then(
    () => {
      throw new Error('expected the SDK call to fail');
    },
    (e: unknown) => e,
  )) as { code?: string; statusCode?: number; data?: Record<string, unknown> & { statusCode?: number } };
  if (isDocOcrError(error)) throw error;
  const statusCode = Number(error.statusCode ?? error.data?.statusCode);
  return { code: String(error.code), statusCode, data: error.data ?? {} };
}

// ---- Hand-signed raw requests, for what the SDK cannot be made to send. ----

export interface RawCall {
  port: number;
  query?: Record<string, string>;
  form?: Record<string, string>;
  /** Raw body instead of `form`. */
  body?: Buffer;
  accessKeyId?: string;
  secret?: string;
  date?: Date;
  nonce?: string;
  action?: string;
  /** Send the body with Transfer-Encoding: chunked, in pieces of this size. */
  chunkSize?: number;
  path?: string;
  extraHeaders?: Record<string, string>;
  unsigned?: boolean;
  /** Replaces the body after signing, as a man in the middle would. */
  tamper?: (body: Buffer) => Buffer;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let nonceCounter = 0;

export function formBody(form: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(form)
      .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
      .join('&'),
  );
}

export async function rawCall(call: RawCall): Promise<RawAnswer> {
  const query = call.query ?? {};
  const body = call.body ?? (call.form ? formBody(call.form) : Buffer.alloc(0));
  const host = `127.0.0.1:${call.port}`;
  const headers: Record<string, string> = {
    host,
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-action': call.action ?? 'DocOcrV2',
    'x-acs-version': '2022-08-09',
    'x-acs-date': formatAcsDate(call.date ?? new Date()),
    'x-acs-signature-nonce': call.nonce ?? `nonce-${process.pid}-${Date.now()}-${nonceCounter++}`,
    accept: 'application/json',
    ...call.extraHeaders,
  };
  headers['x-acs-content-sha256'] = sha256Hex(body);
  const signed = signAcs3({
    method: 'POST',
    path: call.path ?? '/',
    query,
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'accept')),
    body,
    accessKeyId: call.accessKeyId ?? KEY_ID,
    accessKeySecret: call.secret ?? KEY_SECRET,
  });
  if (!call.unsigned) headers.authorization = signed.authorization;
  const sent = call.tamper ? call.tamper(body) : body;
  const search = Object.entries(query)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  if (call.chunkSize === undefined) headers['content-length'] = String(sent.length);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: call.port,
        method: 'POST',
        path: `${call.path ?? '/'}${search ? `?${search}` : ''}`,
        headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (call.chunkSize === undefined) {
      request.end(sent);
    } else {
      for (let i = 0; i < sent.length; i += call.chunkSize) request.write(sent.subarray(i, i + call.chunkSize));
      request.end();
    }
  });
}

/** A loopback server that serves the test image, plus redirects and an oversized file. */
export async function startImageServer(): Promise<{
  server: Server;
  url: (path: string) => string;
  close: () => Promise<void>;
}> {
  const server = http.createServer((req, res) => {
    if (req.url === '/id.png') res.writeHead(200, { 'content-type': 'image/png' }).end(IMAGE);
    else if (req.url === '/huge.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(1_100_000));
    else if (req.url === '/to-metadata')
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (req.url === '/to-intranet') res.writeHead(302, { location: 'http://intranet.test/id.png' }).end();
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

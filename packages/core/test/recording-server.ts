import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request exactly as it reached the server: raw path and query, headers as Node parsed them, raw body bytes. */
export interface RecordedRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** Wait this long before answering (to exercise timeouts). */
  delayMs?: number;
}

export type Responder = (request: RecordedRequest, index: number) => Reply;

export interface RecordingServer {
  /** `127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  requests: RecordedRequest[];
  /** Replaces how the server answers from the next request on. */
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export const successBody = (requestId = '130A2C10-B9EE-4D84-88E3-5384FF039000') =>
  JSON.stringify({
    RequestId: requestId,
    Code: 'Success',
    Message: 'success',
    Result: {
      TransactionId: 'hksb7ba1b28130d24e015d694361b0000',
      Passed: 'Y',
      SubCode: '200',
      ExtIdInfo: JSON.stringify({
        ocrIdInfo: { name: 'Li Si', englishName: 'LI SI', sex: 'M', birthDate: '1990-02-21', idNumber: 'H1111111(2)' },
        idFaceQualityScore: 98.0,
        spoofInfo: { spoofResult: 'N', spoofType: [] },
      }),
    },
  });

/** A plain node:http server on 127.0.0.1 and a random port that records every request and answers as told. */
export async function startRecordingServer(
  responder: Responder = () => ({ status: 200, body: successBody() }),
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let respond = responder;
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const reply = respond(recorded, requests.length - 1);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'application/json;charset=utf-8', ...reply.headers });
        res.end(reply.body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    requests,
    respondWith(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

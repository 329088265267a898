import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlibabaDocOcrClient, createDocOcrV2Response, isDocOcrError, type DocOcrV2Request } from '@dococr/core';
import type { DocOcrAnalysis } from '@dococr/engine';
import type { RunningGateway } from '@dococr/gateway';
import {
  createLogger,
  openLocalServices,
  orchestratorConfigFromEnv,
  startStack,
  type Stack,
} from '@dococr/orchestrator';
import { startGatewayOn } from '../src/commands/gateway.js';
import type { CliContext } from '../src/context.js';

const KEY_ID = 'LTAIloadTest01';
const KEY_SECRET = 'loadTestSecret0123456789abcdef';
const N = 200;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * OCR is not what this test measures (it would take minutes on two cores): a recogniser that answers at once stands
 * in for the engine. Everything else is real: signed HTTP, the gateway's limits, Temporal, the codec, the audit log.
 */
const fastRecogniser = async () => ({
  analyze: async (request: DocOcrV2Request) =>
    ({
      response: createDocOcrV2Response({
        requestId: 'R',
        transactionId: 'T',
        subCode: '200',
        extIdInfo: {
          ocrIdInfo: {
            surname: 'LOAD',
            givenname: request.merchantBizId.slice(0, 6).toUpperCase(),
            sex: 'M',
            birthDate: '1990-01-01',
            passportNo: 'E12345678',
            nationality: 'UTO',
            expiryDate: '2030-01-01',
            countryCode: 'UTO',
          },
        },
      }),
      docTypeCheck: { matches: true, expected: request.docType, reason: 'stub', scores: {} },
      card: {
        corners: [
          { x: 0, y: 0 },
          { x: 1, y: 0 },
          { x: 1, y: 1 },
          { x: 0, y: 1 },
        ],
        coverage: 1,
        rotation: 0,
        outlineFound: true,
      },
      checks: [],
      mrzCorrections: [],
      timingsMs: { decode: 0, findCard: 0, read: 0, total: 0 },
    }) as unknown as DocOcrAnalysis,
});

let stack: Stack;
let services: ReturnType<typeof openLocalServices>;
let gateway: RunningGateway;

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dococr-load-'));
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir, devServerPort: await freePort(), devServerUiPort: await freePort(), maxConcurrentActivities: 16 },
  );
  services = openLocalServices(config);
  stack = await startStack({
    config,
    logger: createLogger({ level: 'error', pretty: false }),
    blobs: services.blobs,
    audit: services.audit,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
    taskQueue: `load-${randomBytes(4).toString('hex')}`,
    ocrTaskQueue: `load-ocr-${randomBytes(4).toString('hex')}`,
    recogniser: fastRecogniser,
  });
  const env = {
    DOCOCR_ACCESS_KEYS: `${KEY_ID}:${KEY_SECRET}`,
    DOCOCR_GATEWAY_PORT: '0',
    DOCOCR_GATEWAY_QPS: '60',
    DOCOCR_GATEWAY_BURST: '120',
    DOCOCR_GATEWAY_MAX_CONCURRENT: '16',
    DOCOCR_GATEWAY_MAX_QUEUED: '64',
    DOCOCR_GATEWAY_QUEUE_TIMEOUT_MS: '120000',
    DOCOCR_LOG_LEVEL: 'error',
  };
  const ctx = { env, cwd: dataDir, stdout: process.stdout, stderr: process.stderr, verbose: false } as CliContext;
  gateway = await startGatewayOn(ctx, stack, { env });
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  await stack?.shutdown();
}, 60_000);

describe('the gateway under 200 concurrent signed requests (real Temporal, real audit log)', () => {
  it('answers every request, loses none, and each success is one finished workflow with a verified chain', async () => {
    const port = new URL(gateway.url).port;
    const client = new AlibabaDocOcrClient({
      credentials: { accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET },
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http',
      maxRetries: 0,
      readTimeoutMs: 170_000,
    });
    const image = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#dde' } })
      .png()
      .toBuffer();
    const ids = Array.from({ length: N }, (_, i) => `load${i}x${randomBytes(4).toString('hex')}`);
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        try {
          const response = await client.docOcrV2({
            productCode: 'ID_OCR_MIN',
            merchantBizId: id,
            merchantUserId: `user-${id}`,
            idOcrPictureBase64: image.toString('base64'),
            docType: '01000000',
            ocr: 'T',
            idFaceQuality: 'F',
            spoof: 'F',
            idThreshold: '3',
          });
          return { id, kind: 'success' as const, response };
        } catch (err) {
          if (isDocOcrError(err)) return { id, kind: 'refused' as const, code: err.code };
          return { id, kind: 'lost' as const, error: String(err) };
        }
      }),
    );
    const lost = outcomes.filter((o) => o.kind === 'lost');
    expect(lost).toEqual([]);
    const refused = outcomes.filter((o) => o.kind === 'refused');
    for (const r of refused) expect(['Throttling.Api', 'ServiceUnavailable']).toContain((r as { code: string }).code);
    const successes = outcomes.filter((o) => o.kind === 'success');
    expect(successes.length).toBeGreaterThan(0);
    expect(successes.length + refused.length).toBe(N);
    for (const s of successes) {
      const description = await stack.client.workflow.getHandle(`dococr-${s.id}`).describe();
      expect(description.status.name).toBe('COMPLETED');
      await expect(services.audit.verify(s.id)).resolves.toMatchObject({ ok: true });
    }
    // A refused request started nothing.
    for (const r of refused.slice(0, 10)) {
      await expect(stack.client.workflow.getHandle(`dococr-${r.id}`).describe()).rejects.toThrow();
    }
    console.log(
      `load: ${successes.length} answered, ${refused.length} refused (${refused
        .map((r) => (r as { code: string }).code)
        .filter((c, i, a) => a.indexOf(c) === i)
        .join(', ')})`,
    );
  }, 300_000);
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenApiClient, * as $OpenApi from '@alicloud/openapi-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocOcrV2Response, parseExtIdInfo } from '@dococr/core';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');
const KEY_ID = 'LTAIdevStackTest01';
const KEY_SECRET = 'devStackTestSecret0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let child: ChildProcess;
let stdout = '';
let stderr = '';
let gatewayPort: number;
let uiPort: number;
let temporalPort: number;
let dataDir: string;
const EARLIER = 'devStackEarlier1';

beforeAll(async () => {
  gatewayPort = await freePort();
  uiPort = await freePort();
  temporalPort = await freePort();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'dococr-dev-'));
  const env = {
    PATH: process.env.PATH ?? '',
    DOCOCR_DATA_DIR: dataDir,
    DOCOCR_TEMPORAL_PORT: String(temporalPort),
    DOCOCR_TEMPORAL_UI_PORT: String(uiPort),
    DOCOCR_ACCESS_KEYS: `${KEY_ID}:${KEY_SECRET}`,
    DOCOCR_LOG_LEVEL: 'warn',
  };
  // A run made by `dococr verify` before `dococr dev` starts: the dev server must show it (same SQLite file).
  const earlier = spawnSync(
    process.execPath,
    [
      bin,
      'verify',
      path.join(repoRoot, 'samples/passport-td3.png'),
      '--doc-type',
      '01000000',
      '--merchant-biz-id',
      EARLIER,
      '--json',
    ],
    { env, encoding: 'utf8', timeout: 150_000 },
  );
  if (earlier.status !== 0) throw new Error(`dococr verify failed: ${earlier.stderr}`);
  child = spawn(process.execPath, [bin, 'dev', '--port', String(gatewayPort)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dococr dev did not start:\n${stdout}`)), 150_000);
    child.stdout?.on('data', () => {
      if (stdout.includes('dococr dev is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`dococr dev exited with ${code}: ${stderr}`)));
  });
}, 180_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('dococr dev: the whole local stack in one command', () => {
  it('prints every URL', () => {
    expect(stdout).toContain(`Temporal Web UI  http://127.0.0.1:${uiPort}`);
    expect(stdout).toContain(`Gateway          http://127.0.0.1:${gatewayPort}`);
    expect(stdout).toContain('Codec endpoint');
  });

  it('shows a run made earlier by dococr verify (runs survive a restart in the data folder)', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    try {
      // The raw call: memos are encrypted with the application's key, which this test client does not hold.
      const described = await connection.workflowService.describeWorkflowExecution({
        namespace: 'default',
        execution: { workflowId: `dococr-${EARLIER}` },
      });
      expect(described.workflowExecutionInfo?.status).toBe(2); // COMPLETED
    } finally {
      await connection.close();
    }
  });

  it('serves the Temporal Web UI', async () => {
    const res = await fetch(`http://127.0.0.1:${uiPort}/`);
    expect(res.status).toBe(200);
  });

  it('answers the official Alibaba SDK through the gateway with the fields of a sample passport', async () => {
    const manifest = readFileSync(path.join(repoRoot, 'samples/manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { image: string; groundTruth: { ocrIdInfo: Record<string, string> } });
    const sample = manifest.find((m) => m.image === 'passport-td3.png');
    expect(sample).toBeDefined();
    const image = readFileSync(path.join(repoRoot, 'samples', sample!.image));
    const Client = (OpenApiClient as unknown as { default: typeof OpenApiClient.default }).default ?? OpenApiClient;
    const client = new Client(
      new $OpenApi.Config({
        accessKeyId: KEY_ID,
        accessKeySecret: KEY_SECRET,
        endpoint: `127.0.0.1:${gatewayPort}`,
        protocol: 'HTTP',
        // httpx applies connectTimeout as the socket's idle timeout, so it must cover the whole verification.
        readTimeout: 120_000,
        connectTimeout: 120_000,
      }),
    );
    const raw = (await client.callApi(
      new $OpenApi.Params({
        action: 'DocOcrV2',
        version: '2022-08-09',
        protocol: 'HTTP',
        pathname: '/',
        method: 'POST',
        authType: 'AK',
        style: 'RPC',
        reqBodyType: 'formData',
        bodyType: 'json',
      }),
      new $OpenApi.OpenApiRequest({
        query: {
          ProductCode: 'ID_OCR_MIN',
          MerchantBizId: 'devStack1',
          MerchantUserId: 'u1',
          DocType: '01000000',
          Ocr: 'T',
        },
        body: { IdOcrPictureBase64: image.toString('base64') },
      }),
      {} as never,
    )) as { statusCode: number; body: unknown };
    expect(raw.statusCode).toBe(200);
    const response = parseDocOcrV2Response(raw.body);
    expect(response.Result.Passed).toBe('Y');
    const ext = parseExtIdInfo(response.Result.ExtIdInfo, '01000000');
    // Returning the fields to the access key is a read of personal data, recorded in the application's chain.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(dataDir, 'audit.db'), { readonly: true });
    const bodies = db
      .prepare('SELECT body FROM audit_events WHERE application_id = ? ORDER BY seq')
      .all('devStack1') as { body: string }[];
    db.close();
    const last = JSON.parse(bodies.at(-1)!.body) as { step: string; actor: string };
    expect(last).toMatchObject({ step: 'pii-access', actor: `access-key:${KEY_ID}` });
    expect(ext.ocrIdInfo).toMatchObject({
      passportNo: sample!.groundTruth.ocrIdInfo.passportNo,
      surname: sample!.groundTruth.ocrIdInfo.surname,
    });
  });

  it('stops cleanly on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const code = await exited;
    expect(
      code,
      stderr
        .split('\n')
        .filter((l) => !l.startsWith('{'))
        .join('\n'),
    ).toBe(0);
  }, 60_000);
});

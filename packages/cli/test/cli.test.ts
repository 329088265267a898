import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docOcrV2ResponseSchema } from '@dococr/core';
import {
  createLogger,
  openLocalServices,
  orchestratorConfigFromEnv,
  startStack,
  type Stack,
} from '@dococr/orchestrator';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), 'dococr-cli-'));
let stack: Stack;
let env: Record<string, string>;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...env, ...extraEnv }, cwd: work, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  const dataDir = path.join(work, 'data');
  const taskQueue = `cli-${randomBytes(4).toString('hex')}`;
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir, devServerPort: await freePort(), devServerUiPort: await freePort(), taskQueue },
  );
  const services = openLocalServices(config);
  stack = await startStack({
    config,
    logger: createLogger({ level: 'warn', pretty: false }),
    blobs: services.blobs,
    audit: services.audit,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
  });
  env = {
    PATH: process.env.PATH ?? '',
    DOCOCR_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: stack.address,
    DOCOCR_TASK_QUEUE: taskQueue,
    DOCOCR_LOG_LEVEL: 'warn',
  };
  writeFileSync(
    path.join(work, 'card.png'),
    await sharp({ create: { width: 640, height: 400, channels: 3, background: '#dde' } })
      .png()
      .toBuffer(),
  );
  writeFileSync(path.join(work, 'notes.txt'), 'not an image');
}, 180_000);

afterAll(async () => {
  await stack?.shutdown();
}, 60_000);

describe('dococr (built CLI as a subprocess, real dev server)', () => {
  it('prints help with commands, examples and exit codes', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/verify \[options\] <image>/);
    expect(top.stdout).toMatch(/Exit codes:/);
    const verify = await cli(['verify', '--help']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/Examples:\n\s+dococr verify/);
  });

  it('verify --json prints exactly a DocOcrV2 response body', async () => {
    const res = await cli(['verify', 'card.png', '--doc-type', '01000000', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const body = JSON.parse(res.stdout) as unknown;
    expect(() => docOcrV2ResponseSchema.parse(body)).not.toThrow();
    expect(Object.keys(body as object).sort()).toEqual(['Code', 'Message', 'RequestId', 'Result']);
  });

  it('verify prints a readable summary with the workflow id', async () => {
    const res = await cli([
      'verify',
      'card.png',
      '--doc-type',
      '00000001',
      '--side',
      'face',
      '--merchant-biz-id',
      'cliSummary1',
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/SubCode \d{3}: /);
    expect(res.stdout).toMatch(/Workflow\s+dococr-cliSummary1/);
  });

  it('reads the image from standard input with -', async () => {
    const res = await new Promise<CliResult>((resolve) => {
      const child = execFile(
        process.execPath,
        [bin, 'verify', '-', '--doc-type', '01000000', '--json'],
        { env, cwd: work, timeout: 60_000, encoding: 'utf8' },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
      void sharp({ create: { width: 300, height: 300, channels: 3, background: '#eee' } })
        .png()
        .toBuffer()
        .then((png) => child.stdin?.end(png));
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ Code: 'Success' });
  });

  it('exits 2 with one line for a missing file, a bad flag, a bad DocType and a non-image', async () => {
    const missing = await cli(['verify', 'nope.png', '--doc-type', '01000000']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      'dococr: nope.png: no such file (pass the path of a JPG or PNG image, - for standard input)',
    );
    const badFlag = await cli(['verify', 'card.png', '--doc-type', '01000000', '--frobnicate']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/unknown option '--frobnicate'/);
    const badDocType = await cli(['verify', 'card.png', '--doc-type', '1234']);
    expect(badDocType.code).toBe(2);
    expect(badDocType.stderr).toMatch(/InvalidParameter: .*DocType/);
    const notImage = await cli(['verify', 'notes.txt', '--doc-type', '01000000', '--json']);
    expect(notImage.code).toBe(2);
    expect(JSON.parse(notImage.stdout)).toMatchObject({ Code: 'InvalidParameter' });
    expect(notImage.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 3 when Temporal is unreachable', async () => {
    const port = await freePort();
    const res = await cli(['verify', 'card.png', '--doc-type', '01000000'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^dococr: Temporal is unreachable/);
  });
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docOcrV2ResponseSchema } from '@dococr/core';
import type { Stack } from '@dococr/orchestrator';
import { freePort, runCli, startTestStack, type CliResult } from './cli-harness.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), 'dococr-cli-'));
let stack: Stack;
let env: Record<string, string>;

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli({ ...env, ...extraEnv }, work, args);
}

beforeAll(async () => {
  ({ stack, env } = await startTestStack(path.join(work, 'data'), 'cli'));
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
    const noCredentials = await cli(['verify', 'card.png', '--doc-type', '01000000', '--provider', 'aliyun']);
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(
      /--provider aliyun needs Alibaba Cloud credentials \(set ALIBABA_CLOUD_ACCESS_KEY_ID/,
    );
    const notImage = await cli(['verify', 'notes.txt', '--doc-type', '01000000', '--json']);
    expect(notImage.code).toBe(2);
    expect(JSON.parse(notImage.stdout)).toMatchObject({ Code: 'InvalidParameter' });
    expect(notImage.stderr).not.toMatch(/\n\s+at /);
  });

  it('verifies an image given by URL, and exits 2 for a URL that fails or is refused', async () => {
    const png = readFileSync(path.join(work, 'card.png'));
    const server = http.createServer((req, res) => {
      if (req.url === '/card.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(png);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      const allow = { DOCOCR_URL_ALLOW_CIDRS: '127.0.0.1/32' };
      const ok = await cli(['verify', `http://127.0.0.1:${port}/card.png`, '--doc-type', '01000000', '--json'], allow);
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ Code: 'Success' });
      const missing = await cli(['verify', `http://127.0.0.1:${port}/nope.png`, '--doc-type', '01000000'], allow);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/nope\.png: InvalidParameter/);
      const refused = await cli(['verify', `http://127.0.0.1:${port}/card.png`, '--doc-type', '01000000']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/InvalidParameter/);
    } finally {
      server.close();
    }
  });

  it('exits 3 when Temporal is unreachable', async () => {
    const port = await freePort();
    const res = await cli(['verify', 'card.png', '--doc-type', '01000000'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^dococr: Temporal is unreachable/);
  });

  it('audit show, verify (exit 0), export as JSON Lines and CSV, and erase keeping the chain verifiable', async () => {
    const id = 'cliAudit1';
    expect((await cli(['verify', 'card.png', '--doc-type', '01000000', '--merchant-biz-id', id, '--json'])).code).toBe(
      0,
    );
    const show = await cli(['audit', 'show', id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/received[\s\S]*checkImage[\s\S]*recogniseDocument[\s\S]*decision/);
    expect(show.stdout).toMatch(/chain verified/);
    const verify = await cli(['audit', 'verify', `dococr-${id}`]);
    expect(verify.code).toBe(0);
    const jsonl = await cli(['audit', 'export', id]);
    const events = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: string; hash: string; actor: string; data: { via?: string } });
    expect(events.map((e) => e.step)).toEqual([
      'received',
      'checkImage',
      'recogniseDocument',
      'decision',
      'pii-access',
    ]);
    // Printing the fields to the person running the CLI is itself a read of personal data, and is audited.
    expect(events.at(-1)).toMatchObject({ actor: expect.stringMatching(/^cli:/), data: { via: 'cli' } });
    const csv = await cli(['audit', 'export', id, '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toMatch(/seq/);
    const noReason = await cli(['audit', 'erase', id]);
    expect(noReason.code).toBe(2);
    const erase = await cli(['audit', 'erase', id, '--reason', 'GDPR Art. 17 request']);
    expect(erase.code).toBe(0);
    expect(erase.stdout).toMatch(/data key destroyed.*chain verifies/);
    expect((await cli(['audit', 'verify', id])).code).toBe(0);
    const after = await cli(['audit', 'export', id]);
    const last = JSON.parse(after.stdout.trim().split('\n').at(-1)!) as { step: string; reasons: string[] };
    expect(last).toMatchObject({ step: 'erasure', reasons: ['GDPR Art. 17 request'] });
  });

  it('audit verify exits 1 and names the first broken link when an event was changed', async () => {
    const id = 'cliTamper1';
    expect((await cli(['verify', 'card.png', '--doc-type', '01000000', '--merchant-biz-id', id, '--json'])).code).toBe(
      0,
    );
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(env.DOCOCR_DATA_DIR!, 'audit.db'));
    db.prepare(
      'UPDATE audit_events SET body = replace(body, \'"outcome":"passed"\', \'"outcome":"failed"\') WHERE application_id = ? AND seq = 2',
    ).run(id);
    db.close();
    const res = await cli(['audit', 'verify', id]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/BROKEN: first broken link at event 2/);
  });

  it('audit on an unknown application exits 2 with a hint', async () => {
    const res = await cli(['audit', 'show', 'noSuchApp']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/no audit trail for application noSuchApp \(list them with: dococr audit list\)/);
  });

  it('runs list filters by search attributes', async () => {
    await cli(['verify', 'card.png', '--doc-type', '000000011', '--scene-code', 'cliRuns', '--json']);
    // Visibility is eventually consistent.
    let rows: Array<Record<string, string>> = [];
    for (let i = 0; i < 20 && rows.length === 0; i++) {
      const res = await cli(['runs', 'list', '--scene-code', 'cliRuns', '--json']);
      expect(res.code).toBe(0);
      rows = res.stdout.trim()
        ? res.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Record<string, string>)
        : [];
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ docType: '000000011', sceneCode: 'cliRuns', status: 'COMPLETED' });
    const none = await cli(['runs', 'list', '--scene-code', 'cliRuns', '--doc-type', '01000000', '--json']);
    expect(none.stdout.trim()).toBe('');
    expect((await cli(['runs', 'list', '--since', 'yesterday'])).code).toBe(2);
    // Listing everything includes an application erased above: its memo no longer decrypts, its row still lists.
    const all = await cli(['runs', 'list', '--since', '1d', '--limit', '500', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('dococr-cliAudit1');
  });

  it('config show masks secrets, and completion prints a bash script', async () => {
    const res = await cli(['config', 'show'], { DOCOCR_ACCESS_KEYS: 'id1:verysecretvalue' });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/DOCOCR_ACCESS_KEYS\s+\*\*\*\*/);
    expect(res.stdout).not.toContain('verysecretvalue');
    const completion = await cli(['completion']);
    expect(completion.stdout).toMatch(/complete -F _dococr dococr/);
    expect(completion.stdout).toMatch(/verify/);
  });

  it('kyc start --json prints the application id the other kyc commands take; review and result follow', async () => {
    const samples = path.join(repoRoot, 'samples');
    const start = await cli([
      'kyc',
      'start',
      '--doc',
      `01000000:${path.join(samples, 'passport-td3.png')}`,
      '--doc',
      `00000008:${path.join(samples, 'hkid-2018.png')}`,
      '--require-same-person',
      '--review-deadline',
      '10m',
      '--json',
    ]);
    expect(start.code, start.stderr).toBe(0);
    const started = JSON.parse(start.stdout) as { id: string; workflowId: string; status: { state: string } };
    expect(started.workflowId).toBe(`kyc-${started.id}`);
    expect(['review', 'rejected', 'approved']).toContain(started.status.state);
    const status = await cli(['kyc', 'status', started.id, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ applicationId: started.id });
    if (started.status.state === 'review') {
      const bad = await cli(['kyc', 'review', started.id, '--approve', '--reject', '--reason', 'x', '--reviewer', 'r']);
      expect(bad.code).toBe(2);
      const review = await cli([
        'kyc',
        'review',
        started.id,
        '--reject',
        '--reviewer',
        'rev1',
        '--reason',
        'different people',
        '--json',
      ]);
      expect(review.code, review.stderr).toBe(0);
      expect(JSON.parse(review.stdout)).toMatchObject({ state: 'rejected', reviewer: { reviewerId: 'rev1' } });
    }
    const result = await cli(['kyc', 'result', started.id, '--json']);
    expect(['approved', 'rejected']).toContain((JSON.parse(result.stdout) as { state: string }).state);
    const again = await cli(['kyc', 'review', started.id, '--approve', '--reviewer', 'rev1', '--reason', 'again']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already (approved|rejected)/);
    const missing = await cli(['kyc', 'status', 'noSuchApplication']);
    expect(missing.code).toBe(2);
  });

  it('batch prints JSON Lines on a pipe, survives SIGINT and resumes without reading an item twice', async () => {
    const folder = path.join(work, 'scans');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 4; i++) {
      const png = await sharp({ create: { width: 320 + i * 10, height: 240, channels: 3, background: '#ccd' } })
        .png()
        .toBuffer();
      writeFileSync(path.join(folder, `scan ${i}.png`), png);
    }
    // First run: interrupted as soon as the batch has started.
    const first = await new Promise<CliResult>((resolve) => {
      let out = '';
      const child = execFile(
        process.execPath,
        [bin, 'batch', folder, '--doc-type', '01000000', '--concurrency', '1'],
        { env, cwd: work },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"event":"started"')) child.kill('SIGINT');
      });
    });
    expect(first.stdout).toMatch(/"event":"started".*"resumed":false/);
    if (first.code !== 0) expect(first.stderr).toMatch(/run the same command again to resume it/);
    const second = await cli(['batch', folder, '--doc-type', '01000000', '--concurrency', '1']);
    expect(second.code, second.stderr).toBe(0);
    const lines = second.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'started', resumed: true, total: 4 });
    const done = lines.at(-1) as { event: string; progress: { total: number; done: number } };
    expect(done).toMatchObject({ event: 'done', progress: { total: 4, done: 4 } });
    // Exactly one docOcr run per item.
    const ids: string[] = [];
    // Only this batch's items: other applications of this file were erased, and their memos no longer decrypt.
    const listed = await stack.client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: "WorkflowType = 'docOcr' AND WorkflowId STARTS_WITH 'batch-'",
    });
    for (const wf of listed.executions) ids.push(wf.execution?.workflowId ?? '');
    const items = ids.filter((id) => id.includes('-item-scan'));
    expect(items).toHaveLength(4);
    expect(new Set(items).size).toBe(4);
  });

  it('specimens generate writes images and a manifest that matches them', async () => {
    const out = path.join(work, 'specimens');
    const res = await cli(['specimens', 'generate', '--seed', '7', '--count', '3', '--out', out, '--genuine-only']);
    expect(res.code, res.stderr).toBe(0);
    const entries = readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { image: string; docType: string; groundTruth: unknown });
    expect(entries).toHaveLength(3);
    for (const e of entries) {
      expect(readFileSync(path.join(out, e.image)).length).toBeGreaterThan(1000);
      expect(e.groundTruth).toHaveProperty('ocrIdInfo');
    }
    const bad = await cli(['specimens', 'generate', '--count', 'many', '--out', out]);
    expect(bad.code).toBe(2);
  });

  it('doctor reports each check with a fix, and exits 1 when something is missing', async () => {
    const ok = await cli(['doctor']);
    expect(ok.stdout).toMatch(/^(ok|FAIL)\s+Node\.js/m);
    expect(ok.stdout).toMatch(/Temporal/);
    const broken = await cli(['doctor'], {
      TEMPORAL_ADDRESS: '',
      TEMPORAL_CLI_PATH: path.join(work, 'no-such-temporal'),
    });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/FAIL\s+Temporal CLI[\s\S]*fix: /);
  });

  it('worker serves the task queue until SIGTERM and then stops cleanly', async () => {
    const queue = `cliworker${randomBytes(3).toString('hex')}`;
    const child = execFile(process.execPath, [bin, 'worker'], {
      env: { ...env, DOCOCR_TASK_QUEUE: queue, DOCOCR_OCR_TASK_QUEUE: `${queue}ocr` },
      cwd: work,
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('polling task queue')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(out).toContain(`task queue ${queue}`);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

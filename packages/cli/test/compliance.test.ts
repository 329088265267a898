import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@dococr/orchestrator';
import { openMember } from '../src/commands/compliance-bundle-format.js';
import { runCli, startTestStack, type CliResult } from './cli-harness.js';

const samples = fileURLToPath(new URL('../../../samples/', import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), 'dococr-compliance-'));
const dataDir = path.join(work, 'data');
let stack: Stack;
let env: Record<string, string>;

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli({ ...env, ...extraEnv }, work, args);
}

/** The passport sample through docOcr under application `id`. */
function verifyPassport(id: string, ...more: string[]): Promise<CliResult> {
  return cli(['verify', path.join(samples, 'passport-td3.png'), '-d', '01000000', '--merchant-biz-id', id, ...more]);
}

/** Every file under a folder (the data folder: Temporal's SQLite files, blobs, audit database, keys). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  ({ stack, env } = await startTestStack(dataDir, 'compliance'));
}, 180_000);

afterAll(async () => {
  await stack?.shutdown();
}, 60_000);

describe('evidence bundle (built CLI, real dev server)', () => {
  it('verifies as exported and fails after a byte changes in any member or in the ZIP structure', async () => {
    const id = `bundle${randomBytes(3).toString('hex')}`;
    const ran = await verifyPassport(id);
    expect(ran.code).toBe(0);
    const out = path.join(work, `${id}.zip`);
    const exported = await cli(['audit', 'export', id, '--bundle', out]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const fingerprint = /Ed25519 key (SHA256:[0-9a-f]{64})/.exec(exported.stdout)?.[1];
    expect(fingerprint).toBeDefined();

    const ok = await cli(['audit', 'verify', '--bundle', out, '--fingerprint', fingerprint!]);
    expect(ok.stdout).toMatch(/^ok: /);
    expect(ok.code).toBe(0);
    const wrongKey = await cli(['audit', 'verify', '--bundle', out, '--fingerprint', `SHA256:${'0'.repeat(64)}`]);
    expect(wrongKey.code).toBe(1);

    const zip = readFileSync(out);
    const members = unzipSync(zip);
    const names = Object.keys(members);
    expect(names).toEqual(
      expect.arrayContaining([
        'audit/events.jsonl',
        'manifest.json',
        'manifest.sig',
        'SHA256SUMS',
        'SHA256SUMS.sig',
        'signing-key.pub.pem',
        'report.html',
        'summary.json',
        `workflows/dococr-${id}.json`,
      ]),
    );
    const workflow = JSON.parse(Buffer.from(members[`workflows/dococr-${id}.json`]!).toString()) as {
      result: { httpStatus: number; steps: unknown[]; body: { Result: { ExtIdInfo: string } } };
      history: { kind: string }[];
    };
    expect(workflow.result.httpStatus).toBe(200);
    expect(workflow.result.steps.length).toBeGreaterThan(0);
    expect(workflow.history[0]!.kind).toBe('workflowExecutionStarted');
    expect(Buffer.from(members['report.html']!).toString()).toMatch(/decision/);
    const summary = JSON.parse(Buffer.from(members['summary.json']!).toString()) as {
      requests: { workflowId: string; docType: string; imageSha256: string }[];
      engineVersions: string[];
    };
    expect(summary.requests).toEqual([
      expect.objectContaining({ workflowId: `dococr-${id}`, docType: '01000000', imageSha256: expect.any(String) }),
    ]);
    expect(summary.engineVersions.some((v) => v.startsWith('dococr-engine/'))).toBe(true);

    // One byte flipped inside each member (stored uncompressed, so its bytes sit in the archive as they are).
    for (const name of names) {
      const bytes = Buffer.from(members[name]!);
      const at = zip.indexOf(bytes);
      expect(at, name).toBeGreaterThan(0);
      const changed = Buffer.from(zip);
      changed[at + Math.floor(bytes.length / 2)]! ^= 0x01;
      writeFileSync(path.join(work, 'changed.zip'), changed);
      const res = await cli(['audit', 'verify', '--bundle', 'changed.zip']);
      expect(res.code, `${name} changed: ${res.stdout}`).toBe(1);
      expect(res.stdout).toMatch(/^BROKEN: /);
    }
    // And in the ZIP structure: a local header's date, the central directory's date, the end record's comment length.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    for (const at of [10, central + 12, end + 20]) {
      const changed = Buffer.from(zip);
      changed[at]! ^= 0x01;
      writeFileSync(path.join(work, 'changed.zip'), changed);
      const res = await cli(['audit', 'verify', '--bundle', 'changed.zip']);
      expect(res.code, `byte ${at} changed: ${res.stdout}`).toBe(1);
    }
  }, 300_000);

  it('after erasure nothing readable remains in Temporal, blobs, audit store or an earlier bundle; the chain verifies', async () => {
    const id = `erase${randomBytes(3).toString('hex')}`;
    const image = readFileSync(path.join(samples, 'passport-td3.png'));
    const res = await verifyPassport(id, '--json');
    expect(res.code).toBe(0);
    const fields = (
      JSON.parse(JSON.parse(res.stdout).Result.ExtIdInfo as string) as { ocrIdInfo?: Record<string, string> }
    ).ocrIdInfo;
    // The engine must have read the surname and passport number, or there would be nothing to look for.
    const secrets = [fields?.surname, fields?.passportNo].filter((v): v is string => !!v && v.length >= 4);
    expect(secrets.length).toBe(2);

    const out = path.join(work, `${id}.zip`);
    const passphrase = 'correct horse battery staple';
    const exported = await cli(['audit', 'export', id, '--bundle', out, '--include-images', '--include-fields'], {
      DOCOCR_BUNDLE_PASSPHRASE: passphrase,
    });
    expect(exported.code).toBe(0);
    const members = unzipSync(readFileSync(out));
    const imageMember = Object.keys(members).find((n) => n.startsWith('images/'))!;
    const sha = /images\/([0-9a-f]{64})\.enc/.exec(imageMember)![1]!;
    // The image is there, and only the passphrase opens it.
    expect(openMember(members[imageMember]!, sha, passphrase).equals(image)).toBe(true);
    expect(() => openMember(members[imageMember]!, sha, 'wrong')).toThrow();
    // So are the fields read, for an auditor who must see them.
    const fieldsMember = `fields/dococr-${id}.json.enc`;
    const sealed = openMember(members[fieldsMember]!, fieldsMember, passphrase).toString('utf8');
    for (const secret of secrets) expect(sealed).toContain(secret);

    const erase = await cli(['audit', 'erase', id, '--reason', 'GDPR Art. 17 request 2026-118']);
    expect(erase.code).toBe(0);
    expect((await cli(['audit', 'verify', id])).code).toBe(0);
    expect((await cli(['audit', 'verify', '--bundle', out])).code).toBe(0);

    const imageChunk = image.subarray(image.length >> 1, (image.length >> 1) + 64);
    const haystacks = [...filesUnder(dataDir), out];
    expect(haystacks.some((f) => f.endsWith('temporal.db'))).toBe(true);
    for (const file of haystacks) {
      const bytes = readFileSync(file);
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${file}`).toBe(false);
      }
      expect(bytes.includes(imageChunk), `image bytes in ${file}`).toBe(false);
    }
    // A bundle exported after the erasure says so, and still verifies.
    const after = path.join(work, `${id}-after.zip`);
    expect((await cli(['audit', 'export', id, '--bundle', after])).code).toBe(0);
    expect((await cli(['audit', 'verify', '--bundle', after])).code).toBe(0);
    const summary = JSON.parse(Buffer.from(unzipSync(readFileSync(after))['summary.json']!).toString()) as {
      dataKey: string;
      erasures: unknown[];
    };
    expect(summary.dataKey).toBe('destroyed');
    expect(summary.erasures.length).toBe(1);
  }, 300_000);
});

describe('evidence bundle of a KYC application (built CLI, real dev server)', () => {
  it('holds every workflow, the reviewer decision and no clear field; reverify re-runs each document', async () => {
    const docs = [
      ['01000000', 'passport-td3.png'],
      ['00000008', 'hkid-2018.png'],
    ].flatMap(([docType, file]) => ['--doc', `${docType}:${path.join(samples, file!)}`]);
    const start = await cli(['kyc', 'start', ...docs, '--require-same-person', '--json']);
    expect(start.code, start.stderr).toBe(0);
    const started = JSON.parse(start.stdout) as { id: string; status: { state: string } };
    const { id } = started;
    if (started.status.state === 'review') {
      const review = ['kyc', 'review', id, '--reject', '--reviewer', 'rev1', '--reason', 'different people'];
      expect((await cli(review)).code).toBe(0);
    }
    await cli(['kyc', 'result', id]);
    const out = path.join(work, `${id}.zip`);
    expect((await cli(['audit', 'export', id, '--bundle', out])).code).toBe(0);
    expect((await cli(['audit', 'verify', '--bundle', out])).code).toBe(0);
    const zip = readFileSync(out);
    const members = unzipSync(zip);
    const summary = JSON.parse(Buffer.from(members['summary.json']!).toString()) as {
      workflows: { workflowId: string; type: string; status: string }[];
      reviewerDecisions: { actor: string; outcome: string }[];
    };
    expect(summary.workflows.map((w) => w.workflowId).sort()).toEqual([
      `kyc-${id}`,
      `kyc-${id}-doc-1`,
      `kyc-${id}-doc-2`,
    ]);
    expect(summary.workflows.every((w) => w.status === 'COMPLETED')).toBe(true);
    if (started.status.state === 'review') {
      expect(summary.reviewerDecisions).toEqual([
        expect.objectContaining({ actor: 'reviewer:rev1', outcome: 'rejected' }),
      ]);
    }
    const doc1 = Buffer.from(members[`workflows/kyc-${id}-doc-1.json`]!).toString();
    expect(doc1).toMatch(/keyed-sha256:[0-9a-f]{64}/);
    for (const clear of ['NOVAK', 'HH3210907', 'CHOI', 'XT020043']) expect(zip.includes(clear), clear).toBe(false);

    const reverify = JSON.parse((await cli(['audit', 'reverify', id, '--json'])).stdout) as {
      documents: { original: { workflowId: string }; reverification: { applicationId: string } }[];
    };
    expect(reverify.documents.map((d) => [d.original.workflowId, d.reverification.applicationId])).toEqual([
      [`kyc-${id}-doc-1`, `${id}R1`],
      [`kyc-${id}-doc-2`, `${id}R2`],
    ]);
  }, 300_000);
});

describe('retention (built CLI, real dev server)', () => {
  it('erases exactly the applications past retention, skips and lists the held one, until it is released', async () => {
    // 100 x 100 px is refused by checkImage (the API wants 200), the quickest run that is still audited.
    const tiny = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ddd' } })
      .png()
      .toBuffer();
    writeFileSync(path.join(work, 'tiny.png'), tiny);
    const tag = randomBytes(3).toString('hex');
    const [expired, held, recent, open] = ['expired', 'held', 'recent', 'open'].map((k) => `${k}${tag}`) as [
      string,
      string,
      string,
      string,
    ];
    for (const id of [expired, held, recent, open]) {
      await cli(['verify', 'tiny.png', '-d', '01000000', '--merchant-biz-id', id]);
      expect((await cli(['audit', 'verify', id])).code).toBe(0);
    }
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    expect((await cli(['kyc', 'close', expired, '--ended-at', hoursAgo(3)])).code).toBe(0);
    expect((await cli(['kyc', 'close', held, '--ended-at', hoursAgo(3)])).code).toBe(0);
    expect((await cli(['kyc', 'close', recent, '--ended-at', hoursAgo(0.5)])).code).toBe(0);
    expect((await cli(['kyc', 'close', recent, '--ended-at', 'yesterday'])).code).toBe(2);
    expect((await cli(['audit', 'hold', held, '--reason', 'court order 2026/77'])).code).toBe(0);

    const run = await cli(['retention', 'run', '--period', '2h', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      erased: { applicationId: string }[];
      held: { applicationId: string; reason: string }[];
    };
    const mine = (ids: { applicationId: string }[]) => ids.map((e) => e.applicationId).filter((a) => a.endsWith(tag));
    expect(mine(report.erased)).toEqual([expired]);
    expect(mine(report.held)).toEqual([held]);
    expect(report.held.find((h) => h.applicationId === held)!.reason).toBe('court order 2026/77');

    const stepsOf = async (id: string) =>
      (JSON.parse((await cli(['audit', 'show', id, '--json'])).stdout) as { step: string; reasons: string[] }[]).map(
        (e) => e.step,
      );
    expect(await stepsOf(expired)).toContain('erasure');
    for (const id of [held, recent, open]) expect(await stepsOf(id)).not.toContain('erasure');
    for (const id of [expired, held, recent, open]) expect((await cli(['audit', 'verify', id])).code).toBe(0);
    // The run's report is itself on an audit chain.
    expect((await cli(['audit', 'verify', 'system-retention'])).code).toBe(0);

    expect((await cli(['audit', 'hold', held, '--reason', 'case closed', '--release'])).code).toBe(0);
    const again = JSON.parse((await cli(['retention', 'run', '--period', '2h', '--json'])).stdout) as {
      erased: { applicationId: string }[];
      held: { applicationId: string }[];
    };
    expect(mine(again.erased)).toEqual([held]);
    expect(mine(again.held)).toEqual([]);
  }, 300_000);
});

describe('retention schedule (built CLI, real dev server)', () => {
  it('creates one daily Temporal Schedule of the retention workflow, and leaves it alone when run again', async () => {
    const first = await cli(['retention', 'schedule', '--period', '5y']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/schedule dococr-retention created: a retention pass every 1d/);
    const described = await stack.client.schedule.getHandle('dococr-retention').describe();
    expect(described.action.type).toBe('startWorkflow');
    expect(described.action.type === 'startWorkflow' && described.action.workflowType).toBe('retention');
    expect(described.spec.intervals?.[0]?.every).toBe(86_400_000);
    const again = await cli(['retention', 'schedule']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already exists/);
    await stack.client.schedule.getHandle('dococr-retention').delete();
  }, 120_000);
});

describe('re-verification (built CLI, real dev server)', () => {
  it('reports exactly the decision a stricter threshold changes, linked on both chains', async () => {
    const id = `rev${randomBytes(3).toString('hex')}`;
    // Darkened: the document is read, but strict quality refuses the exposure.
    const dark = await sharp(path.join(samples, 'passport-td3.png')).modulate({ brightness: 0.45 }).png().toBuffer();
    writeFileSync(path.join(work, 'dark.png'), dark);
    const first = await cli(['verify', 'dark.png', '-d', '01000000', '--merchant-biz-id', id, '--json']);
    expect(first.code).toBe(0);
    expect((JSON.parse(first.stdout) as { Result: { SubCode: string } }).Result.SubCode).toBe('200');

    const res = await cli(['audit', 'reverify', id, '--threshold', 'strict', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as {
      changed: boolean;
      documents: {
        reverification: { applicationId: string; workflowId: string };
        parameters: { name: string; original: string; new: string }[];
        decision: { name: string; original: unknown; new: unknown }[];
        fields: { field: string; change: string }[];
        steps: { step: string; original: string | null; new: string | null }[];
      }[];
    };
    expect(report.changed).toBe(true);
    expect(report.documents).toHaveLength(1);
    const [doc] = report.documents as [(typeof report.documents)[number]];
    expect(doc.reverification.applicationId).toBe(`${id}R1`);
    expect(doc.parameters).toEqual([{ name: 'idThreshold', original: '3', new: '1' }]);
    expect(doc.decision).toEqual([
      { name: 'Passed', original: 'Y', new: 'N' },
      { name: 'SubCode', original: '200', new: '211' },
    ]);
    expect(doc.steps).toEqual([{ step: 'assessQuality', original: null, new: 'failed' }]);
    expect(doc.fields.length).toBeGreaterThan(0);
    expect(doc.fields.every((f) => f.change === 'same')).toBe(true);

    // The same again without overrides: nothing changes, and the next link is R2.
    const again = JSON.parse((await cli(['audit', 'reverify', id, '--json'])).stdout) as typeof report;
    expect(again.changed).toBe(false);
    expect(again.documents[0]!.reverification.applicationId).toBe(`${id}R2`);

    const steps = (app: string) =>
      cli(['audit', 'show', app, '--json']).then((r) =>
        (JSON.parse(r.stdout) as { step: string }[]).map((e) => e.step),
      );
    expect(await steps(id)).toEqual(expect.arrayContaining(['reverification']));
    expect(await steps(`${id}R1`)).toEqual(expect.arrayContaining(['received', 'decision', 'reverifies']));
    for (const app of [id, `${id}R1`, `${id}R2`]) expect((await cli(['audit', 'verify', app])).code).toBe(0);
    // Human-readable form names the change.
    const text = await cli(['audit', 'reverify', id, '--threshold', 'strict']);
    expect(text.stdout).toMatch(/decision SubCode: 200 -> 211/);

    // Erasing the original also erases the re-verifications' copies of the image.
    const erased = await cli(['audit', 'erase', id, '--reason', 'GDPR Art. 17 request']);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(new RegExp(`also erased its re-verification\\(s\\) ${id}R1, ${id}R2, ${id}R3`));
    for (const app of [`${id}R1`, `${id}R2`, `${id}R3`]) {
      const events = JSON.parse((await cli(['audit', 'show', app, '--json'])).stdout) as { step: string }[];
      expect(events.at(-1)!.step).toBe('erasure');
    }
  }, 300_000);
});

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  InvalidAuditEventError,
  canonicalJson,
  digestOf,
  hashEvent,
  parseJsonLines,
  verifyChain,
  type AuditEventInput,
  type AuditStore,
} from '../src/audit/index.js';

const jqAvailable = spawnSync('jq', ['--version']).status === 0;

/** What the shared audit-store tests need from a backend: a fresh database per test, more connections, raw SQL. */
export interface AuditStoreHarness {
  /** Prepares an empty database and returns a store on it. */
  setup(): Promise<AuditStore>;
  /** Another, independent store (its own connection) on the same database. */
  open(): Promise<AuditStore>;
  /** Runs SQL directly against the database, as someone tampering with it would; `?` placeholders. */
  exec(sql: string, params?: unknown[]): Promise<void>;
  teardown(): Promise<void>;
}

function step(applicationId: string, n: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    applicationId,
    eventId: `kyc-${applicationId}:run-1:step-${n}:${n}`,
    workflowId: `kyc-${applicationId}`,
    runId: 'run-1',
    step: ['load', 'quality', 'ocr', 'spoof', 'decision'][n % 5]!,
    attempt: 1,
    startedAt: `2026-11-26T06:00:0${n % 10}.000Z`,
    endedAt: `2026-11-26T06:00:0${n % 10}.500Z`,
    actor: 'worker:test',
    engineVersion: 'dococr-engine 0.1.0',
    inputDigest: digestOf({ input: n }),
    outputDigest: digestOf({ output: n }),
    outcome: 'passed',
    reasons: [],
    data: { sharpness: 0.8, glare: n / 10 },
    ...overrides,
  };
}

/** The behaviour every `AuditStore` must have; run once per backend. */
export function describeAuditStore(name: string, harness: AuditStoreHarness): void {
  describe(name, () => {
    let store: AuditStore;

    beforeEach(async () => {
      store = await harness.setup();
    });
    afterEach(async () => {
      await store.close();
      await harness.teardown();
    });

    async function appendSteps(applicationId: string, count: number) {
      for (let n = 1; n <= count; n++) await store.append(step(applicationId, n));
    }

    it('chains events per application: seq from 1, prevHash linking, verifiable', async () => {
      const first = await store.append(step('app-1', 1));
      const other = await store.append(step('app-2', 1));
      const second = await store.append(step('app-1', 2));
      expect(first).toMatchObject({
        seq: 1,
        prevHash: GENESIS_HASH,
        applicationId: 'app-1',
        data: { sharpness: 0.8, glare: 0.1 },
      });
      expect(other).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.verify('app-1')).toEqual({
        ok: true,
        applicationId: 'app-1',
        count: 2,
        headHash: second.hash,
      });
      expect(await store.listApplications()).toEqual(['app-1', 'app-2']);
      expect(await store.head('app-1')).toEqual({ seq: 2, hash: second.hash });
      expect(await store.list('app-1')).toEqual([first, second]);
    });

    it('is idempotent on eventId: a retried activity does not write twice', async () => {
      const first = await store.append(step('app-1', 1));
      const retried = await store.append(step('app-1', 1, { attempt: 2, endedAt: '2026-11-26T07:00:00.000Z' }));
      expect(retried).toEqual(first);
      await store.append(step('app-1', 2));
      expect(await store.append(step('app-1', 1))).toEqual(first);
      expect((await store.list('app-1')).map((e) => e.seq)).toEqual([1, 2]);
      expect((await store.verify('app-1')).ok).toBe(true);
    });

    it('keeps a valid chain when appends from two connections interleave', async () => {
      const second = await harness.open();
      try {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? store : second).append(step('app-1', i + 1))),
        );
        // Retries of every event from the other connection change nothing.
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? second : store).append(step('app-1', i + 1))),
        );
      } finally {
        await second.close();
      }
      const events = await store.list('app-1');
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(40);
      expect(await store.verify('app-1')).toMatchObject({ ok: true, count: 40 });
    });

    it('detects a modified event at that event', async () => {
      await appendSteps('app-1', 5);
      await harness.exec(
        `UPDATE audit_events SET body = replace(body, '"outcome":"passed"', '"outcome":"failed"') WHERE seq = 3`,
      );
      expect(await store.verify('app-1')).toMatchObject({
        ok: false,
        brokenAt: 3,
        reason: 'event content does not match its hash',
      });
    });

    it('detects a modified event whose own hash was recomputed, at the next link', async () => {
      await appendSteps('app-1', 5);
      const [, , third] = await store.list('app-1');
      const forged = { ...third!, outcome: 'failed' };
      const { hash: _old, ...body } = forged;
      await harness.exec('UPDATE audit_events SET body = ?, hash = ? WHERE seq = 3', [
        canonicalJson(body),
        hashEvent(body),
      ]);
      expect(await store.verify('app-1')).toMatchObject({
        ok: false,
        brokenAt: 4,
        reason: 'prevHash does not match the previous event',
      });
    });

    it('detects a deleted event in the middle and at the end', async () => {
      await appendSteps('app-1', 5);
      await harness.exec("DELETE FROM audit_events WHERE application_id = 'app-1' AND seq = 2");
      expect(await store.verify('app-1')).toMatchObject({
        ok: false,
        brokenAt: 2,
        reason: 'event 2 is missing (found 3 next)',
      });
      await appendSteps('app-2', 3);
      await harness.exec("DELETE FROM audit_events WHERE application_id = 'app-2' AND seq = 3");
      expect(await store.verify('app-2')).toMatchObject({
        ok: false,
        brokenAt: 3,
        reason: expect.stringMatching(/head records 3/),
      });
    });

    it('detects reordered events at the first moved position', async () => {
      await appendSteps('app-1', 5);
      await harness.exec(`UPDATE audit_events SET seq = -1 WHERE seq = 2;
        UPDATE audit_events SET seq = 2 WHERE seq = 4;
        UPDATE audit_events SET seq = 4 WHERE seq = -1;`);
      expect(await store.verify('app-1')).toMatchObject({
        ok: false,
        brokenAt: 2,
        reason: 'event 4 is stored at position 2',
      });
    });

    it('records an erasure as an event and still verifies', async () => {
      await appendSteps('app-1', 3);
      const erasure = await store.recordErasure('app-1', 'GDPR Art. 17 request #12', 'cli:dpo', {
        eventId: 'erasure-1',
        data: { blobsDeleted: 2, dataKeyDestroyed: true },
      });
      expect(erasure).toMatchObject({
        seq: 4,
        step: 'erasure',
        outcome: 'erased',
        reasons: ['GDPR Art. 17 request #12'],
        actor: 'cli:dpo',
      });
      expect(
        await store.recordErasure('app-1', 'GDPR Art. 17 request #12', 'cli:dpo', { eventId: 'erasure-1' }),
      ).toEqual(erasure);
      expect(await store.verify('app-1')).toMatchObject({ ok: true, count: 4 });
    });

    it('exports JSON Lines that verify on their own, and CSV', async () => {
      await appendSteps('app-1', 3);
      await store.append(step('app-1', 4, { reasons: ['glare, "strong"', 'line\nbreak'], outcome: 'failed' }));
      const jsonl = await store.exportJsonl('app-1');
      expect(jsonl.split('\n')).toHaveLength(5);
      const events = parseJsonLines(jsonl);
      expect(verifyChain('app-1', events)).toMatchObject({ ok: true, count: 4 });
      const tampered = parseJsonLines(jsonl.replace('"glare":0.2', '"glare":0.1'));
      expect(verifyChain('app-1', tampered)).toMatchObject({ ok: false, brokenAt: 2 });

      const csv = await store.exportCsv('app-1');
      const lines = csv.split('\r\n');
      expect(lines[0]).toBe(
        'applicationId,seq,eventId,workflowId,runId,step,attempt,startedAt,endedAt,recordedAt,actor,engineVersion,inputDigest,outputDigest,outcome,reasons,data,prevHash,hash',
      );
      expect(lines[1]).toContain(`,${events[0]!.hash}`);
      expect(csv).toContain('"[""glare, \\""strong\\"""",""line\\nbreak""]"');
    });

    it.skipIf(!jqAvailable)('lets an auditor recompute a hash with jq and sha256sum', async () => {
      await appendSteps('app-1', 2);
      const [line] = (await store.exportJsonl('app-1')).split('\n');
      const file = join(mkdtempSync(join(tmpdir(), 'dococr-jq-')), 'event.json');
      writeFileSync(file, line!);
      const recomputed = execFileSync('sh', ['-c', `jq -cS 'del(.hash)' "${file}" | tr -d '\\n' | sha256sum`])
        .toString()
        .split(' ')[0];
      expect(recomputed).toBe(JSON.parse(line!).hash);
    });

    it('refuses malformed events before writing', async () => {
      await expect(store.append(step('app-1', 1, { startedAt: 'yesterday' }))).rejects.toBeInstanceOf(
        InvalidAuditEventError,
      );
      await expect(store.append(step('app-1', 1, { attempt: 0 }))).rejects.toBeInstanceOf(InvalidAuditEventError);
      await expect(store.append(step('app-1', 1, { reasons: 'blurry' as never }))).rejects.toBeInstanceOf(
        InvalidAuditEventError,
      );
      await expect(store.append(step('app-1', 1, { eventId: '' }))).rejects.toBeInstanceOf(InvalidAuditEventError);
      await expect(store.append(step('app-1', 1, { data: { at: new Date() as never } }))).rejects.toBeInstanceOf(
        InvalidAuditEventError,
      );
      expect(await store.listApplications()).toEqual([]);
      expect(await store.verify('app-1')).toMatchObject({ ok: false, reason: 'no events for this application' });
    });

    it('stores a concurrently retried event once', async () => {
      const other = await harness.open();
      try {
        const [a, b] = await Promise.all([store.append(step('app-1', 1)), other.append(step('app-1', 1))]);
        expect(a).toEqual(b);
      } finally {
        await other.close();
      }
      expect(await store.list('app-1')).toHaveLength(1);
    });
  });
}

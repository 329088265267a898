import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchProgress, batchResult, startBatch, type BatchItemUpload } from '../src/batch-client.js';
import type { BatchProgress } from '../src/workflows/batch.js';
import { batchItemWorkflowId } from '../src/workflows/batch.js';
import { faultyRecogniser, newId, sample, startTestStack, type TestStack } from './stack-fixture.js';

let t: TestStack;
let tiny: Buffer;
const faults = faultyRecogniser();

beforeAll(async () => {
  t = await startTestStack('batch', { recogniser: faults.recogniser });
  tiny = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#c0c8d0' } })
    .png()
    .toBuffer();
}, 180_000);

afterAll(async () => {
  await t?.stack.shutdown();
}, 60_000);

const USER_ID = 'batch.owner@example.com';
const item = (key: string, image: string): BatchItemUpload => ({ key, ...sample(image) });
/** Refused by the image check (100x100 px), without OCR: quick, and counted as failed. */
const refused = (key: string): BatchItemUpload => ({ key, bytes: tiny, mediaType: 'image/png', docType: '00000001' });

/** Every run ever made under a workflow id, from the visibility store. */
async function runsOf(workflowId: string) {
  const runs = [];
  for await (const run of t.stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
  return runs;
}

describe('batch against a real dev server', () => {
  it('reads six documents two at a time, continues as new, and reports progress all along', async () => {
    const batchId = newId('B');
    const items = [
      item('face', 'cn-id-face.png'),
      item('emblem', 'cn-id-emblem.png'),
      refused('tiny'),
      item('hk.2003', 'hkid-2003.png'),
      item('hk_2018', 'hkid-2018.png'),
      item('permit-1', 'mainland-permit-hk-macao.png'),
    ];
    const started = await startBatch(t.stack, {
      batchId,
      merchantUserId: USER_ID,
      items,
      concurrency: 2,
      itemsPerRun: 4,
    });
    expect(started).toMatchObject({ workflowId: `batch-${batchId}`, existing: false });

    const seen: BatchProgress[] = [];
    const done = batchResult(t.stack, batchId);
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      seen.push(await batchProgress(t.stack, batchId));
      await new Promise((r) => setTimeout(r, 300));
    }
    const result = await done;
    expect(result.progress).toEqual({ total: 6, done: 6, passed: 5, failed: 1, errors: 0 });
    expect(result.problems).toEqual([{ key: 'tiny', outcome: 'failed', code: 'InvalidParameter' }]);
    expect(result.runs).toBe(2);
    // Progress only moves forward, across the continue-as-new, and was seen part-way.
    expect(seen.every((p) => p.total === 6)).toBe(true);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(seen.some((p) => p.done > 0 && p.done < 6)).toBe(true);

    // Never more than two documents at once: the children's lifetimes overlap at most pairwise.
    const spans = await Promise.all(
      items.map(async (i) => {
        const d = await t.stack.client.workflow.getHandle(batchItemWorkflowId(batchId, i.key)).describe();
        expect(d.status.name).toBe('COMPLETED');
        return [d.startTime.getTime(), d.closeTime!.getTime()] as const;
      }),
    );
    const overlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    expect(overlap).toBeLessThanOrEqual(2);
    expect(overlap).toBe(2);

    const events = await t.services.audit.list(batchId);
    expect(events.filter((e) => e.step === 'decision')).toHaveLength(6);
    expect(events.at(-1)).toMatchObject({
      step: 'batchCompleted',
      outcome: 'passed',
      reasons: ['tiny: failed InvalidParameter'],
    });
    await expect(t.services.audit.verify(batchId)).resolves.toMatchObject({ ok: true, count: events.length });

    // The items travel as one stored list: the start input holds its reference, not the items.
    const firstRun = await t.stack.client.workflow.getHandle(started.workflowId, started.runId).fetchHistory();
    const startInput = firstRun.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!;
    expect(startInput.length).toBeLessThan(1500);
    for (const workflowId of [started.workflowId, batchItemWorkflowId(batchId, 'face')]) {
      const raw = JSON.stringify(await t.stack.client.workflow.getHandle(workflowId).fetchHistory());
      expect(raw).not.toContain(USER_ID);
      expect(raw).not.toContain(Buffer.from(items[0]!.bytes.subarray(99, 147)).toString('base64'));
      expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
    }

    const again = await startBatch(t.stack, { batchId, merchantUserId: USER_ID, items: items.slice(0, 1) });
    expect(again).toMatchObject({ existing: true, runId: started.runId });
  });

  it('re-runs a terminated batch without reading its answered items again', async () => {
    const batchId = newId('B');
    const items = [refused('a'), refused('b'), item('c', 'cn-id-face.png'), item('d', 'cn-id-emblem.png')];
    const first = await startBatch(t.stack, { batchId, merchantUserId: USER_ID, items, concurrency: 1 });
    for (let i = 0; (await batchProgress(t.stack, batchId)).done < 2; i++) {
      if (i > 300) throw new Error('the batch made no progress');
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.stack.client.workflow.getHandle(first.workflowId).terminate('operator stopped the batch');

    const second = await startBatch(t.stack, { batchId, merchantUserId: USER_ID, items, concurrency: 1 });
    expect(second.existing).toBe(false);
    expect(second.runId).not.toBe(first.runId);
    const result = await batchResult(t.stack, batchId);
    expect(result.progress).toEqual({ total: 4, done: 4, passed: 2, failed: 2, errors: 0 });

    // Exactly one completed docOcr per item; only an item in flight at the termination ran twice.
    for (const key of ['a', 'b', 'c', 'd']) {
      const runs = await runsOf(batchItemWorkflowId(batchId, key));
      expect(runs.filter((r) => r.status.name === 'COMPLETED')).toHaveLength(1);
      if (key === 'a' || key === 'b') expect(runs).toHaveLength(1);
    }
    const events = await t.services.audit.list(batchId);
    for (const key of ['a', 'b']) {
      const workflowId = batchItemWorkflowId(batchId, key);
      expect(events.filter((e) => e.workflowId === workflowId && e.step === 'decision')).toHaveLength(1);
    }
    await expect(t.services.audit.verify(batchId)).resolves.toMatchObject({ ok: true });
  });

  it('retries a transient provider failure to success and records the failed attempt', async () => {
    const batchId = newId('B');
    faults.failOnce.add(batchId);
    await startBatch(t.stack, { batchId, merchantUserId: USER_ID, items: [item('emblem', 'cn-id-emblem.png')] });
    const result = await batchResult(t.stack, batchId);
    expect(result.progress).toEqual({ total: 1, done: 1, passed: 1, failed: 0, errors: 0 });
    expect(faults.failOnce.has(batchId)).toBe(false);
    const attempts = (await t.services.audit.list(batchId)).filter((e) => e.step === 'recogniseDocument');
    expect(attempts.map((e) => [e.attempt, e.outcome, e.reasons])).toEqual([
      [1, 'error', ['Throttling.User', 'will be retried']],
      [2, 'passed', []],
    ]);
  });

  it('counts an item whose child fails as an error and goes on with the rest', async () => {
    const batchId = newId('B');
    faults.failAlways.add(batchId);
    await startBatch(t.stack, {
      batchId,
      merchantUserId: USER_ID,
      items: [item('broken', 'cn-id-emblem.png'), refused('tiny')],
    });
    const result = await batchResult(t.stack, batchId);
    expect(result.progress).toEqual({ total: 2, done: 2, passed: 0, failed: 1, errors: 1 });
    // In the order they finished, which the two lanes do not fix.
    expect([...result.problems].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'broken', outcome: 'error' },
      { key: 'tiny', outcome: 'failed', code: 'InvalidParameter' },
    ]);
    const events = await t.services.audit.list(batchId);
    expect(events.at(-1)).toMatchObject({ step: 'batchCompleted', outcome: 'error' });
    expect(events.find((e) => e.step === 'recogniseDocument')).toMatchObject({
      outcome: 'failed',
      reasons: ['ProviderError', 'not retryable'],
    });
  });

  it('refuses a batch id or item key that cannot be part of a workflow id', async () => {
    await expect(startBatch(t.stack, { batchId: 'B 1', merchantUserId: USER_ID, items: [] })).rejects.toMatchObject({
      code: 'InvalidParameter',
    });
    for (const items of [[refused('a/b')], [refused('a'), refused('a')]]) {
      await expect(startBatch(t.stack, { batchId: newId('B'), merchantUserId: USER_ID, items })).rejects.toMatchObject({
        code: 'InvalidParameter',
      });
    }
  });
});

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchProgress, batchResult, startBatch, type BatchItemUpload } from '../src/batch-client.js';
import { batchItemWorkflowId } from '../src/workflows/batch.js';
import { newId, sample, startTestStack, type TestStack } from './stack-fixture.js';

/**
 * A batch whose worker runs in a child process (the built dist, as `dococr worker` runs it) killed with SIGKILL in the
 * middle, then restarted: Temporal resumes every child and every answered item stays answered once.
 */
let t: TestStack;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  // The child runs the built dist; build it from the sources under test so that it is never stale.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
  // The test process only hosts the dev server and the client; the worker is the child process.
  t = await startTestStack('crash', { runWorker: false });
}, 180_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await t?.stack.shutdown();
}, 60_000);

async function startWorkerProcess(): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./worker-process.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [script, t.stack.address, t.config.dataDir, t.stack.taskQueue, t.stack.ocrTaskQueue],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  workers.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready: ${stderr}`)));
  });
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

describe('a worker killed with SIGKILL in the middle of a batch', () => {
  it('finishes every item exactly once after a restart, and every audit chain verifies', async () => {
    const first = await startWorkerProcess();
    const batchId = newId('B');
    const keys = ['face', 'emblem', 'hk2003', 'permit'];
    const images = ['cn-id-face.png', 'cn-id-emblem.png', 'hkid-2003.png', 'mainland-permit-hk-macao.png'];
    const items: BatchItemUpload[] = keys.map((key, i) => ({ key, ...sample(images[i]!) }));
    await startBatch(t.stack, { batchId, merchantUserId: 'crash@example.com', items, concurrency: 2 });

    // Kill it once at least one item is answered and the rest are not.
    let progress = await batchProgress(t.stack, batchId);
    for (let i = 0; progress.done < 1; i++) {
      if (i > 600) throw new Error('the batch made no progress');
      await new Promise((r) => setTimeout(r, 100));
      progress = await batchProgress(t.stack, batchId);
    }
    await killed(first);
    expect(progress.done).toBeLessThan(keys.length);

    const second = await startWorkerProcess();
    const result = await batchResult(t.stack, batchId);
    expect(result.progress).toEqual({ total: 4, done: 4, passed: 4, failed: 0, errors: 0 });
    // Both workers ran the batch's workflow tasks: the second picked up what the killed one left.
    const history = await t.stack.client.workflow.getHandle(`batch-${batchId}`).fetchHistory();
    const identities = new Set(
      history.events!.map((e) => e.workflowTaskStartedEventAttributes?.identity).filter((i): i is string => !!i),
    );
    expect([...identities].map((i) => i.split('@')[0]).sort()).toEqual([String(first.pid), String(second.pid)].sort());

    const events = await t.services.audit.list(batchId);
    for (const key of keys) {
      const workflowId = batchItemWorkflowId(batchId, key);
      const runs = [];
      for await (const run of t.stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
      expect(runs.map((r) => r.status.name)).toEqual(['COMPLETED']);
      const mine = events.filter((e) => e.workflowId === workflowId);
      expect(mine.filter((e) => e.step === 'decision')).toHaveLength(1);
      expect(mine.filter((e) => e.step === 'recogniseDocument' && e.outcome === 'passed')).toHaveLength(1);
      expect(mine.filter((e) => e.step === 'received')).toHaveLength(1);
    }
    await expect(t.services.audit.verify(batchId)).resolves.toMatchObject({ ok: true, count: events.length });
  }, 240_000);
});

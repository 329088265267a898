import { isDocOcrError } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './concurrency-gate.js';

const code = (error: unknown) => (isDocOcrError(error) ? error.code : String(error));

describe('ConcurrencyGate', () => {
  it('admits up to the cap, queues up to the bound, turns the rest away', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 10_000 });
    const a = await gate.acquire();
    await gate.acquire();
    const waiting = gate.acquire();
    expect(gate.queued).toBe(1);
    await expect(gate.acquire().catch(code)).resolves.toBe('ServiceUnavailable');
    a();
    a(); // a second release of the same place changes nothing
    await waiting;
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(0);
  });

  it('hands a freed place to the first waiter, in order', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 10_000 });
    const release = await gate.acquire();
    const order: number[] = [];
    const first = gate.acquire().then((r) => (order.push(1), r));
    const second = gate.acquire().then((r) => (order.push(2), r));
    release();
    (await first)();
    (await second)();
    expect(order).toEqual([1, 2]);
    expect(gate.active).toBe(0);
  });

  it('turns a waiter away after the queue timeout, and drops one whose caller gave up', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 30 });
    await gate.acquire();
    await expect(gate.acquire().catch(code)).resolves.toBe('ServiceUnavailable');
    const controller = new AbortController();
    const abandoned = gate.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(abandoned).rejects.toThrow('gone');
    expect(gate.queued).toBe(0);
  });
});

import { ServiceUnavailableError } from '@dococr/core';

export interface ConcurrencyGateOptions {
  /** Holders at once. */
  maxConcurrent: number;
  /** Callers allowed to wait for a place; one more is turned away at once. */
  maxQueued: number;
  /** Longest wait for a place before the caller is turned away. */
  queueTimeoutMs: number;
}

interface Waiter {
  grant: () => void;
  reject: (error: unknown) => void;
}

/**
 * Caps the work in progress with a bounded wait list: past `maxQueued` waiters (or after `queueTimeoutMs`) callers
 * get ServiceUnavailable, so a burst costs a 503 instead of unbounded memory and latency.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: ConcurrencyGateOptions) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with a release function once a place is free. Rejects with ServiceUnavailableError when the wait list
   * is full or the wait times out, and with the signal's reason when the caller gives up while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.options.maxConcurrent) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(new ServiceUnavailableError('The service is at capacity; retry later.'));
    }
    return new Promise((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.releaser());
        },
        reject: (error) => {
          leave();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new ServiceUnavailableError('The service is at capacity; retry later.')),
        this.options.queueTimeoutMs,
      );
      const onAbort = () => waiter.reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting[0];
      // The place passes straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
      if (next) next.grant();
      else this.running--;
    };
  }
}

import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket.js';

describe('TokenBucketLimiter', () => {
  it('lets a burst through, then one request per 1/rate seconds', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(limiter.take('k', 0).ok).toBe(true);
    expect(limiter.take('k', 0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(limiter.take('k', 250)).toEqual({ ok: false, retryAfterMs: 250 });
    expect(limiter.take('k', 500).ok).toBe(true);
    expect(limiter.take('k', 500).ok).toBe(false);
  });

  it('keeps one bucket per key and never fills past the burst', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('b', 0).ok).toBe(true);
    expect(limiter.take('a', 0).ok).toBe(false);
    expect(limiter.take('a', 60_000).ok).toBe(true);
    expect(limiter.take('a', 60_000).ok).toBe(false);
  });

  it('rejects a rate or burst that could never let anything through', () => {
    expect(() => new TokenBucketLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBucketLimiter({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});

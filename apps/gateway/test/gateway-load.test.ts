import { afterAll, describe, expect, it } from 'vitest';
import { BASE_PARAMETERS, IMAGE, rawCall, startTestGateway, type TestGateway } from './helpers.js';

let gateway: TestGateway | undefined;
afterAll(async () => {
  await gateway?.close();
});

describe('a burst of 200 concurrent calls', () => {
  it('answers every one with success, throttling or ServiceUnavailable, and loses none', async () => {
    gateway = await startTestGateway({
      rateLimit: { qps: 10, burst: 150 },
      concurrency: { maxConcurrent: 4, maxQueued: 120, queueTimeoutMs: 20_000 },
    });
    const port = gateway.port;
    const fake = gateway.fake;
    // Each run takes a little while, so the cap and the queue are really exercised.
    fake.gate = new Promise((resolve) => setTimeout(resolve, 50));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        rawCall({
          port,
          query: { ...BASE_PARAMETERS, MerchantBizId: `biz${i}` },
          form: { IdOcrPictureBase64: IMAGE.toString('base64') },
        }),
      ),
    );
    const byCode = new Map<string, number>();
    for (const answer of answers) byCode.set(String(answer.body.Code), (byCode.get(String(answer.body.Code)) ?? 0) + 1);
    expect([...byCode.keys()].every((code) => ['Success', 'Throttling.Api', 'ServiceUnavailable'].includes(code))).toBe(
      true,
    );
    expect([...byCode.values()].reduce((a, b) => a + b, 0)).toBe(200);
    // The burst lets about 150 through the rate limiter (plus a refill of 10 a second); the rest are throttled.
    expect(byCode.get('Throttling.Api')).toBeGreaterThan(0);
    expect(byCode.get('Success')).toBeGreaterThanOrEqual(100);
    const successes = answers.filter((a) => a.status === 200);
    expect(successes.length).toBe(byCode.get('Success'));
    // Every success is the answer of exactly one run, with that run's request id.
    const runRequestIds = new Set(fake.calls.map((c) => c.ctx.requestId));
    expect(runRequestIds.size).toBe(fake.calls.length);
    for (const success of successes) expect(runRequestIds.has(String(success.body.RequestId))).toBe(true);
    expect(fake.calls.length).toBe(successes.length);
  });
});

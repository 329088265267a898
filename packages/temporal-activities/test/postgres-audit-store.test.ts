import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAuditStore } from '../src/audit/index.js';
import { describeAuditStore } from './audit-store-contract.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

describe.skipIf(!postgresAvailable)('PostgresAuditStore against a real PostgreSQL', () => {
  let cluster: PostgresCluster;
  let connectionString: string;
  let admin: pg.Pool;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    connectionString = cluster.connectionString;
    admin = new pg.Pool({ connectionString, max: 1 });
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
  }, 60_000);

  describeAuditStore('PostgresAuditStore', {
    async setup() {
      await admin.query('DROP TABLE IF EXISTS audit_events, audit_heads');
      return PostgresAuditStore.open({ connectionString });
    },
    open: () => PostgresAuditStore.open({ connectionString }),
    async exec(sql, params) {
      let n = 0;
      await admin.query(params === undefined ? sql : sql.replace(/\?/g, () => `$${++n}`), params);
    },
    async teardown() {},
  });

  it('serialises appends from many connections per application while keeping every chain valid', async () => {
    await admin.query('DROP TABLE IF EXISTS audit_events, audit_heads');
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresAuditStore.open({ connectionString })));
    try {
      await Promise.all(
        stores.flatMap((store, worker) =>
          Array.from({ length: 30 }, (_, i) =>
            store.append({
              applicationId: i % 2 === 0 ? 'app-a' : 'app-b',
              eventId: i % 3 === 0 ? `shared:${i}` : `w${worker}:${i}`,
              step: 'ocr',
              startedAt: new Date().toISOString(),
              actor: `worker:${worker}`,
              outcome: 'passed',
            }),
          ),
        ),
      );
      for (const applicationId of ['app-a', 'app-b']) {
        const verification = await stores[0]!.verify(applicationId);
        expect(verification.ok).toBe(true);
        const events = await stores[0]!.list(applicationId);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      }
      // 30 indices, a third shared (stored once), the rest once per worker.
      const total = (await stores[0]!.list('app-a')).length + (await stores[0]!.list('app-b')).length;
      expect(total).toBe(10 + 20 * 4);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }, 60_000);
});

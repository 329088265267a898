import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './net-helpers.js';
import { PostgresAuditStore } from '../src/audit/index.js';
import { describeAuditStore } from './audit-store-contract.js';

/**
 * A throwaway PostgreSQL cluster from the Debian `postgresql` package (scripts/debian-packages.txt), started by this
 * test on a free loopback port and removed afterwards. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user the package creates.
 */
function findPgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'pg_ctl')));
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
    };
  } catch {
    return undefined;
  }
}

const pgBin = findPgBin();
const asRoot = process.getuid?.() === 0;
const runAs = asRoot ? postgresUser() : undefined;
const available = pgBin !== undefined && (!asRoot || runAs !== undefined);

function run(command: string, args: string[]): void {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(pgBin!, command), ...args]]
    : [join(pgBin!, command), args];
  execFileSync(file, argv, { stdio: 'pipe' });
}

describe.skipIf(!available)('PostgresAuditStore against a real PostgreSQL', () => {
  let workDir: string;
  let dataDir: string;
  let connectionString: string;
  let admin: pg.Pool;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'dococr-pg-'));
    dataDir = join(workDir, 'data');
    const socketDir = join(workDir, 'socket');
    mkdirSync(socketDir);
    if (runAs) for (const path of [workDir, socketDir]) chownSync(path, runAs.uid, runAs.gid);
    const port = await freePort();
    run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'dococr', '-E', 'UTF8', '--locale=C', '--no-sync']);
    run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(workDir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      'start',
    ]);
    connectionString = `postgres://dococr@127.0.0.1:${port}/postgres`;
    admin = new pg.Pool({ connectionString, max: 1 });
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    if (dataDir && existsSync(join(dataDir, 'postmaster.pid')))
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
    rmSync(workDir, { recursive: true, force: true });
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

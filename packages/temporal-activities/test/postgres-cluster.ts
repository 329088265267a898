import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net-helpers.js';

/**
 * Throwaway PostgreSQL clusters from the Debian `postgresql` package (scripts/debian-packages.txt), started by a test
 * on a free loopback port and removed afterwards. PostgreSQL refuses to run as root, so as root it runs as the
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

/** False when no PostgreSQL server binaries are installed (or, as root, no `postgres` user to run them). */
export const postgresAvailable = pgBin !== undefined && (!asRoot || runAs !== undefined);

function run(command: string, args: string[]): void {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(pgBin!, command), ...args]]
    : [join(pgBin!, command), args];
  execFileSync(file, argv, { stdio: 'pipe' });
}

export interface PostgresCluster {
  /** Superuser `dococr`, trust authentication, database `postgres`. */
  connectionString: string;
  stop(): Promise<void>;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const workDir = mkdtempSync(join(tmpdir(), 'dococr-pg-'));
  const dataDir = join(workDir, 'data');
  const socketDir = join(workDir, 'socket');
  mkdirSync(socketDir);
  if (runAs) for (const path of [workDir, socketDir]) chownSync(path, runAs.uid, runAs.gid);
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'dococr', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  run('pg_ctl', ['-D', dataDir, '-l', join(workDir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
  return {
    connectionString: `postgres://dococr@127.0.0.1:${port}/postgres`,
    async stop() {
      if (existsSync(join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

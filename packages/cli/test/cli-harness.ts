import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  openLocalServices,
  orchestratorConfigFromEnv,
  startStack,
  type Stack,
} from '@dococr/orchestrator';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A real dev server with a worker on a task queue of its own, and the environment that points the CLI at it. */
export async function startTestStack(
  dataDir: string,
  prefix: string,
): Promise<{ stack: Stack; env: Record<string, string> }> {
  const taskQueue = `${prefix}-${randomBytes(4).toString('hex')}`;
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir, devServerPort: await freePort(), devServerUiPort: await freePort(), taskQueue },
  );
  const services = openLocalServices(config);
  const stack = await startStack({
    config,
    logger: createLogger({ level: 'warn', pretty: false }),
    blobs: services.blobs,
    audit: services.audit,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
    // The worker erases for the retention workflow, so it gets the whole key store.
    keyStore: services.keyStore,
  });
  const env = {
    PATH: process.env.PATH ?? '',
    DOCOCR_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: stack.address,
    DOCOCR_TASK_QUEUE: taskQueue,
    DOCOCR_LOG_LEVEL: 'warn',
  };
  return { stack, env };
}

/** The built CLI as a subprocess; resolves with its exit code and output, never rejects. */
export function runCli(env: Record<string, string>, cwd: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env, cwd, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { resolveTemporalBinary } from './temporal-binary.js';

/** Search attributes that operators filter runs by; registered when the dev server starts. Never PII. */
export const SEARCH_ATTRIBUTES = {
  DococrDocType: 'Keyword',
  DococrSceneCode: 'Keyword',
  DococrSubCode: 'Keyword',
  DococrPassed: 'Keyword',
  DococrDecision: 'Keyword',
  DococrUserHash: 'Keyword',
  DococrKind: 'Keyword',
} as const;

export interface DevServerOptions {
  dataDir: string;
  namespace: string;
  port: number;
  uiPort: number;
  /** Serve the Web UI (`dococr dev`); headless otherwise. */
  ui: boolean;
  /** Codec endpoint URL for the Web UI to decrypt payloads. */
  codecEndpoint?: string | undefined;
  temporalCliPath?: string | undefined;
  pathEnv?: string | undefined;
  logger: Logger;
  /** How long to wait for the server to answer; the SDK's own helper allows only 5 s, too little on a busy machine. */
  readyTimeoutMs?: number;
}

export interface DevServerHandle {
  address: string;
  /** Web UI URL, when a UI is served. */
  uiUrl?: string | undefined;
  /** True when a server was already running at the address and was reused. */
  reused: boolean;
  stop(): Promise<void>;
}

function isPortOpen(address: string, timeoutMs: number): Promise<boolean> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when a Temporal frontend answers at the address within the timeout. */
export async function isTemporalServing(address: string, timeoutMs = 1500): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    if (!(await isPortOpen(address, timeoutMs))) return false;
    // connect() itself asks the server for its system info, so a resolved connection means a serving frontend.
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function waitUntilServing(address: string, child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`the Temporal dev server exited with code ${child.exitCode} before it was ready`);
    }
    if (await isTemporalServing(address, 1000)) return;
    await sleep(250);
  }
  throw new Error(`the Temporal dev server did not answer at ${address} within ${timeoutMs} ms`);
}

/**
 * Starts the embedded Temporal dev server with SQLite persistence in the data folder, or reuses one that
 * already answers on the port (for example the one `dococr dev` runs). Runs and their histories survive a
 * restart because the database file stays in the data folder.
 */
export async function ensureDevServer(options: DevServerOptions): Promise<DevServerHandle> {
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = options.ui ? `http://127.0.0.1:${options.uiPort}` : undefined;
  if (await isTemporalServing(address)) {
    options.logger.info({ address }, 'reusing the Temporal server already running');
    return { address, uiUrl, reused: true, stop: async () => undefined };
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const dbFilename = path.join(options.dataDir, 'temporal.db');
  const extraArgs = [
    '--db-filename',
    dbFilename,
    '--log-level',
    'warn',
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([k, v]) => ['--search-attribute', `${k}=${v}`]),
    ...(options.ui ? ['--ui-disable-news-fetch'] : ['--headless']),
    ...(options.ui && options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
  ];
  const binary = resolveTemporalBinary({ explicitPath: options.temporalCliPath, pathEnv: options.pathEnv });
  if (!binary) {
    options.logger.warn(
      'no Temporal CLI found (TEMPORAL_CLI_PATH, .tools/temporal, PATH); downloading it through the SDK',
    );
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: options.port,
        namespace: options.namespace,
        ...(options.ui ? { ui: true, uiPort: options.uiPort } : {}),
        extraArgs: extraArgs.filter((a) => a !== '--headless'),
      },
    });
    return { address: env.address, uiUrl, reused: false, stop: () => env.teardown() };
  }
  const logFd = openSync(path.join(options.dataDir, 'temporal-server.log'), 'a');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    ...extraArgs,
  ];
  const child = spawn(binary.path, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  options.logger.info(
    { binary: binary.path, source: binary.source, address, dbFilename },
    'starting the Temporal dev server',
  );
  try {
    await waitUntilServing(address, child, options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    // Another process may have won the race for the port; use its server if it answers.
    if (await isTemporalServing(address)) return { address, uiUrl, reused: true, stop: async () => undefined };
    throw err;
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { address, uiUrl, reused: false, stop };
}

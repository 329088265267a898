import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ApplicationFailure, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './net-helpers.js';
import { LocalKeyStore, applicationIdFromWorkflowId, createDataConverter } from '../src/crypto/index.js';
import type { Person } from './fixtures/codec-workflows.js';

const testDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(testDir, '../../..');
const temporalBinary = process.env.TEMPORAL_CLI_PATH ?? join(repoRoot, '.tools/temporal/bin/temporal');

const PERSON: Person = { name: 'CHAN TAI MAN CODECPROBE', idNumber: 'Z987654(3)' };
const CONTROL_MARKER = 'CLEAR-TEXT-CONTROL-7f3a';
const FAILURE_MARKER = 'FAILURE-MESSAGE-52c1';

function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as { metadata?: unknown; data?: unknown };
  if (candidate.metadata && typeof candidate.metadata === 'object' && candidate.data instanceof Uint8Array) {
    found.push(value as Payload);
    return found;
  }
  for (const item of Object.values(value)) payloadsIn(item, found);
  return found;
}

/**
 * The codec inside a real client and worker (Temporal CLI dev server with a SQLite file): SDK 1.24 hands the codec a
 * serialization context with the workflow id, so workflow, activity and child payloads of one application are
 * encrypted with that application's data key, and nothing readable reaches Temporal's database.
 */
describe.skipIf(!existsSync(temporalBinary))('EncryptionCodec with a Temporal server', () => {
  let workDir: string;
  let server: ChildProcess;
  let address: string;
  let keys: LocalKeyStore;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    // ERROR: the SDK logs an activity's failure message at WARN, and this test's failure messages quote a name on purpose.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    workDir = mkdtempSync(join(tmpdir(), 'dococr-codec-temporal-'));
    address = `127.0.0.1:${await freePort()}`;
    server = spawn(
      temporalBinary,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        address.split(':')[1]!,
        '--db-filename',
        join(workDir, 'temporal.db'),
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        connection = await Connection.connect({ address, connectTimeout: 1000 });
        break;
      } catch (error) {
        if (Date.now() > deadline || server.exitCode !== null) throw error;
        await sleep(250);
      }
    }
    keys = LocalKeyStore.open({ dataDir: workDir });
    client = new Client({
      connection,
      dataConverter: createDataConverter(keys, { applicationIdOf: applicationIdFromWorkflowId(/^kyc-([^/]+)/) }),
    });
  }, 90_000);

  afterAll(async () => {
    await connection?.close();
    keys?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((done) => server.once('exit', done));
    }
    rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  it('encrypts every payload of an application with its data key, keeps the database free of clear text, and shreds', async () => {
    const taskQueue = 'codec-probe';
    const dataConverter = createDataConverter(keys, { applicationIdOf: applicationIdFromWorkflowId(/^kyc-([^/]+)/) });
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: join(testDir, 'fixtures/codec-workflows.ts'),
      activities: {
        echoPerson: async (person: Person) => person,
        rejectPerson: async (person: Person) => {
          throw ApplicationFailure.nonRetryable(`${FAILURE_MARKER}: no record of ${person.name}`, 'NoRecord');
        },
      },
      dataConverter,
    });
    const plainClient = new Client({ connection });

    await worker.runUntil(async () => {
      const result = await client.workflow.execute('codecProbe', {
        taskQueue,
        workflowId: 'kyc-app-1',
        args: [PERSON],
      });
      // The failure message reaches the workflow intact (decrypted), yet is stored encrypted.
      expect(result).toEqual({
        person: PERSON,
        child: `child saw ${PERSON.name}`,
        rejectedWith: `${FAILURE_MARKER}: no record of ${PERSON.name}`,
      });
      // Positive control for the database scan: a run started without the codec stores its input in clear.
      await plainClient.workflow.start('codecChild', {
        taskQueue,
        workflowId: 'plain-control',
        args: [CONTROL_MARKER],
      });
      expect(await client.workflow.getHandle('plain-control').result()).toBe(`child saw ${CONTROL_MARKER}`);
    });
    await workerConnection.close();

    for (const workflowId of ['kyc-app-1', 'kyc-app-1/child']) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const payloads = payloadsIn(history.events);
      expect(payloads.length).toBeGreaterThanOrEqual(workflowId.endsWith('child') ? 2 : 6);
      for (const payload of payloads) {
        expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
        expect(Buffer.from(payload.metadata!['encryption-key-id']!).toString()).toBe('app:app-1');
      }
    }

    await connection.close();
    const dbFiles = readdirSync(workDir).filter((name) => name.startsWith('temporal.db'));
    const database = Buffer.concat(dbFiles.map((name) => readFileSync(join(workDir, name))));
    expect(database.includes(CONTROL_MARKER)).toBe(true);
    expect(database.includes(PERSON.name)).toBe(false);
    expect(database.includes(PERSON.idNumber)).toBe(false);
    expect(database.includes(FAILURE_MARKER)).toBe(false);

    connection = await Connection.connect({ address });
    client = new Client({ connection, dataConverter });
    await keys.destroyDataKey('app-1');
    await expect(client.workflow.getHandle('kyc-app-1').result()).rejects.toThrow(
      /data key of application app-1 was destroyed/,
    );
    expect(await client.workflow.getHandle('plain-control').result()).toBe(`child saw ${CONTROL_MARKER}`);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EnvelopeKeyStore,
  KeyDestroyedError,
  PostgresDataKeyTable,
  StaticMasterKeyRing,
  parseEnvelope,
} from '../src/crypto/index.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const MASTER_KEYS = [
  { id: 'mk-cluster-1', key: Buffer.alloc(32, 7).toString('base64') },
  { id: 'mk-cluster-2', key: Buffer.alloc(32, 9).toString('base64') },
];
const text = (s: string) => Buffer.from(s);

/** Two key stores on one PostgreSQL data-key table and the same configured master keys: two worker machines. */
describe.skipIf(!postgresAvailable)('EnvelopeKeyStore on PostgreSQL across machines', () => {
  let cluster: PostgresCluster;
  let machineA: EnvelopeKeyStore;
  let machineB: EnvelopeKeyStore;

  const machine = async (activeId: string) =>
    new EnvelopeKeyStore(
      new StaticMasterKeyRing(MASTER_KEYS, activeId),
      await PostgresDataKeyTable.open({ connectionString: cluster.connectionString }),
    );

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    [machineA, machineB] = await Promise.all([machine('mk-cluster-1'), machine('mk-cluster-1')]);
  }, 120_000);
  afterAll(async () => {
    await machineA?.close();
    await machineB?.close();
    await cluster?.stop();
  }, 60_000);

  it('shares data keys: a key created racing on both machines is one key, readable on either', async () => {
    const [onA, onB] = await Promise.all([
      machineA.encrypt(text('from A'), { applicationId: 'app-race' }),
      machineB.encrypt(text('from B'), { applicationId: 'app-race' }),
    ]);
    expect(Buffer.from(await machineB.decrypt(onA)).toString()).toBe('from A');
    expect(Buffer.from(await machineA.decrypt(onB)).toString()).toBe('from B');
  });

  it('destroys a data key everywhere at once', async () => {
    const sealed = await machineA.encrypt(text('A123456(7)'), { applicationId: 'app-erase' });
    expect(await machineB.destroyDataKey('app-erase')).toMatchObject({ existed: true });
    await expect(machineA.decrypt(sealed)).rejects.toBeInstanceOf(KeyDestroyedError);
    await expect(machineA.encrypt(text('again'), { applicationId: 'app-erase' })).rejects.toBeInstanceOf(
      KeyDestroyedError,
    );
    const repeated = await machineA.destroyDataKey('app-erase');
    expect(repeated.existed).toBe(true);
    expect(await machineA.dataKeyStatus('app-erase')).toBe('destroyed');
    expect(await machineA.dataKeyStatus('app-never')).toBe('absent');
  });

  it('re-wraps data keys under a newly configured master key', async () => {
    const sealed = await machineA.encrypt(text('kept'), { applicationId: 'app-rotate' });
    const rotated = await machine('mk-cluster-2');
    try {
      expect(parseEnvelope(await rotated.encrypt(text('x'))).id).toBe('mk-cluster-2');
      expect(await rotated.rewrapDataKeys()).toBeGreaterThanOrEqual(2);
      expect(await rotated.rewrapDataKeys()).toBe(0);
      expect((await rotated.getOrCreateDataKey('app-rotate')).masterKeyId).toBe('mk-cluster-2');
      expect(Buffer.from(await machineB.decrypt(sealed)).toString()).toBe('kept');
    } finally {
      await rotated.close();
    }
  });
});

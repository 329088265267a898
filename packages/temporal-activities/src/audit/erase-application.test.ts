import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../blob-store/local-blob-store.js';
import { KeyDestroyedError } from '../crypto/crypto-errors.js';
import { LocalKeyStore } from '../crypto/key-store.js';
import { digestOf } from './digest.js';
import { eraseApplication } from './erase-application.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

const NAME = 'CHAN TAI MAN ERASURE';
const IMAGE = Buffer.from(`\x89PNG fake image of ${NAME}`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

describe('eraseApplication', () => {
  let dataDir: string;
  let keyStore: LocalKeyStore;
  let blobStore: LocalBlobStore;
  let auditStore: SqliteAuditStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-erase-'));
    keyStore = LocalKeyStore.open({ dataDir });
    blobStore = new LocalBlobStore({ dataDir, keyStore });
    auditStore = new SqliteAuditStore({ dataDir });
  });
  afterEach(async () => {
    keyStore.close();
    await auditStore.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shreds the data, keeps the chain verifiable, records itself once, and leaves other applications alone', async () => {
    const ref = await blobStore.put(IMAGE, { mediaType: 'image/png', applicationId: 'app-1' });
    const sealedFields = await keyStore.encrypt(Buffer.from(NAME), { applicationId: 'app-1' });
    const other = await blobStore.put(IMAGE, { mediaType: 'image/png', applicationId: 'app-2' });
    await auditStore.append({
      applicationId: 'app-1',
      eventId: 'ocr-1',
      step: 'ocr',
      startedAt: '2026-11-26T06:00:00.000Z',
      actor: 'worker:test',
      outcome: 'passed',
      inputDigest: ref.sha256,
      outputDigest: digestOf({ name: NAME }),
    });

    const request = { applicationId: 'app-1', reason: 'GDPR Art. 17 request 118', actor: 'cli:dpo' };
    const report = await eraseApplication({ keyStore, blobStore, auditStore }, request);
    expect(report).toMatchObject({ applicationId: 'app-1', blobsDeleted: 1 });
    expect(report.event).toMatchObject({
      seq: 2,
      step: 'erasure',
      outcome: 'erased',
      reasons: ['GDPR Art. 17 request 118'],
      data: { blobsDeleted: 1, dataKeyExisted: true, dataKeyDestroyedAt: report.dataKeyDestroyedAt },
    });
    await expect(keyStore.decrypt(sealedFields)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await blobStore.has(ref)).toBe(false);
    expect(await auditStore.verify('app-1')).toMatchObject({ ok: true, count: 2 });
    expect(Buffer.from(await blobStore.get(other)).equals(IMAGE)).toBe(true);

    const again = await eraseApplication({ keyStore, blobStore, auditStore }, request);
    expect(again.event).toEqual(report.event);
    expect((await auditStore.list('app-1')).length).toBe(2);

    // Nothing in the data folder holds the name in clear.
    for (const path of filesUnder(dataDir)) expect([path, readFileSync(path).includes(NAME)]).toEqual([path, false]);
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyDestroyedError } from '../crypto/crypto-errors.js';
import { LocalKeyStore } from '../crypto/key-store.js';
import { BlobIntegrityError, BlobNotFoundError, InvalidBlobRefError } from './blob-errors.js';
import { LocalBlobStore } from './local-blob-store.js';

const IMAGE = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('JFIF passport of CHAN TAI MAN A123456(7)'),
]);

function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, 'blobs');
  return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)));
}

describe('LocalBlobStore', () => {
  let dataDir: string;
  let keys: LocalKeyStore;
  let blobs: LocalBlobStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-blobs-'));
    keys = LocalKeyStore.open({ dataDir });
    blobs = new LocalBlobStore({ dataDir, keyStore: keys });
  });
  afterEach(() => {
    keys.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores content-addressed, encrypted at rest, and reads back the same bytes', async () => {
    const ref = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    expect(ref).toEqual({
      sha256: createHash('sha256').update(IMAGE).digest('hex'),
      size: IMAGE.length,
      mediaType: 'image/jpeg',
      key: `app-1/${ref.sha256}`,
    });
    expect(await blobs.has(ref)).toBe(true);
    expect(Buffer.from(await blobs.get(ref)).equals(IMAGE)).toBe(true);
    const [file] = blobFiles(dataDir);
    const raw = readFileSync(file!);
    expect(raw.includes('CHAN TAI MAN')).toBe(false);
    expect(raw.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
  });

  it('is idempotent: putting the same bytes twice keeps one copy and returns the same ref', async () => {
    const first = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    const before = readFileSync(blobFiles(dataDir)[0]!);
    const second = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    expect(second).toEqual(first);
    expect(blobFiles(dataDir)).toHaveLength(1);
    expect(readFileSync(blobFiles(dataDir)[0]!).equals(before)).toBe(true);
    expect(blobFiles(dataDir).some((path) => path.endsWith('.tmp'))).toBe(false);
  });

  it('keeps one copy per application so that erasures stay independent', async () => {
    const a = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    const b = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-2' });
    expect(a.sha256).toBe(b.sha256);
    expect(a.key).not.toBe(b.key);
    expect(blobFiles(dataDir)).toHaveLength(2);
  });

  it('crypto-shredding: after the data key is destroyed the blob is unreadable, other applications are not', async () => {
    const erased = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    const kept = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-2' });
    await keys.destroyDataKey('app-1');
    await expect(blobs.get(erased)).rejects.toBeInstanceOf(KeyDestroyedError);
    // Even a fresh process over the same folder, holding the master key, cannot decrypt it.
    const reopened = LocalKeyStore.open({ dataDir });
    try {
      await expect(new LocalBlobStore({ dataDir, keyStore: reopened }).get(erased)).rejects.toBeInstanceOf(
        KeyDestroyedError,
      );
    } finally {
      reopened.close();
    }
    await expect(
      blobs.put(Buffer.from('new'), { mediaType: 'image/png', applicationId: 'app-1' }),
    ).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(Buffer.from(await blobs.get(kept)).equals(IMAGE)).toBe(true);
  });

  it('deletes one blob or a whole application', async () => {
    const one = await blobs.put(Buffer.from('one'), { mediaType: 'image/png', applicationId: 'app-1' });
    await blobs.put(Buffer.from('two'), { mediaType: 'image/png', applicationId: 'app-1' });
    const other = await blobs.put(Buffer.from('three'), { mediaType: 'image/png', applicationId: 'app-2' });
    expect(await blobs.delete(one)).toBe(true);
    expect(await blobs.delete(one)).toBe(false);
    await expect(blobs.get(one)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await blobs.deleteApplication('app-1')).toBe(1);
    expect(await blobs.deleteApplication('app-1')).toBe(0);
    expect(await blobs.has(other)).toBe(true);
  });

  it('detects a swapped file and rejects a forged reference', async () => {
    const a = await blobs.put(Buffer.from('aaa'), { mediaType: 'image/png', applicationId: 'app-1' });
    const b = await blobs.put(Buffer.from('bbb'), { mediaType: 'image/png', applicationId: 'app-1' });
    const c = await blobs.put(Buffer.from('aaa'), { mediaType: 'image/png', applicationId: 'app-2' });
    const files = blobFiles(dataDir);
    const pathOf = (sha: string, except?: string) => files.find((f) => f.includes(sha) && f !== except)!;
    writeFileSync(pathOf(a.sha256), readFileSync(pathOf(b.sha256)));
    await expect(blobs.get(a)).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(blobs.get({ ...c, key: `app-1/${c.sha256}` })).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(blobs.get({ ...b, key: '../../etc/passwd' })).rejects.toBeInstanceOf(InvalidBlobRefError);
    await expect(blobs.get({ ...b, key: `app-1/${a.sha256}` })).rejects.toBeInstanceOf(InvalidBlobRefError);
  });

  it('accepts application ids that are not safe file names', async () => {
    const ref = await blobs.put(Buffer.from('x'), { mediaType: 'image/png', applicationId: '../weird/id:with spaces' });
    expect(Buffer.from(await blobs.get(ref)).toString()).toBe('x');
    expect(await blobs.deleteApplication('../weird/id:with spaces')).toBe(1);
  });
});

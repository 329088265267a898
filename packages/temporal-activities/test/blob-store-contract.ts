import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  InvalidBlobRefError,
  type BlobRef,
  type BlobStore,
} from '../src/blob-store/index.js';
import { KeyDestroyedError, LocalKeyStore } from '../src/crypto/index.js';

export const IMAGE = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('JFIF passport of CHAN TAI MAN A123456(7)'),
]);

/** What the shared blob-store tests need from a backend besides the store itself: a look at the raw stored objects. */
export interface BlobStoreHarness {
  setup(keyStore: LocalKeyStore): Promise<BlobStore>;
  /** Every stored object, as raw bytes. */
  stored(): Promise<Buffer[]>;
  /** Overwrites the stored object of `target` with the stored bytes of `source`, as someone swapping files would. */
  swap(target: BlobRef, source: BlobRef): Promise<void>;
  teardown(): Promise<void>;
}

/** The behaviour every `BlobStore` must have; run once per backend. */
export function describeBlobStore(name: string, harness: BlobStoreHarness): void {
  describe(name, () => {
    let dataDir: string;
    let keys: LocalKeyStore;
    let blobs: BlobStore;

    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'dococr-blobs-'));
      keys = LocalKeyStore.open({ dataDir });
      blobs = await harness.setup(keys);
    });
    afterEach(async () => {
      await harness.teardown();
      await keys.close();
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
      const [raw] = await harness.stored();
      expect(raw!.includes('CHAN TAI MAN')).toBe(false);
      expect(raw!.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    });

    it('is idempotent: putting the same bytes twice keeps one copy and returns the same ref', async () => {
      const first = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
      const [before] = await harness.stored();
      const second = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
      expect(second).toEqual(first);
      const after = await harness.stored();
      expect(after).toHaveLength(1);
      expect(after[0]!.equals(before!)).toBe(true);
    });

    it('keeps one copy per application so that erasures stay independent', async () => {
      const a = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
      const b = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-2' });
      expect(a.sha256).toBe(b.sha256);
      expect(a.key).not.toBe(b.key);
      expect(await harness.stored()).toHaveLength(2);
    });

    it('crypto-shredding: after the data key is destroyed the blob is unreadable, other applications are not', async () => {
      const erased = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
      const kept = await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-2' });
      await keys.destroyDataKey('app-1');
      await expect(blobs.get(erased)).rejects.toBeInstanceOf(KeyDestroyedError);
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
      expect(await harness.stored()).toHaveLength(1);
    });

    it('detects a swapped object and rejects a forged reference', async () => {
      const a = await blobs.put(Buffer.from('aaa'), { mediaType: 'image/png', applicationId: 'app-1' });
      const b = await blobs.put(Buffer.from('bbb'), { mediaType: 'image/png', applicationId: 'app-1' });
      const c = await blobs.put(Buffer.from('ccc'), { mediaType: 'image/png', applicationId: 'app-2' });
      await harness.swap(a, b);
      await expect(blobs.get(a)).rejects.toBeInstanceOf(BlobIntegrityError);
      await harness.swap(b, c);
      await expect(blobs.get(b)).rejects.toThrow(/sealed for another application/);
      await expect(blobs.get({ ...c, key: '../../etc/passwd' })).rejects.toBeInstanceOf(InvalidBlobRefError);
      await expect(blobs.get({ ...c, key: `app-2/${a.sha256}` })).rejects.toBeInstanceOf(InvalidBlobRefError);
    });

    it('accepts application ids that are not safe file names or object keys', async () => {
      const weird = '../weird/id:with spaces?&';
      const ref = await blobs.put(Buffer.from('x'), { mediaType: 'image/png', applicationId: weird });
      expect(Buffer.from(await blobs.get(ref)).toString()).toBe('x');
      expect(await blobs.deleteApplication(weird)).toBe(1);
    });
  });
}

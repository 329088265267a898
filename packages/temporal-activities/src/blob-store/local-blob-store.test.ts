import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeBlobStore, IMAGE } from '../../test/blob-store-contract.js';
import { LocalKeyStore } from '../crypto/key-store.js';
import { locateBlob } from './blob-sealing.js';
import { LocalBlobStore } from './local-blob-store.js';

let dataDir: string;
const blobFiles = () => {
  const root = join(dataDir, 'blobs');
  return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)));
};
const pathOf = (ref: Parameters<typeof locateBlob>[0]) => {
  const { folder, name } = locateBlob(ref);
  return join(dataDir, 'blobs', folder, name);
};

describeBlobStore('LocalBlobStore', {
  async setup(keyStore) {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-local-blobs-'));
    return new LocalBlobStore({ dataDir, keyStore });
  },
  async stored() {
    return blobFiles().map((path) => readFileSync(path));
  },
  async swap(target, source) {
    copyFileSync(pathOf(source), pathOf(target));
  },
  async teardown() {
    rmSync(dataDir, { recursive: true, force: true });
  },
});

it('LocalBlobStore writes owner-only files and leaves no temporary files', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dococr-local-blobs-'));
  const keys = LocalKeyStore.open({ dataDir });
  try {
    const blobs = new LocalBlobStore({ dataDir, keyStore: keys });
    await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    await blobs.put(IMAGE, { mediaType: 'image/jpeg', applicationId: 'app-1' });
    const files = blobFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.blob$/);
    expect(statSync(files[0]!).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'blobs')).mode & 0o777).toBe(0o700);
  } finally {
    await keys.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

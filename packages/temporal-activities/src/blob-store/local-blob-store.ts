import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../crypto/atomic-file.js';
import type { KeyStore } from '../crypto/key-store.js';
import { BlobNotFoundError } from './blob-errors.js';
import { applicationFolder, blobRefFor, locateBlob, openBlob, sealBlob } from './blob-sealing.js';
import type { BlobRef, BlobStore, PutBlobOptions } from './blob-store-types.js';

export interface LocalBlobStoreOptions {
  /** The data folder; blobs live in `<dataDir>/blobs/`. */
  dataDir: string;
  keyStore: KeyStore;
}

/**
 * Blobs as files: `<dataDir>/blobs/<application folder>/<sha256>.blob` (see `locateBlob`), each the key store's
 * envelope of the plaintext under the application's data key, written atomically (temporary file, then rename).
 * Content addressing is per application, so one application's erasure never touches another's copy of an image.
 *
 * @example
 * const blobs = new LocalBlobStore({ dataDir: '.dococr', keyStore });
 * const ref = await blobs.put(jpegBytes, { mediaType: 'image/jpeg', applicationId: 'app-42' });
 * const bytes = await blobs.get(ref);
 */
export class LocalBlobStore implements BlobStore {
  private readonly root: string;

  constructor(private readonly options: LocalBlobStoreOptions) {
    this.root = join(options.dataDir, 'blobs');
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  async put(bytes: Uint8Array, options: PutBlobOptions): Promise<BlobRef> {
    const ref = blobRefFor(bytes, options);
    const path = this.pathOf(ref);
    if (existsSync(path)) return ref;
    // Encrypt first: it fails with KeyDestroyedError for an erased application before anything touches the disk.
    const sealed = await sealBlob(this.options.keyStore, bytes, options.applicationId);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileAtomic(path, sealed);
    return ref;
  }

  async get(ref: BlobRef): Promise<Uint8Array> {
    let sealed: Buffer;
    try {
      sealed = readFileSync(this.pathOf(ref));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(ref.key);
      throw error;
    }
    return openBlob(this.options.keyStore, ref, sealed);
  }

  async has(ref: BlobRef): Promise<boolean> {
    return existsSync(this.pathOf(ref));
  }

  async delete(ref: BlobRef): Promise<boolean> {
    try {
      unlinkSync(this.pathOf(ref));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async deleteApplication(applicationId: string): Promise<number> {
    const dir = join(this.root, applicationFolder(applicationId));
    if (!existsSync(dir)) return 0;
    const count = readdirSync(dir).filter((name) => name.endsWith('.blob')).length;
    rmSync(dir, { recursive: true, force: true });
    return count;
  }

  private pathOf(ref: BlobRef): string {
    const { folder, name } = locateBlob(ref);
    return join(this.root, folder, name);
  }
}

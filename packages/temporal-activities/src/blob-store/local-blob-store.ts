import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../crypto/atomic-file.js';
import { KeyKind, parseEnvelope } from '../crypto/envelope.js';
import type { KeyStore } from '../crypto/key-store.js';
import { BlobIntegrityError, BlobNotFoundError, InvalidBlobRefError } from './blob-errors.js';
import type { BlobRef, BlobStore, PutBlobOptions } from './blob-store-types.js';

export interface LocalBlobStoreOptions {
  /** The data folder; blobs live in `<dataDir>/blobs/`. */
  dataDir: string;
  keyStore: KeyStore;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Blobs as files: `<dataDir>/blobs/<application folder>/<sha256>.blob`, where the application folder is the first 32
 * hex digits of SHA-256 of the application id (safe as a file name whatever the id holds) and each file is the key
 * store's envelope of the plaintext under the application's data key. Content addressing is per application, so one
 * application's erasure never touches another's copy of the same image.
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

  async put(bytes: Uint8Array, { mediaType, applicationId }: PutBlobOptions): Promise<BlobRef> {
    if (applicationId.length === 0) throw new InvalidBlobRefError('applicationId is empty');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ref: BlobRef = { sha256, size: bytes.byteLength, mediaType, key: `${applicationId}/${sha256}` };
    const path = this.pathOf(ref);
    if (existsSync(path)) return ref;
    // Encrypt first: it fails with KeyDestroyedError for an erased application before anything touches the disk.
    const sealed = await this.options.keyStore.encrypt(bytes, { applicationId });
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    writeFileAtomic(path, sealed);
    return ref;
  }

  async get(ref: BlobRef): Promise<Uint8Array> {
    const path = this.pathOf(ref);
    let sealed: Buffer;
    try {
      sealed = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(ref.key);
      throw error;
    }
    const envelope = parseEnvelope(sealed);
    if (envelope.kind !== KeyKind.Application || envelope.id !== applicationIdOfBlob(ref)) {
      throw new BlobIntegrityError(ref.key, 'of a blob sealed for another application');
    }
    const bytes = await this.options.keyStore.decrypt(sealed);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== ref.sha256) throw new BlobIntegrityError(ref.key, `with SHA-256 ${actual}`);
    return bytes;
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
    const slash = ref.key.lastIndexOf('/');
    const applicationId = ref.key.slice(0, slash);
    const sha256 = ref.key.slice(slash + 1);
    if (slash <= 0 || !SHA256_HEX.test(sha256) || sha256 !== ref.sha256) {
      throw new InvalidBlobRefError(`key ${JSON.stringify(ref.key)} is not <applicationId>/<sha256 of the blob>`);
    }
    return join(this.root, applicationFolder(applicationId), `${sha256}.blob`);
  }
}

/** The application id of a ref, from its key. */
export function applicationIdOfBlob(ref: BlobRef): string {
  return ref.key.slice(0, ref.key.lastIndexOf('/'));
}

function applicationFolder(applicationId: string): string {
  return createHash('sha256').update(applicationId, 'utf8').digest('hex').slice(0, 32);
}

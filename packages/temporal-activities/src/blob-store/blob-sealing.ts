import { createHash } from 'node:crypto';
import { KeyKind, parseEnvelope } from '../crypto/envelope.js';
import type { KeyStore } from '../crypto/key-store.js';
import { BlobIntegrityError, InvalidBlobRefError } from './blob-errors.js';
import type { BlobRef, PutBlobOptions } from './blob-store-types.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Where a blob lives in any store: `<application folder>/<sha256>.blob`, the folder being the first 32 hex digits of
 * SHA-256 of the application id (safe as a file name or object key whatever the id holds).
 */
export interface BlobLocation {
  applicationId: string;
  sha256: string;
  folder: string;
  name: string;
}

/** The ref a store returns for `bytes`: content address and `<applicationId>/<sha256>` key. */
export function blobRefFor(bytes: Uint8Array, { mediaType, applicationId }: PutBlobOptions): BlobRef {
  if (applicationId.length === 0) throw new InvalidBlobRefError('applicationId is empty');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { sha256, size: bytes.byteLength, mediaType, key: `${applicationId}/${sha256}` };
}

/** Validates a ref (which may come from anywhere, a workflow history included) and locates it. */
export function locateBlob(ref: BlobRef): BlobLocation {
  const slash = ref.key.lastIndexOf('/');
  const applicationId = ref.key.slice(0, slash);
  const sha256 = ref.key.slice(slash + 1);
  if (slash <= 0 || !SHA256_HEX.test(sha256) || sha256 !== ref.sha256) {
    throw new InvalidBlobRefError(`key ${JSON.stringify(ref.key)} is not <applicationId>/<sha256 of the blob>`);
  }
  return { applicationId, sha256, folder: applicationFolder(applicationId), name: `${sha256}.blob` };
}

export function applicationFolder(applicationId: string): string {
  return createHash('sha256').update(applicationId, 'utf8').digest('hex').slice(0, 32);
}

/** The application id of a ref, from its key. */
export function applicationIdOfBlob(ref: BlobRef): string {
  return ref.key.slice(0, ref.key.lastIndexOf('/'));
}

/** The stored form: the key store's envelope under the application's data key (KeyDestroyedError once erased). */
export function sealBlob(keyStore: KeyStore, bytes: Uint8Array, applicationId: string): Promise<Uint8Array> {
  return keyStore.encrypt(bytes, { applicationId });
}

/** The plaintext of a stored blob, refusing one sealed for another application or with other content than `ref`. */
export async function openBlob(keyStore: KeyStore, ref: BlobRef, sealed: Uint8Array): Promise<Uint8Array> {
  const envelope = parseEnvelope(sealed);
  if (envelope.kind !== KeyKind.Application || envelope.id !== applicationIdOfBlob(ref)) {
    throw new BlobIntegrityError(ref.key, 'of a blob sealed for another application');
  }
  const bytes = await keyStore.decrypt(sealed);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== ref.sha256) throw new BlobIntegrityError(ref.key, `with SHA-256 ${actual}`);
  return bytes;
}

export { BlobIntegrityError, BlobNotFoundError, BlobStoreError, InvalidBlobRefError } from './blob-errors.js';
export type { BlobRef, BlobStore, PutBlobOptions } from './blob-store-types.js';
export { LocalBlobStore, applicationIdOfBlob, type LocalBlobStoreOptions } from './local-blob-store.js';

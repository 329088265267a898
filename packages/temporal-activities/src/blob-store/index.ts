export {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreError,
  BlobStoreRequestError,
  InvalidBlobRefError,
} from './blob-errors.js';
export { applicationIdOfBlob, locateBlob, type BlobLocation } from './blob-sealing.js';
export type { BlobRef, BlobStore, PutBlobOptions } from './blob-store-types.js';
export { LocalBlobStore, type LocalBlobStoreOptions } from './local-blob-store.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

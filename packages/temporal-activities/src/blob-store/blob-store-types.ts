/**
 * A stored blob, as it travels through workflows instead of the bytes. Serialisable to JSON; holds no PII (the digest of
 * an image identifies it only to someone who already has the image).
 */
export interface BlobRef {
  /** SHA-256 of the plaintext, lowercase hex: the content address. */
  sha256: string;
  /** Plaintext size in bytes. */
  size: number;
  mediaType: string;
  /** Store-independent key, `<applicationId>/<sha256>`; a store maps it to a file, an object key, etc. */
  key: string;
}

export interface PutBlobOptions {
  mediaType: string;
  /** The application the blob belongs to: its data key encrypts the blob, and destroying that key shreds it. */
  applicationId: string;
}

/**
 * Where images live outside Temporal's history. Implementations encrypt at rest with the application's data key and
 * are content-addressed, so `put` is idempotent and callers only ever hold a `BlobRef`.
 * Every method is asynchronous so that an S3-compatible store fits behind the same interface.
 */
export interface BlobStore {
  /** Stores `bytes` (idempotent: the same bytes for the same application give the same ref and one stored copy). */
  put(bytes: Uint8Array, options: PutBlobOptions): Promise<BlobRef>;
  /**
   * The plaintext, checked against `ref.sha256`. Throws `BlobNotFoundError` when absent, `BlobIntegrityError` when
   * the stored bytes do not match the ref, and the key store's `KeyDestroyedError` once the application was erased.
   */
  get(ref: BlobRef): Promise<Uint8Array>;
  has(ref: BlobRef): Promise<boolean>;
  /** Removes one blob; returns false when it was not there. */
  delete(ref: BlobRef): Promise<boolean>;
  /** Removes every blob of an application; returns how many were removed. */
  deleteApplication(applicationId: string): Promise<number>;
}

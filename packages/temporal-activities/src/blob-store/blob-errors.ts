/** Errors of a blob store; check them by `code` when they may cross duplicated package copies. */
export class BlobStoreError extends Error {
  constructor(
    readonly code: 'BlobNotFound' | 'BlobIntegrity' | 'InvalidBlobRef' | 'BlobStoreRequestFailed',
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BlobNotFoundError extends BlobStoreError {
  constructor(readonly key: string) {
    super('BlobNotFound', `no blob ${key}`);
  }
}

/** The stored file is not the blob its reference names (another application's, or other bytes): it was swapped. */
export class BlobIntegrityError extends BlobStoreError {
  constructor(
    readonly key: string,
    found: string,
  ) {
    super('BlobIntegrity', `blob ${key} holds content ${found}, not what its reference names`);
  }
}

export class InvalidBlobRefError extends BlobStoreError {
  constructor(reason: string) {
    super('InvalidBlobRef', `invalid blob reference: ${reason}`);
  }
}

/** The object store answered with an unexpected status; 5xx, 429 and 408 are worth retrying. */
export class BlobStoreRequestError extends BlobStoreError {
  constructor(
    readonly operation: string,
    readonly status: number,
    detail: string,
  ) {
    super(
      'BlobStoreRequestFailed',
      `blob store ${operation} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`,
      status >= 500 || status === 429 || status === 408,
    );
  }
}

/**
 * Errors of the key store and the payload codec. None is retryable: a missing or destroyed key does not come back by
 * trying again. Check them by `code` rather than `instanceof` when they may cross duplicated package copies.
 */
export class CryptoError extends Error {
  readonly retryable = false;
  constructor(
    readonly code:
      | 'KeyDestroyed'
      | 'UnknownKey'
      | 'DecryptionFailed'
      | 'KeyFilePermissions'
      | 'KeyFileMalformed'
      | 'KeyInUse'
      | 'KeyManagedElsewhere',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The application's data key was destroyed (crypto-shredding): whatever it encrypted is gone for good. */
export class KeyDestroyedError extends CryptoError {
  constructor(
    readonly applicationId: string,
    readonly destroyedAt: string,
  ) {
    super(
      'KeyDestroyed',
      `the data key of application ${applicationId} was destroyed at ${destroyedAt}; its data is unrecoverable`,
    );
  }
}

/** The ciphertext names a key this key store does not hold: another data folder, another deployment, or a typo. */
export class UnknownKeyError extends CryptoError {
  constructor(
    readonly keyId: string,
    where: string,
  ) {
    super('UnknownKey', `no key ${keyId} in ${where}; was this encrypted by another deployment or key folder?`);
  }
}

/** Authentication failed or the envelope is malformed: the ciphertext, IV, tag or header was changed. */
export class DecryptionError extends CryptoError {
  constructor(reason: string) {
    super('DecryptionFailed', `decryption failed: ${reason}`);
  }
}

/** A key file or folder is readable by others than its owner; refuse rather than keep using an exposed key. */
export class KeyFilePermissionError extends CryptoError {
  constructor(
    readonly path: string,
    readonly mode: number,
  ) {
    super(
      'KeyFilePermissions',
      `${path} has mode ${(mode & 0o777).toString(8)}; key material must be owner-only (chmod 600 for files, 700 for the folder)`,
    );
  }
}

export function isKeyDestroyedError(error: unknown): error is KeyDestroyedError {
  return error instanceof Error && (error as { code?: unknown }).code === 'KeyDestroyed';
}

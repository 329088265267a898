import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CryptoError, DecryptionError, KeyDestroyedError, UnknownKeyError } from './crypto-errors.js';
import { SqliteDataKeyTable, type DataKeyRecord, type DataKeyTable } from './data-key-table.js';
import { IV_BYTES, KeyKind, TAG_BYTES, encodeEnvelopeHeader, parseEnvelope } from './envelope.js';
import { FileMasterKeyRing, assertOwnerOnly, type MasterKeyInfo, type MasterKeyRing } from './master-key-ring.js';

export type { MasterKeyInfo } from './master-key-ring.js';

export interface EncryptOptions {
  /** Encrypt under this application's data key (created on first use) instead of the active master key. */
  applicationId?: string;
}

/** What is known about an application's data key. The key material itself never leaves the key store. */
export interface DataKeyInfo {
  applicationId: string;
  /** The master key that currently wraps it. */
  masterKeyId: string;
  createdAt: string;
}

export interface DataKeyDestruction {
  applicationId: string;
  destroyedAt: string;
  /** False when no data key had been created yet; the application is still marked destroyed. */
  existed: boolean;
}

export type DataKeyStatus = 'absent' | 'active' | 'destroyed';

/**
 * Holds the master keys and the per-application data keys, and encrypts with them. Asynchronous throughout so that a
 * KMS- or HSM-backed store can implement it.
 */
export interface KeyStore {
  /** Id of the master key new ciphertexts are written with. */
  activeMasterKeyId(): string;
  encrypt(plaintext: Uint8Array, options?: EncryptOptions): Promise<Uint8Array>;
  /** Throws `KeyDestroyedError`, `UnknownKeyError` or `DecryptionError`. */
  decrypt(envelope: Uint8Array): Promise<Uint8Array>;
  getOrCreateDataKey(applicationId: string): Promise<DataKeyInfo>;
  /**
   * HMAC-SHA256 (hex) of `data` under a key derived from the application's data key (HKDF-SHA256, info
   * `dococr/keyed-digest/v1`). For digests of PII in the audit log: unlike a plain SHA-256 of an ID number, it cannot
   * be brute-forced from the log, and once the data key is destroyed nobody can recompute or link it.
   */
  keyedDigest(applicationId: string, data: Uint8Array): Promise<string>;
  dataKeyStatus(applicationId: string): Promise<DataKeyStatus>;
  /**
   * Crypto-shredding: forgets the application's data key, so everything encrypted under it (blobs, payloads in
   * Temporal's history and its backups) can never be decrypted again. Final: the application id cannot get a new key.
   */
  destroyDataKey(applicationId: string): Promise<DataKeyDestruction>;
  /** Makes a new master key the active one; older master keys keep decrypting. */
  rotateMasterKey(): Promise<MasterKeyInfo>;
  /** Re-wraps every live data key with the active master key; returns how many were re-wrapped. */
  rewrapDataKeys(): Promise<number>;
  /**
   * Deletes an old master key for good, once no live data key is wrapped by it (run `rewrapDataKeys` first). Copies
   * of the data-key table in backups, wrapped by that key, become useless with it. Whatever was encrypted directly
   * under it (payloads without an application) becomes unreadable too: retire a key only after that data expired.
   */
  retireMasterKey(masterKeyId: string): Promise<void>;
  listMasterKeys(): Promise<MasterKeyInfo[]>;
  close(): Promise<void>;
}

const DATA_KEY_AAD_PREFIX = 'dococr/data-key/v1/';
const KEYED_DIGEST_INFO = 'dococr/keyed-digest/v1';

/**
 * The key store built from a master key ring and a data-key table: `LocalKeyStore` on one machine (both in the data
 * folder); across machines, a `StaticMasterKeyRing` from the deployment's secrets and a `PostgresDataKeyTable`.
 * Data keys are 256-bit random, wrapped with AES-256-GCM by a master key with the application id as additional data,
 * and never cached: a destruction made by any process takes effect in every other at once.
 *
 * @example
 * const keys = new EnvelopeKeyStore(new StaticMasterKeyRing(config.masterKeys, config.activeMasterKeyId),
 *   await PostgresDataKeyTable.open({ connectionString: config.keysDatabaseUrl }));
 */
export class EnvelopeKeyStore implements KeyStore {
  constructor(
    private readonly masterKeys: MasterKeyRing,
    private readonly dataKeys: DataKeyTable,
  ) {}

  activeMasterKeyId(): string {
    return this.masterKeys.activeId();
  }

  async encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): Promise<Uint8Array> {
    if (options.applicationId === undefined) {
      const id = this.masterKeys.activeId();
      const header = encodeEnvelopeHeader(KeyKind.Master, id);
      return Buffer.concat([header, seal(this.masterKeys.key(id), header, plaintext)]);
    }
    const header = encodeEnvelopeHeader(KeyKind.Application, options.applicationId);
    return Buffer.concat([header, seal(await this.dataKey(options.applicationId, true), header, plaintext)]);
  }

  async decrypt(envelope: Uint8Array): Promise<Uint8Array> {
    const parsed = parseEnvelope(envelope);
    const key = parsed.kind === KeyKind.Master ? this.masterKeys.key(parsed.id) : await this.dataKey(parsed.id, false);
    return open(key, parsed.header, parsed.iv, parsed.ciphertext, parsed.tag);
  }

  async getOrCreateDataKey(applicationId: string): Promise<DataKeyInfo> {
    await this.dataKey(applicationId, true);
    const record = (await this.dataKeys.get(applicationId))!;
    return { applicationId, masterKeyId: record.masterKeyId!, createdAt: record.createdAt };
  }

  async keyedDigest(applicationId: string, data: Uint8Array): Promise<string> {
    const macKey = hkdfSync('sha256', await this.dataKey(applicationId, true), Buffer.alloc(0), KEYED_DIGEST_INFO, 32);
    return createHmac('sha256', Buffer.from(macKey)).update(data).digest('hex');
  }

  async dataKeyStatus(applicationId: string): Promise<DataKeyStatus> {
    const record = await this.dataKeys.get(applicationId);
    return record === undefined ? 'absent' : record.destroyedAt !== null ? 'destroyed' : 'active';
  }

  async destroyDataKey(applicationId: string): Promise<DataKeyDestruction> {
    return { applicationId, ...(await this.dataKeys.destroy(applicationId, new Date().toISOString())) };
  }

  async rotateMasterKey(): Promise<MasterKeyInfo> {
    return this.masterKeys.rotate();
  }

  async rewrapDataKeys(): Promise<number> {
    const activeId = this.masterKeys.activeId();
    let count = 0;
    for (const record of await this.dataKeys.listLive({ notWrappedBy: activeId })) {
      const wrapped = seal(this.masterKeys.key(activeId), dataKeyAad(record.applicationId), this.unwrap(record));
      if (await this.dataKeys.rewrap(record.applicationId, record.masterKeyId!, activeId, wrapped)) count++;
    }
    return count;
  }

  async retireMasterKey(masterKeyId: string): Promise<void> {
    if (masterKeyId === this.masterKeys.activeId()) {
      throw new CryptoError('KeyInUse', `master key ${masterKeyId} is active; rotate first`);
    }
    const dependants = await this.dataKeys.listLive({ wrappedBy: masterKeyId });
    if (dependants.length > 0) {
      throw new CryptoError(
        'KeyInUse',
        `${dependants.length} data keys are still wrapped by ${masterKeyId}; run rewrapDataKeys first`,
      );
    }
    this.masterKeys.retire(masterKeyId);
  }

  async listMasterKeys(): Promise<MasterKeyInfo[]> {
    return this.masterKeys.list();
  }

  async close(): Promise<void> {
    await this.dataKeys.close();
  }

  private async dataKey(applicationId: string, create: boolean): Promise<Buffer> {
    let record = await this.dataKeys.get(applicationId);
    if (record === undefined && create) {
      const masterKeyId = this.masterKeys.activeId();
      const wrappedKey = seal(this.masterKeys.key(masterKeyId), dataKeyAad(applicationId), randomBytes(32));
      // Two processes may race to create the same application's key: the first insert wins, both use its key.
      await this.dataKeys.insertIfAbsent({
        applicationId,
        masterKeyId,
        wrappedKey,
        createdAt: new Date().toISOString(),
      });
      record = await this.dataKeys.get(applicationId);
    }
    if (record === undefined) throw new UnknownKeyError(`app:${applicationId}`, 'the data-key table');
    if (record.destroyedAt !== null) throw new KeyDestroyedError(applicationId, record.destroyedAt);
    return this.unwrap(record);
  }

  private unwrap(record: DataKeyRecord): Buffer {
    const wrapped = Buffer.from(record.wrappedKey!);
    return open(
      this.masterKeys.key(record.masterKeyId!),
      dataKeyAad(record.applicationId),
      wrapped.subarray(0, IV_BYTES),
      wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES),
      wrapped.subarray(wrapped.length - TAG_BYTES),
    );
  }
}

export interface LocalKeyStoreOptions {
  /** The data folder (`DOCOCR_DATA_DIR`); keys live in `<dataDir>/keys/`. */
  dataDir: string;
  /** Receives one line when a master key is generated, rotated or retired; never key material. */
  logger?: { info(obj: Record<string, unknown>, msg: string): void };
}

/**
 * The embedded key store, everything in `<dataDir>/keys/` (folder 0700, every file 0600): the master keys
 * (`master-<id>.json`, `ACTIVE`; see `FileMasterKeyRing`), generated on first run, and `data-keys.db`, the SQLite
 * table of wrapped data keys (see `SqliteDataKeyTable`).
 *
 * @example
 * const keys = LocalKeyStore.open({ dataDir: '.dococr' });
 * const sealed = await keys.encrypt(bytes, { applicationId: 'app-42' });
 * await keys.destroyDataKey('app-42'); // keys.decrypt(sealed) now throws KeyDestroyedError
 */
export class LocalKeyStore extends EnvelopeKeyStore {
  static open(options: LocalKeyStoreOptions): LocalKeyStore {
    const keysDir = join(options.dataDir, 'keys');
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    assertOwnerOnly(keysDir);
    return new LocalKeyStore(
      new FileMasterKeyRing(keysDir, options.logger),
      new SqliteDataKeyTable(join(keysDir, 'data-keys.db')),
    );
  }
}

function dataKeyAad(applicationId: string): Buffer {
  return Buffer.from(DATA_KEY_AAD_PREFIX + applicationId, 'utf8');
}

/** AES-256-GCM with a random IV: `iv ‖ ciphertext ‖ tag`. */
function seal(key: Buffer, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
}

function open(key: Buffer, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication failed (wrong key, or the ciphertext, IV, tag or header was changed)');
  }
}

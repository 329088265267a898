import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createFileExclusive, writeFileAtomic } from './atomic-file.js';
import { DecryptionError, KeyDestroyedError, KeyFilePermissionError, UnknownKeyError } from './crypto-errors.js';
import { IV_BYTES, KeyKind, TAG_BYTES, encodeEnvelopeHeader, parseEnvelope } from './envelope.js';

export interface EncryptOptions {
  /** Encrypt under this application's data key (created on first use) instead of the active master key. */
  applicationId?: string;
}

export interface MasterKeyInfo {
  id: string;
  createdAt: string;
  active: boolean;
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
 * KMS- or HSM-backed store can implement it; `LocalKeyStore` keeps everything in the data folder.
 */
export interface KeyStore {
  /** Id of the master key new ciphertexts are written with. */
  activeMasterKeyId(): string;
  encrypt(plaintext: Uint8Array, options?: EncryptOptions): Promise<Uint8Array>;
  /** Throws `KeyDestroyedError`, `UnknownKeyError` or `DecryptionError`. */
  decrypt(envelope: Uint8Array): Promise<Uint8Array>;
  getOrCreateDataKey(applicationId: string): Promise<DataKeyInfo>;
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
  listMasterKeys(): Promise<MasterKeyInfo[]>;
  close(): void;
}

export interface LocalKeyStoreOptions {
  /** The data folder (`DOCOCR_DATA_DIR`); keys live in `<dataDir>/keys/`. */
  dataDir: string;
  /** Receives one line when a master key is generated or rotated; never key material. */
  logger?: { info(obj: Record<string, unknown>, msg: string): void };
}

interface MasterKeyFile {
  id: string;
  algorithm: 'AES-256-GCM';
  createdAt: string;
  key: string;
}

interface DataKeyRow {
  application_id: string;
  master_key_id: string | null;
  wrapped_key: Buffer | null;
  created_at: string;
  destroyed_at: string | null;
}

const ACTIVE_FILE = 'ACTIVE';
const MASTER_FILE = /^master-(mk-[0-9a-f]{12})\.json$/;
const DATA_KEY_AAD_PREFIX = 'dococr/data-key/v1/';

/**
 * The embedded key store. Layout of `<dataDir>/keys/` (folder 0700, every file 0600):
 * - `master-<id>.json`: `{ id, algorithm: "AES-256-GCM", createdAt, key: <base64 of 32 bytes> }`, one per master key;
 * - `ACTIVE`: the id of the active master key;
 * - `data-keys.db`: SQLite table `data_keys` with each application's 256-bit data key wrapped by a master key
 *   (AES-256-GCM, `iv ‖ ciphertext ‖ tag`, the application id bound as additional data), or a tombstone once destroyed.
 *
 * @example
 * const keys = LocalKeyStore.open({ dataDir: '.dococr' });
 * const sealed = await keys.encrypt(bytes, { applicationId: 'app-42' });
 * await keys.destroyDataKey('app-42'); // keys.decrypt(sealed) now throws KeyDestroyedError
 */
export class LocalKeyStore implements KeyStore {
  private readonly masterKeys = new Map<string, { key: Buffer; createdAt: string }>();
  private readonly db: Database.Database;

  private constructor(
    private readonly keysDir: string,
    private readonly logger: LocalKeyStoreOptions['logger'],
  ) {
    this.loadMasterKeys();
    if (!existsSync(join(keysDir, ACTIVE_FILE))) this.createFirstMasterKey();
    this.db = openDataKeyDatabase(join(keysDir, 'data-keys.db'));
  }

  static open(options: LocalKeyStoreOptions): LocalKeyStore {
    const keysDir = join(options.dataDir, 'keys');
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    assertOwnerOnly(keysDir);
    return new LocalKeyStore(keysDir, options.logger);
  }

  activeMasterKeyId(): string {
    // Read on every call so a rotation made by another process (the CLI) is picked up by a running worker.
    const id = readFileSync(join(this.keysDir, ACTIVE_FILE), 'utf8').trim();
    this.masterKey(id);
    return id;
  }

  async encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): Promise<Uint8Array> {
    if (options.applicationId === undefined) {
      const id = this.activeMasterKeyId();
      const header = encodeEnvelopeHeader(KeyKind.Master, id);
      return Buffer.concat([header, seal(this.masterKey(id), header, plaintext)]);
    }
    const header = encodeEnvelopeHeader(KeyKind.Application, options.applicationId);
    return Buffer.concat([header, seal(this.dataKey(options.applicationId, true), header, plaintext)]);
  }

  async decrypt(envelope: Uint8Array): Promise<Uint8Array> {
    const parsed = parseEnvelope(envelope);
    const key = parsed.kind === KeyKind.Master ? this.masterKey(parsed.id) : this.dataKey(parsed.id, false);
    return open(key, parsed.header, parsed.iv, parsed.ciphertext, parsed.tag);
  }

  async getOrCreateDataKey(applicationId: string): Promise<DataKeyInfo> {
    this.dataKey(applicationId, true);
    const row = this.row(applicationId)!;
    return { applicationId, masterKeyId: row.master_key_id!, createdAt: row.created_at };
  }

  async dataKeyStatus(applicationId: string): Promise<DataKeyStatus> {
    const row = this.row(applicationId);
    return row === undefined ? 'absent' : row.destroyed_at !== null ? 'destroyed' : 'active';
  }

  async destroyDataKey(applicationId: string): Promise<DataKeyDestruction> {
    const destroyedAt = new Date().toISOString();
    const result = this.db.transaction(() => {
      const row = this.row(applicationId);
      if (row?.destroyed_at) return { applicationId, destroyedAt: row.destroyed_at, existed: row.created_at !== '' };
      this.db
        .prepare(
          `INSERT INTO data_keys (application_id, master_key_id, wrapped_key, created_at, destroyed_at) VALUES (?, NULL, NULL, '', ?)
           ON CONFLICT (application_id) DO UPDATE SET master_key_id = NULL, wrapped_key = NULL, destroyed_at = excluded.destroyed_at`,
        )
        .run(applicationId, destroyedAt);
      return { applicationId, destroyedAt, existed: row !== undefined };
    })();
    // secure_delete zeroes the freed cells; the checkpoint moves the page into the main file and empties the WAL, so
    // the wrapped key does not linger in either file.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  }

  async rotateMasterKey(): Promise<MasterKeyInfo> {
    const created = this.writeMasterKey();
    writeFileAtomic(join(this.keysDir, ACTIVE_FILE), `${created.id}\n`);
    this.logger?.info({ masterKeyId: created.id }, 'master key rotated');
    return { id: created.id, createdAt: created.createdAt, active: true };
  }

  async rewrapDataKeys(): Promise<number> {
    const activeId = this.activeMasterKeyId();
    const active = this.masterKey(activeId);
    const rows = this.db
      .prepare('SELECT * FROM data_keys WHERE destroyed_at IS NULL AND master_key_id <> ?')
      .all(activeId) as DataKeyRow[];
    const update = this.db.prepare(
      'UPDATE data_keys SET master_key_id = ?, wrapped_key = ? WHERE application_id = ? AND master_key_id = ? AND destroyed_at IS NULL',
    );
    let count = 0;
    for (const row of rows) {
      const dataKey = this.unwrap(row);
      const aad = Buffer.from(DATA_KEY_AAD_PREFIX + row.application_id, 'utf8');
      count += update.run(activeId, seal(active, aad, dataKey), row.application_id, row.master_key_id).changes;
    }
    return count;
  }

  async listMasterKeys(): Promise<MasterKeyInfo[]> {
    this.loadMasterKeys();
    const activeId = this.activeMasterKeyId();
    return [...this.masterKeys].map(([id, { createdAt }]) => ({ id, createdAt, active: id === activeId }));
  }

  close(): void {
    this.db.close();
  }

  private masterKey(id: string): Buffer {
    let entry = this.masterKeys.get(id);
    if (entry === undefined) {
      this.loadMasterKeys();
      entry = this.masterKeys.get(id);
    }
    if (entry === undefined) throw new UnknownKeyError(id, this.keysDir);
    return entry.key;
  }

  private row(applicationId: string): DataKeyRow | undefined {
    return this.db.prepare('SELECT * FROM data_keys WHERE application_id = ?').get(applicationId) as
      DataKeyRow | undefined;
  }

  /** The unwrapped data key; never cached, so a destruction by another process takes effect at once here too. */
  private dataKey(applicationId: string, create: boolean): Buffer {
    let row = this.row(applicationId);
    if (row === undefined && create) {
      const masterKeyId = this.activeMasterKeyId();
      const aad = Buffer.from(DATA_KEY_AAD_PREFIX + applicationId, 'utf8');
      const wrapped = seal(this.masterKey(masterKeyId), aad, randomBytes(32));
      // Two processes may race to create the same application's key: the first insert wins, both use its key.
      this.db
        .prepare(
          'INSERT OR IGNORE INTO data_keys (application_id, master_key_id, wrapped_key, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(applicationId, masterKeyId, wrapped, new Date().toISOString());
      row = this.row(applicationId);
    }
    if (row === undefined) throw new UnknownKeyError(`app:${applicationId}`, join(this.keysDir, 'data-keys.db'));
    if (row.destroyed_at !== null) throw new KeyDestroyedError(applicationId, row.destroyed_at);
    return this.unwrap(row);
  }

  private unwrap(row: DataKeyRow): Buffer {
    const wrapped = row.wrapped_key!;
    const aad = Buffer.from(DATA_KEY_AAD_PREFIX + row.application_id, 'utf8');
    return open(
      this.masterKey(row.master_key_id!),
      aad,
      wrapped.subarray(0, IV_BYTES),
      wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES),
      wrapped.subarray(wrapped.length - TAG_BYTES),
    );
  }

  private loadMasterKeys(): void {
    for (const name of readdirSync(this.keysDir)) {
      const match = MASTER_FILE.exec(name);
      if (match === null || this.masterKeys.has(match[1]!)) continue;
      const path = join(this.keysDir, name);
      let text: string;
      try {
        assertOwnerOnly(path);
        text = readFileSync(path, 'utf8');
      } catch (error) {
        // A spare key removed by the loser of a first-run race between our readdir and this read.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const file = JSON.parse(text) as MasterKeyFile;
      const key = Buffer.from(file.key, 'base64');
      if (file.id !== match[1] || key.length !== 32) throw new DecryptionError(`master key file ${path} is malformed`);
      this.masterKeys.set(file.id, { key, createdAt: file.createdAt });
    }
  }

  private createFirstMasterKey(): void {
    const created = this.writeMasterKey();
    if (createFileExclusive(join(this.keysDir, ACTIVE_FILE), `${created.id}\n`)) {
      this.logger?.info({ masterKeyId: created.id, keysDir: this.keysDir }, 'generated master key');
      return;
    }
    // Another process won the first-run race and its key is active; ours never encrypted anything.
    rmSync(join(this.keysDir, `master-${created.id}.json`), { force: true });
    this.masterKeys.delete(created.id);
  }

  private writeMasterKey(): { id: string; createdAt: string } {
    const id = `mk-${randomBytes(6).toString('hex')}`;
    const key = randomBytes(32);
    const createdAt = new Date().toISOString();
    const file: MasterKeyFile = { id, algorithm: 'AES-256-GCM', createdAt, key: key.toString('base64') };
    createFileExclusive(join(this.keysDir, `master-${id}.json`), `${JSON.stringify(file)}\n`);
    this.masterKeys.set(id, { key, createdAt });
    return { id, createdAt };
  }
}

function openDataKeyDatabase(path: string): Database.Database {
  closeSync(openSync(path, 'a', 0o600));
  assertOwnerOnly(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  db.exec(`CREATE TABLE IF NOT EXISTS data_keys (
    application_id TEXT PRIMARY KEY,
    master_key_id TEXT,
    wrapped_key BLOB,
    created_at TEXT NOT NULL,
    destroyed_at TEXT
  ) STRICT`);
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
  return db;
}

function assertOwnerOnly(path: string): void {
  const { mode } = statSync(path);
  if ((mode & 0o077) !== 0) throw new KeyFilePermissionError(path, mode);
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

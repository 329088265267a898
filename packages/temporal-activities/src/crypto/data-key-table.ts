import { closeSync, existsSync, chmodSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { assertOwnerOnly } from './master-key-ring.js';

/** One application's data key as stored: wrapped by a master key, or a tombstone once destroyed. */
export interface DataKeyRecord {
  applicationId: string;
  masterKeyId: string | null;
  /** `iv ‖ ciphertext ‖ tag` of the 32-byte key under the master key; null once destroyed. */
  wrappedKey: Uint8Array | null;
  /** Empty for an application destroyed before it ever had a key. */
  createdAt: string;
  destroyedAt: string | null;
}

export interface NewDataKey {
  applicationId: string;
  masterKeyId: string;
  wrappedKey: Uint8Array;
  createdAt: string;
}

/**
 * Storage of wrapped data keys, shared by every process that must decrypt an application's data: SQLite in the data
 * folder on one machine, PostgreSQL across machines.
 */
export interface DataKeyTable {
  get(applicationId: string): Promise<DataKeyRecord | undefined>;
  /** Stores the record unless the application already has one (the first writer wins a race). */
  insertIfAbsent(record: NewDataKey): Promise<void>;
  /** Erases the wrapped key and records the destruction; idempotent, returning the first destruction's time. */
  destroy(applicationId: string, destroyedAt: string): Promise<{ destroyedAt: string; existed: boolean }>;
  /** Live records wrapped by another master key than `masterKeyId` (to re-wrap), or by exactly it (`by`). */
  listLive(filter: { notWrappedBy: string } | { wrappedBy: string }): Promise<DataKeyRecord[]>;
  /** Replaces the wrapping if the record is still live and wrapped by `fromMasterKeyId`; returns whether it did. */
  rewrap(
    applicationId: string,
    fromMasterKeyId: string,
    toMasterKeyId: string,
    wrappedKey: Uint8Array,
  ): Promise<boolean>;
  close(): Promise<void>;
}

/** Column list and upsert shared by the SQL tables (SQLite and PostgreSQL both support `RETURNING` and `ON CONFLICT`). */
export const DATA_KEY_SQL = {
  columns: 'application_id, master_key_id, wrapped_key, created_at, destroyed_at',
  destroy: (p: (n: number) => string) =>
    `INSERT INTO data_keys (application_id, master_key_id, wrapped_key, created_at, destroyed_at) VALUES (${p(1)}, NULL, NULL, '', ${p(2)})
     ON CONFLICT (application_id) DO UPDATE SET master_key_id = NULL, wrapped_key = NULL,
       destroyed_at = COALESCE(data_keys.destroyed_at, excluded.destroyed_at)
     RETURNING destroyed_at, created_at`,
} as const;

export interface DataKeyRow {
  application_id: string;
  master_key_id: string | null;
  wrapped_key: Uint8Array | null;
  created_at: string;
  destroyed_at: string | null;
}

export function recordOf(row: DataKeyRow): DataKeyRecord {
  return {
    applicationId: row.application_id,
    masterKeyId: row.master_key_id,
    wrappedKey: row.wrapped_key,
    createdAt: row.created_at,
    destroyedAt: row.destroyed_at,
  };
}

/**
 * The data-key table in a SQLite file (0600) in the data folder. `secure_delete` zeroes freed cells and each
 * destruction checkpoints and empties the WAL, so a destroyed wrapped key lingers in neither file.
 */
export class SqliteDataKeyTable implements DataKeyTable {
  private readonly db: Database.Database;

  constructor(path: string) {
    closeSync(openSync(path, 'a', 0o600));
    assertOwnerOnly(path);
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(`CREATE TABLE IF NOT EXISTS data_keys (
      application_id TEXT PRIMARY KEY,
      master_key_id TEXT,
      wrapped_key BLOB,
      created_at TEXT NOT NULL,
      destroyed_at TEXT
    ) STRICT`);
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
  }

  async get(applicationId: string): Promise<DataKeyRecord | undefined> {
    const row = this.db
      .prepare<[string], DataKeyRow>(`SELECT ${DATA_KEY_SQL.columns} FROM data_keys WHERE application_id = ?`)
      .get(applicationId);
    return row && recordOf(row);
  }

  async insertIfAbsent(record: NewDataKey): Promise<void> {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO data_keys (application_id, master_key_id, wrapped_key, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(record.applicationId, record.masterKeyId, record.wrappedKey, record.createdAt);
  }

  async destroy(applicationId: string, destroyedAt: string): Promise<{ destroyedAt: string; existed: boolean }> {
    const row = this.db
      .prepare<[string, string], { destroyed_at: string; created_at: string }>(DATA_KEY_SQL.destroy(() => '?'))
      .get(applicationId, destroyedAt)!;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { destroyedAt: row.destroyed_at, existed: row.created_at !== '' };
  }

  async listLive(filter: { notWrappedBy: string } | { wrappedBy: string }): Promise<DataKeyRecord[]> {
    const [operator, id] = 'wrappedBy' in filter ? ['=', filter.wrappedBy] : ['<>', filter.notWrappedBy];
    return this.db
      .prepare<[string], DataKeyRow>(
        `SELECT ${DATA_KEY_SQL.columns} FROM data_keys WHERE destroyed_at IS NULL AND master_key_id ${operator} ?`,
      )
      .all(id)
      .map(recordOf);
  }

  async rewrap(
    applicationId: string,
    fromMasterKeyId: string,
    toMasterKeyId: string,
    wrappedKey: Uint8Array,
  ): Promise<boolean> {
    return (
      this.db
        .prepare(
          'UPDATE data_keys SET master_key_id = ?, wrapped_key = ? WHERE application_id = ? AND master_key_id = ? AND destroyed_at IS NULL',
        )
        .run(toMasterKeyId, wrappedKey, applicationId, fromMasterKeyId).changes === 1
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

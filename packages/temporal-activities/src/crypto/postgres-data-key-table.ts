import pg from 'pg';
import {
  DATA_KEY_SQL,
  recordOf,
  type DataKeyRecord,
  type DataKeyRow,
  type DataKeyTable,
  type NewDataKey,
} from './data-key-table.js';

export interface PostgresDataKeyTableOptions {
  /** `postgres://user:password@host:5432/database`; or pass `pool`. */
  connectionString?: string;
  /** A pool the caller owns; `close()` leaves it open. */
  pool?: pg.Pool;
}

/**
 * The data-key table in PostgreSQL, for workers on several machines. A destruction overwrites the wrapped key, but
 * PostgreSQL keeps the old row version until VACUUM and in its WAL and backups: to make those copies useless too,
 * rotate the master key, re-wrap, and retire the old master key (`KeyStore.retireMasterKey`).
 */
export class PostgresDataKeyTable implements DataKeyTable {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {}

  static async open(options: PostgresDataKeyTableOptions): Promise<PostgresDataKeyTable> {
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
    const table = new PostgresDataKeyTable(pool, options.pool === undefined);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('dococr.data_keys.schema'))");
      await client.query(`CREATE TABLE IF NOT EXISTS data_keys (
        application_id TEXT PRIMARY KEY,
        master_key_id TEXT,
        wrapped_key BYTEA,
        created_at TEXT NOT NULL,
        destroyed_at TEXT
      )`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await table.close();
      throw error;
    } finally {
      client.release();
    }
    return table;
  }

  async get(applicationId: string): Promise<DataKeyRecord | undefined> {
    const { rows } = await this.pool.query<DataKeyRow>(
      `SELECT ${DATA_KEY_SQL.columns} FROM data_keys WHERE application_id = $1`,
      [applicationId],
    );
    return rows[0] && recordOf(rows[0]);
  }

  async insertIfAbsent(record: NewDataKey): Promise<void> {
    await this.pool.query(
      'INSERT INTO data_keys (application_id, master_key_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING',
      [record.applicationId, record.masterKeyId, Buffer.from(record.wrappedKey), record.createdAt],
    );
  }

  async destroy(applicationId: string, destroyedAt: string): Promise<{ destroyedAt: string; existed: boolean }> {
    const { rows } = await this.pool.query<{ destroyed_at: string; created_at: string }>(
      DATA_KEY_SQL.destroy((n) => `$${n}`),
      [applicationId, destroyedAt],
    );
    return { destroyedAt: rows[0]!.destroyed_at, existed: rows[0]!.created_at !== '' };
  }

  async listLive(filter: { notWrappedBy: string } | { wrappedBy: string }): Promise<DataKeyRecord[]> {
    const [operator, id] = 'wrappedBy' in filter ? ['=', filter.wrappedBy] : ['<>', filter.notWrappedBy];
    const { rows } = await this.pool.query<DataKeyRow>(
      `SELECT ${DATA_KEY_SQL.columns} FROM data_keys WHERE destroyed_at IS NULL AND master_key_id ${operator} $1`,
      [id],
    );
    return rows.map(recordOf);
  }

  async rewrap(
    applicationId: string,
    fromMasterKeyId: string,
    toMasterKeyId: string,
    wrappedKey: Uint8Array,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE data_keys SET master_key_id = $1, wrapped_key = $2 WHERE application_id = $3 AND master_key_id = $4 AND destroyed_at IS NULL',
      [toMasterKeyId, Buffer.from(wrappedKey), applicationId, fromMasterKeyId],
    );
    return rowCount === 1;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}

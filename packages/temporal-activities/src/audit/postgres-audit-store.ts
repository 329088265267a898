import pg from 'pg';
import { AuditStoreBase, auditTablesSql } from './audit-store-base.js';
import type { AuditEvent, AuditEventInput, ChainHead, ChainVerification } from './audit-types.js';
import {
  GENESIS_HASH,
  chainEvent,
  fromStoredRow,
  normalizeAuditInput,
  toStoredRow,
  verifyStoredChain,
  type StoredEventRow,
} from './hash-chain.js';

export interface PostgresAuditStoreOptions {
  /** `postgres://user:password@host:5432/database`; or pass `pool`. */
  connectionString?: string;
  /** A pool the caller owns (TLS, credentials rotation, limits); `close()` leaves it open. */
  pool?: pg.Pool;
}

/**
 * The audit store for more than one machine: the same tables and chain as `SqliteAuditStore`, in PostgreSQL.
 * An append locks its application's head row (`SELECT … FOR UPDATE`), so appends to one application are serialised
 * across every worker while different applications proceed in parallel; `audit_heads` holds a `seq = 0` row for an
 * application whose first append is in progress.
 *
 * @example
 * const audit = await PostgresAuditStore.open({ connectionString: 'postgres://dococr@db/dococr' });
 */
export class PostgresAuditStore extends AuditStoreBase {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {
    super();
  }

  /** Connects and creates the tables if needed (under an advisory lock, so several processes may start at once). */
  static async open(options: PostgresAuditStoreOptions): Promise<PostgresAuditStore> {
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
    const store = new PostgresAuditStore(pool, options.pool === undefined);
    try {
      await store.transaction(async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('dococr.audit.schema'))");
        await client.query(auditTablesSql());
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async append(input: AuditEventInput): Promise<AuditEvent> {
    const body = normalizeAuditInput(input);
    return this.transaction(async (client) => {
      await client.query(
        'INSERT INTO audit_heads (application_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (application_id) DO NOTHING',
        [body.applicationId, GENESIS_HASH],
      );
      const { rows: heads } = await client.query<ChainHead>(
        'SELECT seq, hash FROM audit_heads WHERE application_id = $1 FOR UPDATE',
        [body.applicationId],
      );
      // Checked after taking the lock, so a concurrent retry of the same event sees the first one's commit.
      const { rows: existing } = await client.query<StoredEventRow>(
        'SELECT seq, body, hash FROM audit_events WHERE application_id = $1 AND event_id = $2',
        [body.applicationId, body.eventId],
      );
      if (existing[0] !== undefined) return fromStoredRow(existing[0]);
      const head = heads[0]!.seq === 0 ? undefined : heads[0];
      const event = chainEvent(body, head, new Date().toISOString());
      await client.query(
        'INSERT INTO audit_events (application_id, seq, event_id, body, hash) VALUES ($1, $2, $3, $4, $5)',
        [event.applicationId, event.seq, event.eventId, toStoredRow(event).body, event.hash],
      );
      await client.query('UPDATE audit_heads SET seq = $2, hash = $3 WHERE application_id = $1', [
        event.applicationId,
        event.seq,
        event.hash,
      ]);
      return event;
    });
  }

  async verify(applicationId: string): Promise<ChainVerification> {
    // One snapshot for the rows and the head, so a concurrent append cannot look like a truncation.
    const { rows, head } = await this.transaction(
      async (client) => ({
        rows: await this.rows(client, applicationId),
        head: await this.headOf(client, applicationId),
      }),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    return verifyStoredChain(applicationId, rows, head);
  }

  async list(applicationId: string): Promise<AuditEvent[]> {
    return (await this.rows(this.pool, applicationId)).map(fromStoredRow);
  }

  async listApplications(): Promise<string[]> {
    const { rows } = await this.pool.query<{ application_id: string }>(
      'SELECT application_id FROM audit_heads WHERE seq > 0 ORDER BY application_id COLLATE "C"',
    );
    return rows.map((row) => row.application_id);
  }

  async head(applicationId: string): Promise<ChainHead | undefined> {
    return this.headOf(this.pool, applicationId);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  private async rows(client: pg.Pool | pg.PoolClient, applicationId: string): Promise<StoredEventRow[]> {
    const { rows } = await client.query<StoredEventRow>(
      'SELECT seq, body, hash FROM audit_events WHERE application_id = $1 ORDER BY seq',
      [applicationId],
    );
    return rows;
  }

  private async headOf(client: pg.Pool | pg.PoolClient, applicationId: string): Promise<ChainHead | undefined> {
    const { rows } = await client.query<ChainHead>(
      'SELECT seq, hash FROM audit_heads WHERE application_id = $1 AND seq > 0',
      [applicationId],
    );
    return rows[0];
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

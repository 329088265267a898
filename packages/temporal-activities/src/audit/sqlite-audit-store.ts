import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditStoreBase, auditTablesSql } from './audit-store-base.js';
import type { AuditEvent, AuditEventInput, ChainHead, ChainVerification } from './audit-types.js';
import {
  chainEvent,
  fromStoredRow,
  normalizeAuditInput,
  toStoredRow,
  verifyStoredChain,
  type StoredEventRow,
} from './hash-chain.js';

export type SqliteAuditStoreOptions =
  | {
      /** The data folder; the database is `<dataDir>/audit.db`. */
      dataDir: string;
    }
  | {
      /** An explicit database file. */
      path: string;
    };

type EventRow = StoredEventRow & { event_id: string };

/**
 * The default audit store: SQLite (better-sqlite3) in WAL mode. Tables:
 * - `audit_events(application_id, seq, event_id, body, hash)`: `body` is the canonical JSON of the event without
 *   `hash`; primary key `(application_id, seq)`, unique `(application_id, event_id)` for idempotent appends;
 * - `audit_heads(application_id, seq, hash)`: the last link of each chain, updated in the same transaction, so that
 *   deleting the newest events is detected too.
 * Appends run in `BEGIN IMMEDIATE` transactions, so several processes (workers, CLI) can share one file.
 */
export class SqliteAuditStore extends AuditStoreBase {
  private readonly db: Database.Database;
  private readonly appendTransaction: (input: AuditEventInput) => AuditEvent;

  constructor(options: SqliteAuditStoreOptions) {
    super();
    const path = 'path' in options ? options.path : join(options.dataDir, 'audit.db');
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('synchronous = FULL');
    this.db.exec(auditTablesSql(' STRICT'));
    const findByEventId = this.db.prepare<[string, string], EventRow>(
      'SELECT seq, event_id, body, hash FROM audit_events WHERE application_id = ? AND event_id = ?',
    );
    const insert = this.db.prepare(
      'INSERT INTO audit_events (application_id, seq, event_id, body, hash) VALUES (?, ?, ?, ?, ?)',
    );
    const setHead = this.db.prepare(
      `INSERT INTO audit_heads (application_id, seq, hash) VALUES (?, ?, ?)
       ON CONFLICT (application_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    );
    const transaction = this.db.transaction((input: AuditEventInput): AuditEvent => {
      const body = normalizeAuditInput(input);
      const existing = findByEventId.get(body.applicationId, body.eventId);
      if (existing !== undefined) return fromStoredRow(existing);
      const event = chainEvent(body, this.headSync(body.applicationId), new Date().toISOString());
      insert.run(event.applicationId, event.seq, event.eventId, toStoredRow(event).body, event.hash);
      setHead.run(event.applicationId, event.seq, event.hash);
      return event;
    });
    // IMMEDIATE takes the write lock before reading the head, so two processes never allocate the same seq.
    this.appendTransaction = (input) => transaction.immediate(input);
  }

  async append(input: AuditEventInput): Promise<AuditEvent> {
    return this.appendTransaction(input);
  }

  async verify(applicationId: string): Promise<ChainVerification> {
    const { rows, head } = this.db.transaction(() => ({
      rows: this.rows(applicationId),
      head: this.headSync(applicationId),
    }))();
    return verifyStoredChain(applicationId, rows, head);
  }

  async list(applicationId: string): Promise<AuditEvent[]> {
    return this.rows(applicationId).map(fromStoredRow);
  }

  async listApplications(): Promise<string[]> {
    return this.db
      .prepare<[], { application_id: string }>('SELECT application_id FROM audit_heads ORDER BY application_id')
      .all()
      .map((row) => row.application_id);
  }

  async head(applicationId: string): Promise<ChainHead | undefined> {
    return this.headSync(applicationId);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private rows(applicationId: string): EventRow[] {
    return this.db
      .prepare<[string], EventRow>(
        'SELECT seq, event_id, body, hash FROM audit_events WHERE application_id = ? ORDER BY seq',
      )
      .all(applicationId);
  }

  private headSync(applicationId: string): ChainHead | undefined {
    return this.db
      .prepare<[string], ChainHead>('SELECT seq, hash FROM audit_heads WHERE application_id = ?')
      .get(applicationId);
  }
}

import { randomUUID } from 'node:crypto';
import { toCsv, toJsonLines } from './audit-export.js';
import {
  AuditOutcome,
  type AuditEvent,
  type AuditEventInput,
  type AuditStore,
  type ChainHead,
  type ChainVerification,
  type ErasureOptions,
} from './audit-types.js';

/**
 * The tables of the SQL backends, identical in SQLite and PostgreSQL (`tableOptions` is ` STRICT` for SQLite):
 * `audit_events` holds each event's canonical JSON without its hash (`body`) and the hash; `audit_heads` the last link
 * of each chain, written in the same transaction, so that removing the newest events is detected too.
 */
export function auditTablesSql(tableOptions = ''): string {
  return `
    CREATE TABLE IF NOT EXISTS audit_events (
      application_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      event_id TEXT NOT NULL,
      body TEXT NOT NULL,
      hash TEXT NOT NULL,
      PRIMARY KEY (application_id, seq),
      UNIQUE (application_id, event_id)
    )${tableOptions};
    CREATE TABLE IF NOT EXISTS audit_heads (
      application_id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL
    )${tableOptions};`;
}

/** What every backend shares: erasure records and exports are defined on top of `append` and `list`. */
export abstract class AuditStoreBase implements AuditStore {
  abstract append(event: AuditEventInput): Promise<AuditEvent>;
  abstract verify(applicationId: string): Promise<ChainVerification>;
  abstract list(applicationId: string): Promise<AuditEvent[]>;
  abstract listApplications(): Promise<string[]>;
  abstract head(applicationId: string): Promise<ChainHead | undefined>;
  abstract close(): Promise<void>;

  async recordErasure(
    applicationId: string,
    reason: string,
    actor: string,
    options: ErasureOptions = {},
  ): Promise<AuditEvent> {
    const now = new Date().toISOString();
    return this.append({
      applicationId,
      eventId: options.eventId ?? `erasure:${randomUUID()}`,
      workflowId: options.workflowId ?? null,
      runId: options.runId ?? null,
      step: 'erasure',
      startedAt: now,
      endedAt: now,
      actor,
      outcome: AuditOutcome.Erased,
      reasons: [reason],
      data: options.data ?? {},
    });
  }

  async exportJsonl(applicationId: string): Promise<string> {
    return toJsonLines(await this.list(applicationId));
  }

  async exportCsv(applicationId: string): Promise<string> {
    return toCsv(await this.list(applicationId));
  }
}

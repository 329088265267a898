import type { JsonObject } from './canonical-json.js';

/** Outcomes the dococr steps record; other strings are allowed for steps added by users. */
export const AuditOutcome = {
  Passed: 'passed',
  Failed: 'failed',
  Error: 'error',
  Skipped: 'skipped',
  Approved: 'approved',
  Rejected: 'rejected',
  Escalated: 'escalated',
  Erased: 'erased',
} as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/** What a caller appends. Holds digests and measurements, never clear PII (names, ID numbers, image bytes). */
export interface AuditEventInput {
  applicationId: string;
  /**
   * Idempotency key chosen by the caller, unique within the application, stable across retries of the same step:
   * for an activity `${workflowId}:${runId}:${step}:${activityId}`.
   */
  eventId: string;
  workflowId?: string | null;
  runId?: string | null;
  /** The step: `quality`, `ocr`, `spoof`, `review`, `erasure`, … */
  step: string;
  /** Activity attempt, from 1. Default 1. */
  attempt?: number;
  /** ISO 8601 instants. */
  startedAt: string;
  endedAt?: string | null;
  /** Who acted: `worker:<identity>`, `reviewer:<id>`, `cli:<user>`, … */
  actor: string;
  /** Engine or provider version that produced the result. */
  engineVersion?: string | null;
  /** `digestOf` the step's input and output. */
  inputDigest?: string | null;
  outputDigest?: string | null;
  outcome: AuditOutcome | (string & {});
  reasons?: string[];
  /** Non-PII measurements and thresholds (quality metrics, spoof scores, …). */
  data?: JsonObject;
}

/**
 * A stored event. `hash` is SHA-256 (hex) of the canonical JSON of every other field, `prevHash` included; the first
 * event of an application has `prevHash` = 64 zeros.
 */
export interface AuditEvent {
  applicationId: string;
  seq: number;
  eventId: string;
  workflowId: string | null;
  runId: string | null;
  step: string;
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  /** When the store appended it. */
  recordedAt: string;
  actor: string;
  engineVersion: string | null;
  inputDigest: string | null;
  outputDigest: string | null;
  outcome: string;
  reasons: string[];
  data: JsonObject;
  prevHash: string;
  hash: string;
}

export type ChainVerification =
  | { ok: true; applicationId: string; count: number; headHash: string }
  | {
      ok: false;
      applicationId: string;
      /** Sequence number of the first event (or missing position) where the chain does not hold. */
      brokenAt: number;
      reason: string;
      count: number;
    };

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ErasureOptions {
  /** Idempotency key; default a fresh id, so pass one when the caller may retry. */
  eventId?: string;
  workflowId?: string;
  runId?: string;
  /** What was erased, e.g. `{ blobsDeleted: 2, dataKeyDestroyed: true }`. */
  data?: JsonObject;
}

/**
 * The audit log: one hash chain per application. Every method returns a promise so that a store backed by a network
 * database (PostgreSQL) implements the same interface.
 */
export interface AuditStore {
  /**
   * Appends an event at the end of its application's chain. Idempotent on `(applicationId, eventId)`: a retry returns
   * the event already stored and writes nothing.
   */
  append(event: AuditEventInput): Promise<AuditEvent>;
  /** Recomputes the application's chain and reports the first broken link. */
  verify(applicationId: string): Promise<ChainVerification>;
  list(applicationId: string): Promise<AuditEvent[]>;
  listApplications(): Promise<string[]>;
  /** The last event's sequence number and hash, for anchoring elsewhere; undefined for an unknown application. */
  head(applicationId: string): Promise<ChainHead | undefined>;
  /** Appends the record of an erasure (step `erasure`, outcome `erased`, the legal reason as its reason). */
  recordErasure(applicationId: string, reason: string, actor: string, options?: ErasureOptions): Promise<AuditEvent>;
  /** One event per line, as stored (hash included), in chain order. */
  exportJsonl(applicationId: string): Promise<string>;
  /** RFC 4180 CSV with a header row; `reasons` and `data` as JSON. */
  exportCsv(applicationId: string): Promise<string>;
  close(): Promise<void>;
}

import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { InvalidAuditEventError } from './audit-errors.js';
import type { AuditEvent, AuditEventInput, ChainHead, ChainVerification } from './audit-types.js';

/** `prevHash` of an application's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an event: SHA-256, lowercase hex, of the canonical JSON (RFC 8785) of the event without its `hash`
 * field. To check one by hand: `jq -cS 'del(.hash)' | tr -d '\n' | sha256sum` gives the same for events whose `data`
 * holds no floating-point numbers that jq would reformat.
 */
export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const { hash: _ignored, ...body } = event as AuditEvent;
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/** Validates an input and fills its defaults, so that what is hashed is exactly what is stored. */
export function normalizeAuditInput(
  input: AuditEventInput,
): Omit<AuditEvent, 'seq' | 'recordedAt' | 'prevHash' | 'hash'> {
  for (const field of ['applicationId', 'eventId', 'step', 'actor', 'outcome', 'startedAt'] as const) {
    if (typeof input[field] !== 'string' || input[field].length === 0) {
      throw new InvalidAuditEventError(`${field} must be a non-empty string`);
    }
  }
  for (const field of ['startedAt', 'endedAt'] as const) {
    const value = input[field];
    if (value != null && Number.isNaN(Date.parse(value)))
      throw new InvalidAuditEventError(`${field} is not an ISO 8601 time`);
  }
  const attempt = input.attempt ?? 1;
  if (!Number.isInteger(attempt) || attempt < 1) throw new InvalidAuditEventError('attempt must be an integer from 1');
  const reasons = input.reasons ?? [];
  if (!Array.isArray(reasons) || !reasons.every((reason) => typeof reason === 'string'))
    throw new InvalidAuditEventError('reasons must be strings');
  const data = input.data ?? {};
  try {
    canonicalJson(data);
  } catch (error) {
    throw new InvalidAuditEventError((error as Error).message);
  }
  return {
    applicationId: input.applicationId,
    eventId: input.eventId,
    workflowId: input.workflowId ?? null,
    runId: input.runId ?? null,
    step: input.step,
    attempt,
    startedAt: input.startedAt,
    endedAt: input.endedAt ?? null,
    actor: input.actor,
    engineVersion: input.engineVersion ?? null,
    inputDigest: input.inputDigest ?? null,
    outputDigest: input.outputDigest ?? null,
    outcome: input.outcome,
    reasons: [...reasons],
    data: JSON.parse(canonicalJson(data)) as AuditEvent['data'],
  };
}

/** Seals a normalised input as the next link after `previous` (undefined for the first event). */
export function chainEvent(
  body: ReturnType<typeof normalizeAuditInput>,
  previous: ChainHead | undefined,
  recordedAt: string,
): AuditEvent {
  const unsealed: Omit<AuditEvent, 'hash'> = {
    ...body,
    seq: (previous?.seq ?? 0) + 1,
    recordedAt,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: hashEvent(unsealed) };
}

/**
 * Checks events of one application in stored order: sequence numbers 1, 2, 3, … without gaps, each `prevHash` equal
 * to the previous event's `hash`, each `hash` recomputed from the event's fields, and, when the store keeps one, the
 * recorded head (which catches the removal of the last events). Works on a JSON Lines export as well as on a store.
 */
export function verifyChain(applicationId: string, events: readonly AuditEvent[], head?: ChainHead): ChainVerification {
  const broken = (brokenAt: number, reason: string): ChainVerification => ({
    ok: false,
    applicationId,
    brokenAt,
    reason,
    count: events.length,
  });
  let previousHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const expectedSeq = index + 1;
    if (event.seq !== expectedSeq) {
      return broken(
        expectedSeq,
        event.seq > expectedSeq
          ? `event ${expectedSeq} is missing (found ${event.seq} next)`
          : `event ${event.seq} is out of order`,
      );
    }
    if (event.applicationId !== applicationId)
      return broken(expectedSeq, `event belongs to application ${event.applicationId}`);
    if (event.prevHash !== previousHash) return broken(expectedSeq, 'prevHash does not match the previous event');
    let recomputed: string;
    try {
      recomputed = hashEvent(event);
    } catch (error) {
      return broken(expectedSeq, `event cannot be canonicalised: ${(error as Error).message}`);
    }
    if (recomputed !== event.hash) return broken(expectedSeq, 'event content does not match its hash');
    previousHash = event.hash;
  }
  if (head !== undefined && (head.seq !== events.length || head.hash !== previousHash)) {
    return broken(
      Math.min(head.seq, events.length + 1),
      `chain head records ${head.seq} events ending in ${head.hash.slice(0, 12)}…, found ${events.length}`,
    );
  }
  return { ok: true, applicationId, count: events.length, headHash: previousHash };
}

/** An event as both stores keep it: the canonical JSON of the event without `hash`, and the hash beside it. */
export interface StoredEventRow {
  seq: number;
  body: string;
  hash: string;
}

export function toStoredRow(event: AuditEvent): StoredEventRow {
  const { hash, ...unsealed } = event;
  return { seq: event.seq, body: canonicalJson(unsealed), hash };
}

export function fromStoredRow(row: StoredEventRow): AuditEvent {
  return { ...(JSON.parse(row.body) as Omit<AuditEvent, 'hash'>), hash: row.hash };
}

/**
 * `verifyChain` over stored rows, in storage order, first checking that each row's own position (its `seq` column)
 * is the one its body records, which catches events moved to another position.
 */
export function verifyStoredChain(
  applicationId: string,
  rows: readonly StoredEventRow[],
  head: ChainHead | undefined,
): ChainVerification {
  const events: AuditEvent[] = [];
  const broken = (brokenAt: number, reason: string): ChainVerification => ({
    ok: false,
    applicationId,
    brokenAt,
    reason,
    count: rows.length,
  });
  for (const [index, row] of rows.entries()) {
    let event: AuditEvent;
    try {
      event = fromStoredRow(row);
    } catch {
      return broken(index + 1, 'stored event is not valid JSON');
    }
    if (event.seq !== row.seq)
      return broken(Math.min(row.seq, index + 1), `event ${event.seq} is stored at position ${row.seq}`);
    events.push(event);
  }
  if (rows.length === 0 && head === undefined) return broken(0, 'no events for this application');
  return verifyChain(applicationId, events, head);
}

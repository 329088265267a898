import type { AuditEvent, AuditStore } from '../audit/index.js';

/** The audit steps retention is recorded as, on the application's own chain. */
export const RetentionStep = {
  RelationshipEnded: 'relationship-ended',
  LegalHold: 'legal-hold',
} as const;
export type RetentionStep = (typeof RetentionStep)[keyof typeof RetentionStep];

/** The chain each retention run's report is appended to (not an application id: those are letters and digits). */
export const RETENTION_AUDIT_CHAIN = 'system-retention';

/** How long records are kept after the relationship ends: calendar years (FATF R.11: at least 5) or seconds (tests). */
export type RetentionPeriod = { years: number } | { seconds: number };

/** Five years after the end of the business relationship (FATF Recommendation 11, AMLO Sch. 2 s. 20, PBOC). */
export const DEFAULT_RETENTION_PERIOD: RetentionPeriod = { years: 5 };

export interface RetentionState {
  applicationId: string;
  /** The latest recorded end of the business relationship, if any. */
  relationshipEndedAt?: string | undefined;
  /** The legal hold in force, if any. */
  hold?: { reason: string; placedAt: string; actor: string } | undefined;
  erasedAt?: string | undefined;
  /** Set on a re-verification (`dococr audit reverify`): the application whose inputs it re-ran. */
  reverifies?: string | undefined;
}

/** Reads an application's retention state from its chain: the last relationship end and hold record win. */
export function retentionStateOf(applicationId: string, events: readonly AuditEvent[]): RetentionState {
  const state: RetentionState = { applicationId };
  for (const e of events) {
    if (e.step === RetentionStep.RelationshipEnded && typeof e.data.endedAt === 'string') {
      state.relationshipEndedAt = e.data.endedAt;
    } else if (e.step === RetentionStep.LegalHold) {
      state.hold =
        e.outcome === 'placed' ? { reason: e.reasons[0] ?? '', placedAt: e.startedAt, actor: e.actor } : undefined;
    } else if (e.step === 'erasure') {
      state.erasedAt = e.startedAt;
    } else if (e.step === 'reverifies' && typeof e.data.originalApplicationId === 'string') {
      state.reverifies = e.data.originalApplicationId;
    }
  }
  return state;
}

/**
 * An application's retention state as retention applies it: a re-verification holds a copy of the original's image
 * under its own key, so it follows the original (its relationship end and hold) unless it has its own records.
 */
export async function effectiveRetentionState(audit: AuditStore, applicationId: string): Promise<RetentionState> {
  const state = retentionStateOf(applicationId, await audit.list(applicationId));
  if (!state.reverifies) return state;
  const original = retentionStateOf(state.reverifies, await audit.list(state.reverifies));
  return {
    ...state,
    relationshipEndedAt: state.relationshipEndedAt ?? original.relationshipEndedAt,
    hold: state.hold ?? original.hold,
  };
}

/** The instant from which an application whose relationship ended at `endedAt` may be erased. */
export function retentionExpiry(endedAt: string, period: RetentionPeriod): Date {
  const end = new Date(endedAt);
  if (Number.isNaN(end.getTime())) throw new RangeError(`relationship end ${endedAt} is not an ISO 8601 instant`);
  if ('seconds' in period) return new Date(end.getTime() + period.seconds * 1000);
  const expiry = new Date(end);
  expiry.setUTCFullYear(expiry.getUTCFullYear() + period.years);
  return expiry;
}

/** `5y` (calendar years), `30d`, `12h`, `90s` → a period; throws `RangeError` for anything else. */
export function parseRetentionPeriod(text: string): RetentionPeriod {
  const m = /^(\d+)([ydhs])$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new RangeError(`retention period ${text}: use e.g. 5y, 30d, 12h or 90s`);
  const n = Number(m[1]);
  if (m[2] === 'y') return { years: n };
  return { seconds: n * { d: 86_400, h: 3_600, s: 1 }[m[2] as 'd' | 'h' | 's'] };
}

/** Records the end of the business relationship, from which the retention period runs. */
export function recordRelationshipEnd(
  audit: AuditStore,
  request: { applicationId: string; endedAt: string; actor: string },
): Promise<AuditEvent> {
  if (Number.isNaN(new Date(request.endedAt).getTime())) {
    throw new RangeError(`${request.endedAt} is not an ISO 8601 instant`);
  }
  const now = new Date().toISOString();
  return audit.append({
    applicationId: request.applicationId,
    eventId: `relationship-ended:${request.endedAt}`,
    step: RetentionStep.RelationshipEnded,
    startedAt: now,
    endedAt: now,
    actor: request.actor,
    outcome: 'recorded',
    data: { endedAt: new Date(request.endedAt).toISOString() },
  });
}

/** Places (`release: false`) or releases a legal hold: a held application is never erased by retention. */
export function recordLegalHold(
  audit: AuditStore,
  request: { applicationId: string; reason: string; actor: string; release: boolean },
): Promise<AuditEvent> {
  const now = new Date().toISOString();
  return audit.append({
    applicationId: request.applicationId,
    eventId: `legal-hold:${request.release ? 'released' : 'placed'}:${now}`,
    step: RetentionStep.LegalHold,
    startedAt: now,
    endedAt: now,
    actor: request.actor,
    outcome: request.release ? 'released' : 'placed',
    reasons: [request.reason],
  });
}

export interface RetentionDue {
  asOf: string;
  /** Past retention, not held, not yet erased. */
  due: { applicationId: string; relationshipEndedAt: string; expiredAt: string }[];
  /** Past retention but under a legal hold: skipped, and listed so someone reviews the hold. */
  held: { applicationId: string; relationshipEndedAt: string; expiredAt: string; reason: string }[];
}

/**
 * Which applications have passed retention at `asOf`. Reads every chain: fine for one machine's audit database; a
 * deployment with millions of applications would index relationship ends instead.
 */
export async function findRetentionDue(
  audit: AuditStore,
  request: { asOf: string; period: RetentionPeriod },
): Promise<RetentionDue> {
  const asOf = new Date(request.asOf);
  const result: RetentionDue = { asOf: asOf.toISOString(), due: [], held: [] };
  for (const applicationId of await audit.listApplications()) {
    if (applicationId === RETENTION_AUDIT_CHAIN) continue;
    const state = await effectiveRetentionState(audit, applicationId);
    if (!state.relationshipEndedAt || state.erasedAt) continue;
    const expiry = retentionExpiry(state.relationshipEndedAt, request.period);
    if (expiry > asOf) continue;
    const entry = {
      applicationId,
      relationshipEndedAt: state.relationshipEndedAt,
      expiredAt: expiry.toISOString(),
    };
    if (state.hold) result.held.push({ ...entry, reason: state.hold.reason });
    else result.due.push(entry);
  }
  return result;
}

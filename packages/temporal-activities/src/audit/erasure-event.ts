import { randomUUID } from 'node:crypto';
import { AuditOutcome, type AuditEventInput, type ErasureOptions } from './audit-types.js';

/** The event `AuditStore.recordErasure` appends: step `erasure`, outcome `erased`, the legal reason as its reason. */
export function erasureEventInput(
  applicationId: string,
  reason: string,
  actor: string,
  options: ErasureOptions = {},
): AuditEventInput {
  const now = new Date().toISOString();
  return {
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
  };
}

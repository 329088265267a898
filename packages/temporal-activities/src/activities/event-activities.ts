import { Context } from '@temporalio/activity';
import type { AuditOutcome, AuditStore, JsonObject } from '../audit/index.js';

export interface RecordEventInput {
  applicationId: string;
  /** Unique within the run, chosen deterministically by the workflow (e.g. `received`, `decision`). */
  key: string;
  step: string;
  outcome: AuditOutcome;
  reasons?: string[];
  data?: JsonObject;
  actor?: string;
  inputDigest?: string;
  outputDigest?: string;
  engineVersion?: string;
}

export function createEventActivities(deps: { audit: AuditStore }) {
  return {
    /** Appends a workflow-level audit event (request received, decision, review); idempotent on its key. */
    async recordEvent(input: RecordEventInput): Promise<{ seq: number; hash: string }> {
      const info = Context.current().info;
      const { workflowId, runId } = info.workflowExecution ?? { workflowId: info.activityId, runId: 'standalone' };
      const now = new Date().toISOString();
      const event = await deps.audit.append({
        applicationId: input.applicationId,
        eventId: `${workflowId}:${runId}:${input.key}`,
        workflowId,
        runId,
        step: input.step,
        attempt: info.attempt,
        startedAt: now,
        endedAt: now,
        actor: input.actor ?? `workflow:${info.workflowType}`,
        engineVersion: input.engineVersion ?? null,
        inputDigest: input.inputDigest ?? null,
        outputDigest: input.outputDigest ?? null,
        outcome: input.outcome,
        reasons: input.reasons ?? [],
        data: input.data ?? {},
      });
      return { seq: event.seq, hash: event.hash };
    },
  };
}

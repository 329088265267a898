import { Context } from '@temporalio/activity';
import type { AuditEventInput, AuditOutcome, AuditStore } from '../audit/index.js';
import type { JsonObject } from '../audit/index.js';
import { toApplicationFailure } from './failures.js';

/** What a step reports for its audit event: never clear PII, only digests, measurements and reasons. */
export interface StepReport<T> {
  result: T;
  outcome: AuditOutcome;
  reasons?: string[];
  data?: JsonObject;
  outputDigest?: string;
}

export interface AuditedStepOptions {
  audit: AuditStore;
  applicationId: string;
  step: string;
  inputDigest?: string;
  engineVersion?: string;
  /** Who acts; default the worker's identity. */
  actor?: string;
}

/**
 * Runs one activity step and appends its audit event. The event id is stable across retries of the same activity
 * (`workflowId:runId:step:activityId`), so a step retried after a crash does not write twice; a failed attempt that
 * will be retried is recorded under its own attempt number so the trail shows every try.
 */
export async function auditedStep<T>(options: AuditedStepOptions, body: () => Promise<StepReport<T>>): Promise<T> {
  const info = Context.current().info;
  const { workflowId, runId } = info.workflowExecution ?? { workflowId: info.activityId, runId: 'standalone' };
  const startedAt = new Date().toISOString();
  const base: Omit<AuditEventInput, 'eventId' | 'outcome'> = {
    applicationId: options.applicationId,
    workflowId,
    runId,
    step: options.step,
    attempt: info.attempt,
    startedAt,
    actor: options.actor ?? `worker:${Context.current().info.taskQueue}`,
    engineVersion: options.engineVersion ?? null,
    inputDigest: options.inputDigest ?? null,
  };
  const eventId = `${workflowId}:${runId}:${options.step}:${info.activityId}`;
  let report: StepReport<T>;
  try {
    report = await body();
  } catch (err) {
    const failure = toApplicationFailure(err) as { nonRetryable?: boolean; type?: string; message?: string };
    const final = failure.nonRetryable === true;
    await options.audit.append({
      ...base,
      eventId: final ? eventId : `${eventId}:attempt-${info.attempt}`,
      endedAt: new Date().toISOString(),
      outcome: final ? 'failed' : 'error',
      reasons: [
        failure.type ?? (err instanceof Error ? err.name : 'Error'),
        final ? 'not retryable' : 'will be retried',
      ],
      data: {},
    });
    throw failure;
  }
  await options.audit.append({
    ...base,
    eventId,
    endedAt: new Date().toISOString(),
    outcome: report.outcome,
    reasons: report.reasons ?? [],
    data: report.data ?? {},
    outputDigest: report.outputDigest ?? null,
  });
  return report.result;
}

import { randomUUID } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { RetentionPeriod } from '@dococr/temporal-activities';
import type { Stack } from './stack.js';
import type { RetentionReport, RetentionWorkflowInput } from './workflows/retention.js';

/** The id of the daily retention schedule `scheduleRetention` creates. */
export const RETENTION_SCHEDULE_ID = 'dococr-retention';

/** Runs one retention pass now and waits for its report. */
export async function runRetention(
  stack: Stack,
  options: { period?: RetentionPeriod } = {},
): Promise<{ workflowId: string; report: RetentionReport }> {
  const workflowId = `retention-${randomUUID()}`;
  const input: RetentionWorkflowInput = options.period ? { period: options.period } : {};
  const report = (await stack.client.workflow.execute('retention', {
    taskQueue: stack.taskQueue,
    workflowId,
    args: [input],
  })) as RetentionReport;
  return { workflowId, report };
}

/**
 * Creates the Temporal Schedule that runs a retention pass every `every` (default one day), never two at once. Returns
 * `created: false` when it already exists (its settings are left as they are).
 */
export async function scheduleRetention(
  stack: Stack,
  options: { period?: RetentionPeriod; every?: string } = {},
): Promise<{ scheduleId: string; created: boolean }> {
  const input: RetentionWorkflowInput = options.period ? { period: options.period } : {};
  try {
    await stack.client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: { intervals: [{ every: (options.every ?? '1 day') as '1 day' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: { type: 'startWorkflow', workflowType: 'retention', taskQueue: stack.taskQueue, args: [input] },
    });
    return { scheduleId: RETENTION_SCHEDULE_ID, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId: RETENTION_SCHEDULE_ID, created: false };
    throw err;
  }
}

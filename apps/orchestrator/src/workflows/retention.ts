import { log, proxyActivities } from '@temporalio/workflow';
import type {
  DocOcrActivities,
  EraseForRetentionResult,
  RetentionDue,
  RetentionPeriod,
} from '@dococr/temporal-activities';
import { auditActivity, checkImageActivity } from '../activity-options.js';

export interface RetentionWorkflowInput {
  /** How long records are kept after the relationship ends. Default five calendar years. */
  period?: RetentionPeriod | undefined;
}

export interface RetentionReport {
  asOf: string;
  period: RetentionPeriod;
  erased: Extract<EraseForRetentionResult, { status: 'erased' }>[];
  /** Past retention but under a legal hold: not erased. */
  held: RetentionDue['held'];
  /** Listed as due, but found held or retained again when its turn came. */
  skipped: Extract<EraseForRetentionResult, { status: 'skipped' }>[];
}

/** The chain each run's report goes to; mirrors `RETENTION_AUDIT_CHAIN` (workflow code imports activities as types). */
const REPORT_CHAIN = 'system-retention';

const light = proxyActivities<DocOcrActivities>(checkImageActivity);
const audit = proxyActivities<DocOcrActivities>(auditActivity);

/**
 * One retention pass: erases (crypto-shredding through `eraseApplication`) every application whose business
 * relationship ended longer ago than the retention period, skips and lists those under a legal hold, and appends
 * its report to the `system-retention` audit chain. Each erasure is also an event on the application's own chain.
 * Run it from a Temporal Schedule (`dococr retention schedule`) or once (`dococr retention run`).
 */
export async function retention(input: RetentionWorkflowInput = {}): Promise<RetentionReport> {
  const period = input.period ?? { years: 5 };
  // The workflow's clock: the same instant on replay.
  const asOf = new Date(Date.now()).toISOString();
  const due = await light.findRetentionDue({ asOf, period });
  const report: RetentionReport = { asOf, period, erased: [], held: due.held, skipped: [] };
  for (const entry of due.due) {
    const result = await light.eraseForRetention({ applicationId: entry.applicationId, period, asOf });
    if (result.status === 'erased') report.erased.push(result);
    else report.skipped.push(result);
  }
  await audit.recordEvent({
    applicationId: REPORT_CHAIN,
    key: 'report',
    step: 'retention-run',
    outcome: 'passed',
    reasons: report.held.map((h) => `${h.applicationId} held: ${h.reason}`),
    data: {
      asOf,
      period: { ...period },
      erased: report.erased.map((e) => e.applicationId),
      held: report.held.map((h) => h.applicationId),
      skipped: report.skipped.map((s) => s.applicationId),
    },
  });
  log.info('retention pass done', {
    step: 'retention',
    erased: report.erased.length,
    held: report.held.length,
  });
  return report;
}

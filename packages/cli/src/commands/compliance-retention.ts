import type { RetentionPeriod } from '@dococr/temporal-activities';
import { openStack, type CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { applicationIdOf } from './audit.js';

async function openAuditOnly(ctx: CliContext) {
  const orchestrator = await import('@dococr/orchestrator');
  const activities = await import('@dococr/temporal-activities');
  const services = orchestrator.openLocalServices(orchestrator.orchestratorConfigFromEnv(ctx.env));
  return { services, activities };
}

function actorOf(ctx: CliContext, flags: { actor?: string }): string {
  return flags.actor ?? `cli:${ctx.env.USER ?? 'unknown'}`;
}

async function requireTrail(audit: { listApplications(): Promise<string[]> }, applicationId: string) {
  if (!(await audit.listApplications()).includes(applicationId)) {
    throw new CliError(`no audit trail for application ${applicationId}`, ExitCode.Usage, 'dococr audit list');
  }
}

async function parsePeriod(text: string | undefined): Promise<RetentionPeriod | undefined> {
  if (text === undefined) return undefined;
  const { parseRetentionPeriod } = await import('@dococr/temporal-activities');
  try {
    return parseRetentionPeriod(text);
  } catch (err) {
    throw new CliError(`--period: ${(err as Error).message}`, ExitCode.Usage);
  }
}

/** `dococr kyc close <id> [--ended-at ISO]`: records the end of the relationship; retention runs from it. */
export async function kycClose(
  ctx: CliContext,
  id: string,
  flags: { endedAt?: string; actor?: string; json?: boolean },
): Promise<number> {
  const applicationId = applicationIdOf(id);
  const endedAt = flags.endedAt ?? new Date().toISOString();
  if (Number.isNaN(new Date(endedAt).getTime())) {
    throw new CliError(`--ended-at ${endedAt}: use an ISO 8601 instant, e.g. 2026-11-26T00:00:00Z`, ExitCode.Usage);
  }
  const { services, activities } = await openAuditOnly(ctx);
  await requireTrail(services.audit, applicationId);
  const event = await activities.recordRelationshipEnd(services.audit, {
    applicationId,
    endedAt,
    actor: actorOf(ctx, flags),
  });
  const state = activities.retentionStateOf(applicationId, await services.audit.list(applicationId));
  const until = activities.retentionExpiry(state.relationshipEndedAt!, activities.DEFAULT_RETENTION_PERIOD);
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ ...state, retainedUntil: until.toISOString(), eventSeq: event.seq })}\n`);
  } else {
    ctx.stdout.write(
      `relationship of ${applicationId} ended ${state.relationshipEndedAt} (event ${event.seq}); ` +
        `kept until ${until.toISOString()} under the default 5-year period${state.hold ? ', and held' : ''}\n`,
    );
  }
  return ExitCode.Ok;
}

/** `dococr audit hold <id> --reason R` places a legal hold; `--release` lifts it. Both are events on the chain. */
export async function auditHold(
  ctx: CliContext,
  id: string,
  flags: { reason?: string; release?: boolean; actor?: string },
): Promise<number> {
  if (!flags.reason) throw new CliError('audit hold needs --reason (the order or case it serves)', ExitCode.Usage);
  const applicationId = applicationIdOf(id);
  const { services, activities } = await openAuditOnly(ctx);
  await requireTrail(services.audit, applicationId);
  const before = activities.retentionStateOf(applicationId, await services.audit.list(applicationId));
  if (flags.release && !before.hold) throw new CliError(`${applicationId} is not under a legal hold`, ExitCode.Usage);
  const event = await activities.recordLegalHold(services.audit, {
    applicationId,
    reason: flags.reason,
    actor: actorOf(ctx, flags),
    release: flags.release ?? false,
  });
  ctx.stdout.write(`legal hold on ${applicationId} ${flags.release ? 'released' : 'placed'} (event ${event.seq})\n`);
  return ExitCode.Ok;
}

/** `dococr retention run [--period 5y]`: one pass of the retention workflow, and its report. */
export async function retentionRun(ctx: CliContext, flags: { period?: string; json?: boolean }): Promise<number> {
  const period = await parsePeriod(flags.period);
  const { orchestrator, stack } = await openStack(ctx, {});
  try {
    const { workflowId, report } = await orchestrator.runRetention(stack, period ? { period } : {});
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify({ workflowId, ...report })}\n`);
      return ExitCode.Ok;
    }
    const lines = [`retention pass ${workflowId} as of ${report.asOf}`];
    for (const e of report.erased)
      lines.push(`  erased  ${e.applicationId} (relationship ended ${e.relationshipEndedAt})`);
    for (const h of report.held) lines.push(`  HELD    ${h.applicationId} (expired ${h.expiredAt}): ${h.reason}`);
    for (const s of report.skipped) lines.push(`  skipped ${s.applicationId}: ${s.reason}`);
    if (lines.length === 1) lines.push('  nothing past retention');
    ctx.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.Ok;
  } finally {
    await stack.shutdown();
  }
}

/** `dococr retention schedule [--period 5y] [--every 1d]`: the Temporal Schedule that runs the pass daily. */
export async function retentionSchedule(ctx: CliContext, flags: { period?: string; every?: string }): Promise<number> {
  const period = await parsePeriod(flags.period);
  const every = flags.every ?? '1d';
  if (!/^\d+[smhd]$/.test(every)) throw new CliError(`--every ${every}: use e.g. 1d, 12h`, ExitCode.Usage);
  const { orchestrator, stack } = await openStack(ctx, { runWorker: false });
  try {
    const { scheduleId, created } = await orchestrator.scheduleRetention(stack, {
      ...(period ? { period } : {}),
      every,
    });
    ctx.stdout.write(
      created
        ? `schedule ${scheduleId} created: a retention pass every ${every}\n`
        : `schedule ${scheduleId} already exists (delete it with: temporal schedule delete --schedule-id ${scheduleId})\n`,
    );
    return ExitCode.Ok;
  } finally {
    await stack.shutdown();
  }
}

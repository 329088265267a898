import { writeFileSync } from 'node:fs';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

async function openAudit(ctx: CliContext) {
  const orchestrator = await import('@dococr/orchestrator');
  const config = orchestrator.orchestratorConfigFromEnv(ctx.env);
  const services = orchestrator.openLocalServices(config);
  return { config, services };
}

async function requireApplication(audit: { listApplications(): Promise<string[]> }, id: string): Promise<void> {
  const apps = await audit.listApplications();
  if (!apps.includes(id)) {
    throw new CliError(`no audit trail for application ${id}`, ExitCode.Usage, 'list them with: dococr audit list');
  }
}

/** The application id of an argument: the MerchantBizId itself or a workflow id (`dococr-<id>`, `kyc-<id>`). */
export function applicationIdOf(arg: string): string {
  const m = /^(?:dococr|kyc|batch)-([A-Za-z0-9]+)/.exec(arg);
  return m?.[1] ?? arg;
}

export async function auditList(ctx: CliContext, flags: { json?: boolean }): Promise<number> {
  const { services } = await openAudit(ctx);
  const apps = await services.audit.listApplications();
  if (flags.json) ctx.stdout.write(`${JSON.stringify(apps)}\n`);
  else ctx.stdout.write(apps.length ? `${apps.join('\n')}\n` : 'no applications yet\n');
  return ExitCode.Ok;
}

export async function auditShow(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const { services } = await openAudit(ctx);
  const applicationId = applicationIdOf(id);
  await requireApplication(services.audit, applicationId);
  const events = await services.audit.list(applicationId);
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify(events)}\n`);
    return ExitCode.Ok;
  }
  const lines = [`Audit trail of application ${applicationId} (${events.length} events)`];
  for (const e of events) {
    const reasons = e.reasons.length ? `  ${e.reasons.join('; ')}` : '';
    lines.push(
      `${String(e.seq).padStart(3)}  ${e.startedAt}  ${e.step.padEnd(18)} ${e.outcome.padEnd(9)} ${e.actor}${e.engineVersion ? `  [${e.engineVersion}]` : ''}${reasons}`,
    );
  }
  const verification = await services.audit.verify(applicationId);
  lines.push(
    verification.ok
      ? `chain verified, head ${verification.headHash.slice(0, 16)}…`
      : `CHAIN BROKEN at ${verification.brokenAt}: ${verification.reason}`,
  );
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

/** Exit 0 when the chain verifies, 1 when it does not, naming the first broken link. */
export async function auditVerify(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const { services } = await openAudit(ctx);
  const applicationId = applicationIdOf(id);
  await requireApplication(services.audit, applicationId);
  const result = await services.audit.verify(applicationId);
  if (flags.json) ctx.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.ok) ctx.stdout.write(`ok: ${result.count} events, chain intact (head ${result.headHash})\n`);
  else ctx.stdout.write(`BROKEN: first broken link at event ${result.brokenAt}: ${result.reason}\n`);
  return result.ok ? ExitCode.Ok : ExitCode.Failure;
}

export async function auditExport(
  ctx: CliContext,
  id: string,
  flags: { format?: string; out?: string },
): Promise<number> {
  const { services } = await openAudit(ctx);
  const applicationId = applicationIdOf(id);
  await requireApplication(services.audit, applicationId);
  const format = (flags.format ?? 'jsonl').toLowerCase();
  if (format !== 'jsonl' && format !== 'csv')
    throw new CliError(`--format ${format}: use jsonl or csv`, ExitCode.Usage);
  const text =
    format === 'csv' ? await services.audit.exportCsv(applicationId) : await services.audit.exportJsonl(applicationId);
  if (flags.out) {
    writeFileSync(flags.out, text);
    ctx.stderr.write(`wrote ${flags.out}\n`);
  } else {
    ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return ExitCode.Ok;
}

/**
 * Erasure on request: deletes the application's images, destroys its data key (so every payload and blob encrypted
 * with it becomes unreadable everywhere at once) and records the erasure in the chain, which stays verifiable
 * because it holds digests, not values.
 */
export async function auditErase(
  ctx: CliContext,
  id: string,
  flags: { reason?: string; actor?: string },
): Promise<number> {
  if (!flags.reason) throw new CliError('audit erase needs --reason (the legal basis of the erasure)', ExitCode.Usage);
  const { services } = await openAudit(ctx);
  const applicationId = applicationIdOf(id);
  await requireApplication(services.audit, applicationId);
  const { eraseApplication } = await import('@dococr/temporal-activities');
  const actor = flags.actor ?? `cli:${ctx.env.USER ?? 'unknown'}`;
  const deps = { keyStore: services.keyStore, blobStore: services.blobs, auditStore: services.audit };
  // Re-verifications stored their own copy of the image under their own application id: erase them too.
  const linked = (await services.audit.list(applicationId))
    .filter((e) => e.step === 'reverification' && typeof e.data.reverificationWorkflowId === 'string')
    .map((e) => applicationIdOf(String(e.data.reverificationWorkflowId)));
  for (const copy of new Set(linked)) {
    await eraseApplication(deps, {
      applicationId: copy,
      reason: `${flags.reason} (re-verification of ${applicationId})`,
      actor,
    });
  }
  const report = await eraseApplication(deps, { applicationId, reason: flags.reason, actor });
  const { blobsDeleted, event } = report;
  const verification = await services.audit.verify(applicationId);
  ctx.stdout.write(
    `erased application ${applicationId}: ${blobsDeleted} image(s) deleted, data key destroyed; erasure recorded as event ${event.seq}; chain ${verification.ok ? 'verifies' : 'BROKEN'}${linked.length ? `; also erased its re-verification(s) ${[...new Set(linked)].join(', ')}` : ''}\n`,
  );
  return verification.ok ? ExitCode.Ok : ExitCode.Failure;
}

import { readFileSync, writeFileSync } from 'node:fs';
import type { LocalServices, Stack } from '@dococr/orchestrator';
import type { AuditEvent } from '@dococr/temporal-activities';
import { openStack, type CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { applicationIdOf } from './audit.js';
import {
  EVENTS,
  IMAGE_ENCRYPTION,
  checkBundle,
  sealMember,
  writeBundle,
  type BundleManifest,
} from './compliance-bundle-format.js';
import { renderReport, type ReportWorkflow } from './compliance-report.js';
import { loadOrCreateBundleSigner, localSignerFingerprint } from './compliance-signing.js';

export interface ExportBundleFlags {
  bundle: string;
  includeImages?: boolean;
  /** Also the workflow results with the fields read in clear, sealed under the passphrase like the images. */
  includeFields?: boolean;
  imagesPassphrase?: string;
}

/** The environment variable `--include-images` reads the passphrase from when the flag is absent. */
export const BUNDLE_PASSPHRASE_ENV = 'DOCOCR_BUNDLE_PASSPHRASE';

/**
 * `dococr audit export <id> --bundle out.zip`: one signed archive with everything an auditor needs to reconstruct the
 * application without the system (see `compliance-bundle-format.ts` for the layout and docs/compliance.md).
 */
export async function auditExportBundle(ctx: CliContext, id: string, flags: ExportBundleFlags): Promise<number> {
  const passphrase = flags.imagesPassphrase ?? ctx.env[BUNDLE_PASSPHRASE_ENV];
  if ((flags.includeImages || flags.includeFields) && !passphrase) {
    throw new CliError(
      '--include-images and --include-fields need a passphrase to encrypt them',
      ExitCode.Usage,
      `pass --images-passphrase or set ${BUNDLE_PASSPHRASE_ENV}`,
    );
  }
  const { stack, services, config } = await openStack(ctx, { runWorker: false });
  try {
    const applicationId = applicationIdOf(id);
    const events = await services.audit.list(applicationId);
    if (events.length === 0) {
      throw new CliError(`no audit trail for application ${applicationId}`, ExitCode.Usage, 'dococr audit list');
    }
    const verification = await services.audit.verify(applicationId);
    const head = await services.audit.head(applicationId);
    const keyStatus = await services.keyStore.dataKeyStatus(applicationId);
    const contents = new Map<string, Uint8Array>();
    const put = (p: string, value: unknown) =>
      contents.set(p, Buffer.from(typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`));
    put(EVENTS, await services.audit.exportJsonl(applicationId));
    put('audit/verification.json', verification);

    const sealFields = flags.includeFields && passphrase ? passphrase : undefined;
    const workflows = await collectWorkflows(stack, services, applicationId, events, (workflowId, raw) => {
      if (!sealFields) return;
      const member = `fields/${workflowId}.json.enc`;
      contents.set(member, sealMember(Buffer.from(JSON.stringify(raw, null, 2)), member, sealFields));
    });
    for (const w of workflows) put(`workflows/${w.workflowId}.json`, w);
    const engineVersions = [...new Set(events.map((e) => e.engineVersion).filter((v): v is string => !!v))].sort();
    const reviews = events
      .filter((e) => e.step === 'review')
      .map((e) => ({ seq: e.seq, at: e.startedAt, actor: e.actor, outcome: e.outcome, reasons: e.reasons }));
    const erasures = events
      .filter((e) => e.step === 'erasure')
      .map((e) => ({ seq: e.seq, at: e.startedAt, actor: e.actor, reasons: e.reasons, data: e.data }));
    // The DocOcrV2 request of each run, as recorded when it was received: every parameter except the image (its
    // SHA-256 and size instead) and MerchantUserId (never stored in clear).
    const requests = events
      .filter((e) => e.step === 'received')
      .map((e) => ({ workflowId: e.workflowId, receivedAt: e.startedAt, ...e.data }));
    const summary = {
      applicationId,
      dataKey: keyStatus,
      requests,
      workflows: workflows.map((w) => ({ workflowId: w.workflowId, runId: w.runId, type: w.type, status: w.status })),
      engineVersions,
      reviewerDecisions: reviews,
      erasures,
    };
    put('summary.json', summary);

    let images = 0;
    if (flags.includeImages && passphrase) {
      for (const sha256 of imageDigests(events)) {
        const ref = { sha256, size: 0, mediaType: 'application/octet-stream', key: `${applicationId}/${sha256}` };
        if (!(await services.blobs.has(ref))) continue;
        contents.set(`images/${sha256}.enc`, sealMember(await services.blobs.get(ref), sha256, passphrase));
        images++;
      }
    }
    if (flags.includeImages || flags.includeFields) {
      const { recordPiiAccess } = await import('../pii-access.js');
      await recordPiiAccess(services.audit, {
        applicationId,
        actor: `cli:${ctx.env.USER ?? 'unknown'}`,
        via: 'bundle',
        reason: 'evidence bundle exported with personal data, sealed under a passphrase',
        what: [...(flags.includeFields ? ['fields'] : []), ...(flags.includeImages ? ['images'] : [])],
      });
    }
    const createdAt = new Date().toISOString();
    const meta = {
      applicationId,
      createdAt,
      createdBy: `cli:${ctx.env.USER ?? 'unknown'}`,
      chain: { seq: head?.seq ?? 0, hash: head?.hash ?? '', count: events.length },
      images: flags.includeImages ? { included: true, encryption: IMAGE_ENCRYPTION } : { included: false },
      fields: { included: !!sealFields },
    } satisfies Omit<BundleManifest, 'format' | 'signature' | 'files'>;
    put('report.html', renderReport({ ...meta, events, verification, workflows, summary, images }));
    const signer = loadOrCreateBundleSigner(config.dataDir);
    writeFileSync(flags.bundle, writeBundle(contents, meta, signer));
    ctx.stdout.write(
      `wrote ${flags.bundle}: ${contents.size} files, ${events.length} events, ${workflows.length} workflow(s), ${images} image(s)\n` +
        `signed with Ed25519 key ${signer.fingerprint}\n`,
    );
    return verification.ok ? ExitCode.Ok : ExitCode.Failure;
  } finally {
    await stack.shutdown();
  }
}

/** `dococr audit verify --bundle out.zip`: exit 0 when the bundle is intact, 1 naming every problem found. */
export async function auditVerifyBundle(
  ctx: CliContext,
  flags: { bundle: string; fingerprint?: string; json?: boolean },
): Promise<number> {
  let zip: Buffer;
  try {
    zip = readFileSync(flags.bundle);
  } catch (err) {
    throw new CliError(`cannot read ${flags.bundle}: ${(err as Error).message}`, ExitCode.Usage);
  }
  const result = checkBundle(zip, flags.fingerprint ? { expectedFingerprint: flags.fingerprint } : {});
  const dataDir = ctx.env.DOCOCR_DATA_DIR ?? '.dococr';
  const local = localSignerFingerprint(dataDir);
  if (flags.json) {
    const { manifest: _m, ...rest } = result as { manifest?: unknown };
    ctx.stdout.write(`${JSON.stringify({ ...rest, localKey: local === result.fingerprint })}\n`);
  } else if (result.ok) {
    ctx.stdout.write(
      `ok: ${result.applicationId}, ${result.files} files, chain of ${result.chain.count} events intact (head ${result.chain.headHash})\n` +
        `signed by ${result.fingerprint}${local === result.fingerprint ? ' (this data folder’s key)' : flags.fingerprint ? ' (as expected)' : ' (compare with the fingerprint the issuer published)'}\n`,
    );
  } else {
    ctx.stdout.write(`BROKEN: ${result.problems.join('; ')}\n`);
  }
  return result.ok ? ExitCode.Ok : ExitCode.Failure;
}

/** The images an application's events refer to (`received` events of docOcr and kyc). */
function imageDigests(events: AuditEvent[]): string[] {
  const found = new Set<string>();
  for (const e of events) {
    if (e.step !== 'received') continue;
    const data = e.data as { imageSha256?: unknown; documents?: { imageSha256?: unknown }[] };
    if (typeof data.imageSha256 === 'string') found.add(data.imageSha256);
    for (const d of data.documents ?? []) if (typeof d.imageSha256 === 'string') found.add(d.imageSha256);
  }
  return [...found].sort();
}

/**
 * Every workflow run named by the application's events: its description, the outline of its history (event kinds and
 * activity types; payloads stay in Temporal, encrypted) and its result with the fields read replaced by keyed digests.
 */
async function collectWorkflows(
  stack: Stack,
  services: LocalServices,
  applicationId: string,
  events: AuditEvent[],
  /** Receives each readable result as it is, before its fields are replaced by digests. */
  onResult: (workflowId: string, result: unknown) => void,
): Promise<ReportWorkflow[]> {
  const runs = new Map<string, string>();
  for (const e of events) if (e.workflowId && e.runId && !runs.has(e.workflowId)) runs.set(e.workflowId, e.runId);
  const out: ReportWorkflow[] = [];
  for (const [workflowId, runId] of runs) {
    const handle = stack.client.workflow.getHandle(workflowId, runId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      out.push({ workflowId, runId, type: 'unknown', status: 'NOT_FOUND', note: (err as Error).message });
      continue;
    }
    const history = await handle.fetchHistory();
    const outline = (history.events ?? []).map((ev) => {
      const kind = Object.keys(ev).find((k) => k.endsWith('EventAttributes') && ev[k as keyof typeof ev]);
      const scheduled = ev.activityTaskScheduledEventAttributes?.activityType?.name;
      return {
        eventId: Number(ev.eventId),
        time: ev.eventTime?.seconds ? new Date(Number(ev.eventTime.seconds) * 1000).toISOString() : null,
        kind: kind?.replace(/EventAttributes$/, '') ?? 'unknown',
        ...(scheduled ? { activityType: scheduled } : {}),
      };
    });
    const record: ReportWorkflow = {
      workflowId,
      runId,
      type: description.type,
      status: description.status.name,
      startTime: description.startTime.toISOString(),
      closeTime: description.closeTime?.toISOString() ?? null,
      taskQueue: description.taskQueue,
      history: outline,
    };
    if (description.status.name === 'COMPLETED') {
      try {
        const result: unknown = await handle.result();
        onResult(workflowId, result);
        record.result = await redactFields(services, applicationId, result);
      } catch (err) {
        record.note = `result unreadable: ${(err as Error).message}`;
      }
    }
    out.push(record);
  }
  return out;
}

/** Replaces every `ocrIdInfo` (also inside an `ExtIdInfo` JSON string) by keyed digests of its values. */
export async function redactFields(services: LocalServices, applicationId: string, value: unknown): Promise<unknown> {
  const digest = async (fields: Record<string, unknown>) =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(fields).map(async ([k, v]) => [
          k,
          `keyed-sha256:${await services.keyStore.keyedDigest(applicationId, Buffer.from(String(v), 'utf8'))}`,
        ]),
      ),
    );
  const walk = async (v: unknown, key?: string): Promise<unknown> => {
    if (key === 'ocrIdInfo' && v && typeof v === 'object') return digest(v as Record<string, unknown>);
    if (key === 'ExtIdInfo' && typeof v === 'string' && v.length > 0) {
      return JSON.stringify(await walk(JSON.parse(v) as unknown));
    }
    if (Array.isArray(v)) return Promise.all(v.map((x) => walk(x)));
    if (v && typeof v === 'object') {
      const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await walk(x, k)] as const));
      return Object.fromEntries(entries);
    }
    return v;
  };
  return walk(value);
}

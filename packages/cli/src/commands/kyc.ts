import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KycStatus } from '@dococr/orchestrator';
import { openStack, type CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { DOC_TYPE_NAMES, SUB_CODE_TEXT } from '../output.js';

const SIDES: Record<string, 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM'> = {
  face: 'OCR_ID_FACE',
  emblem: 'OCR_ID_NATIONAL_EMBLEM',
};

export interface KycDocSpec {
  docType: string;
  side?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM';
  file: string;
  role: string;
}

/** `--doc <docType>[/<side>]:<file>`, e.g. `01000000:passport.jpg`, `00000001/emblem:back.jpg`. */
export function parseDocSpec(spec: string): KycDocSpec {
  const m = /^(\d{8,9})(?:\/(face|emblem))?:(.+)$/.exec(spec);
  if (!m) {
    throw new CliError(
      `--doc ${spec}: use <DocType>[/face|/emblem]:<file>, e.g. 00000001/emblem:back.jpg`,
      ExitCode.Usage,
    );
  }
  const [, docType, side, file] = m as unknown as [string, string, string | undefined, string];
  if (!DOC_TYPE_NAMES[docType]) throw new CliError(`--doc ${spec}: unknown DocType ${docType}`, ExitCode.Usage);
  if (side && docType !== '00000001')
    throw new CliError(`--doc ${spec}: a side applies only to DocType 00000001`, ExitCode.Usage);
  const role = docType === '00000001' ? `id-${side ?? 'face'}` : docType === '01000000' ? 'passport' : `doc-${docType}`;
  return { docType, file, role, ...(side ? { side: SIDES[side] } : {}) };
}

/** `30s`, `15m`, `2h`, `1d` → seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)([smhd])$/.exec(value);
  if (!m) throw new CliError(`${value}: use a number and a unit, e.g. 30s, 15m, 2h, 1d`, ExitCode.Usage);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function printStatus(ctx: CliContext, status: KycStatus): void {
  const lines = [
    `Application ${status.applicationId}: ${status.state.toUpperCase()}${status.escalated ? ' (escalated)' : ''}`,
  ];
  for (const d of status.documents) {
    const sub = d.subCode ? `SubCode ${d.subCode}: ${SUB_CODE_TEXT[d.subCode] ?? ''}` : (d.code ?? d.status);
    lines.push(`  document ${d.index} ${d.role.padEnd(10)} ${d.docType}  ${sub}`);
  }
  for (const c of status.checks) {
    const outcome = c.ok === null ? 'not applicable' : c.ok ? 'ok' : `FAILED (${c.onFailure})`;
    lines.push(`  check ${c.name.padEnd(22)} ${outcome}${c.detail ? `  ${c.detail}` : ''}`);
  }
  for (const r of status.reasons) lines.push(`  reason: ${r}`);
  if (status.reviewer)
    lines.push(`  reviewed by ${status.reviewer.reviewerId}: ${status.reviewer.decision} (${status.reviewer.reason})`);
  if (status.state === 'review' && status.reviewDeadline) lines.push(`  review deadline ${status.reviewDeadline}`);
  ctx.stdout.write(`${lines.join('\n')}\n`);
}

const SETTLED = new Set(['review', 'escalated', 'approved', 'rejected']);

async function waitSettled(query: () => Promise<KycStatus>, timeoutMs = 300_000): Promise<KycStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await query();
    if (SETTLED.has(status.state) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 300));
  }
}

export interface KycStartFlags {
  doc: string[];
  id?: string;
  merchantUserId?: string;
  sceneCode?: string;
  minAge?: string;
  reviewDeadline?: string;
  requireSamePerson?: boolean;
  json?: boolean;
}

/**
 * Opens an application and, with the embedded stack, runs it until it is decided or waits for a reviewer; the
 * review deadline keeps running in the dev server's database after the command ends.
 */
export async function kycStart(ctx: CliContext, flags: KycStartFlags): Promise<number> {
  if (!flags.doc?.length) throw new CliError('kyc start needs at least one --doc <DocType>:<file>', ExitCode.Usage);
  const specs = flags.doc.map(parseDocSpec);
  const documents = await Promise.all(
    specs.map(async (s) => {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(s.file));
      } catch {
        throw new CliError(`${s.file}: no such file or not readable`, ExitCode.Usage);
      }
      return {
        role: s.role,
        docType: s.docType,
        bytes,
        mediaType: 'application/octet-stream',
        ...(s.side ? { cardSide: s.side } : {}),
      };
    }),
  );
  const minimumAge = flags.minAge === undefined ? undefined : Number(flags.minAge);
  const { orchestrator, stack } = await openStack(ctx, {});
  try {
    const applicationId = flags.id ?? randomBytes(12).toString('hex');
    const started = await orchestrator.startKyc(stack, {
      applicationId,
      merchantUserId: flags.merchantUserId ?? 'dococr-cli',
      ...(flags.sceneCode ? { sceneCode: flags.sceneCode } : {}),
      documents,
      policy: {
        reviewDeadlineSeconds: parseDuration(flags.reviewDeadline ?? '1d'),
        requireSamePerson: flags.requireSamePerson ?? false,
        ...(minimumAge !== undefined ? { minimumAge } : {}),
      },
    });
    const status = await waitSettled(() => orchestrator.kycStatus(stack, applicationId));
    if (flags.json) {
      ctx.stdout.write(
        `${JSON.stringify({ id: applicationId, workflowId: started.workflowId, runId: started.runId, existing: started.existing, status })}\n`,
      );
    } else {
      printStatus(ctx, status);
      ctx.stdout.write(`id: ${applicationId}   (dococr kyc status ${applicationId})\n`);
    }
    return ExitCode.Ok;
  } catch (err) {
    const core = await import('@dococr/core');
    if (core.isDocOcrError(err)) throw new CliError(`${err.code}: ${err.message}`, ExitCode.Usage);
    throw err;
  } finally {
    await stack.shutdown();
  }
}

type Orchestrator = Awaited<ReturnType<typeof openStack>>['orchestrator'];
type OpenedStack = Awaited<ReturnType<typeof openStack>>['stack'];

async function withApplication<T>(
  ctx: CliContext,
  id: string,
  fn: (o: Orchestrator, s: OpenedStack) => Promise<T>,
): Promise<T> {
  const { orchestrator, stack } = await openStack(ctx, {});
  try {
    return await fn(orchestrator, stack);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'WorkflowNotFoundError')
      throw new CliError(`no KYC application ${id}`, ExitCode.Usage, 'start one with: dococr kyc start');
    throw err;
  } finally {
    await stack.shutdown();
  }
}

export async function kycStatusCommand(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const status = await withApplication(ctx, id, (o, s) => o.kycStatus(s, id));
  if (flags.json) ctx.stdout.write(`${JSON.stringify(status)}\n`);
  else printStatus(ctx, status);
  return ExitCode.Ok;
}

export async function kycReviewCommand(
  ctx: CliContext,
  id: string,
  flags: { approve?: boolean; reject?: boolean; reason?: string; reviewer?: string; json?: boolean },
): Promise<number> {
  if (Boolean(flags.approve) === Boolean(flags.reject))
    throw new CliError('give exactly one of --approve and --reject', ExitCode.Usage);
  if (!flags.reason || !flags.reviewer) throw new CliError('a review needs --reason and --reviewer', ExitCode.Usage);
  const status = await withApplication(ctx, id, async (o, s) => {
    const before = await o.kycStatus(s, id);
    if (before.state === 'approved' || before.state === 'rejected') {
      throw new CliError(`application ${id} is already ${before.state}; nothing to review`, ExitCode.Usage);
    }
    try {
      await o.reviewKyc(s, id, {
        decision: flags.approve ? 'approve' : 'reject',
        reviewerId: flags.reviewer!,
        reason: flags.reason!,
      });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/not waiting for a review|rejected|invalid/i.test(msg))
        throw new CliError(`review refused: ${msg}`, ExitCode.Usage);
      throw err;
    }
    return waitSettled(() => o.kycStatus(s, id), 30_000);
  });
  if (flags.json) ctx.stdout.write(`${JSON.stringify(status)}\n`);
  else printStatus(ctx, status);
  return ExitCode.Ok;
}

export async function kycResultCommand(ctx: CliContext, id: string, flags: { json?: boolean }): Promise<number> {
  const status = await withApplication(ctx, id, async (o, s) => {
    const now = await o.kycStatus(s, id);
    return now.state === 'approved' || now.state === 'rejected' ? await o.kycResult(s, id) : now;
  });
  if (flags.json) ctx.stdout.write(`${JSON.stringify(status)}\n`);
  else printStatus(ctx, status);
  return ExitCode.Ok;
}

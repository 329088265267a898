import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BatchProgress } from '@dococr/orchestrator';
import { openStack, type CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

export interface BatchFlags {
  docType?: string;
  concurrency?: string;
  id?: string;
  json?: boolean;
}

interface PlannedItem {
  key: string;
  file: string;
  docType: string;
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM';
}

const IMAGE = /\.(jpe?g|png)$/i;

/** An item key from a file name: letters, digits, `_ . -`, at most 64, unique within the batch. */
function keyOf(file: string, used: Set<string>): string {
  let key =
    path
      .basename(file)
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 56) || 'item';
  if (used.has(key)) key = `${key.slice(0, 48)}-${createHash('sha256').update(file).digest('hex').slice(0, 7)}`;
  used.add(key);
  return key;
}

/** The items of a folder (every JPG/PNG, one DocType) or of a manifest.jsonl (`image`, `docType`, `cardSide`). */
export function planBatch(source: string, docType: string | undefined): PlannedItem[] {
  if (!existsSync(source)) throw new CliError(`${source}: no such folder or manifest`, ExitCode.Usage);
  const used = new Set<string>();
  if (statSync(source).isDirectory()) {
    if (!docType)
      throw new CliError("a folder needs --doc-type (a manifest names each image's DocType)", ExitCode.Usage);
    const files = readdirSync(source)
      .filter((f) => IMAGE.test(f))
      .sort();
    if (files.length === 0) throw new CliError(`${source}: no JPG or PNG images`, ExitCode.Usage);
    return files.map((f) => ({ key: keyOf(f, used), file: path.join(source, f), docType }));
  }
  const dir = path.dirname(source);
  return readFileSync(source, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let entry: { image?: string; docType?: string; cardSide?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        throw new CliError(`${source}:${i + 1}: not JSON`, ExitCode.Usage);
      }
      if (!entry.image) throw new CliError(`${source}:${i + 1}: no "image"`, ExitCode.Usage);
      const dt = entry.docType ?? docType;
      if (!dt) throw new CliError(`${source}:${i + 1}: no "docType" and no --doc-type`, ExitCode.Usage);
      const side =
        entry.cardSide === 'OCR_ID_NATIONAL_EMBLEM' || entry.cardSide === 'OCR_ID_FACE' ? entry.cardSide : undefined;
      return {
        key: keyOf(entry.image, used),
        file: path.join(dir, entry.image),
        docType: dt,
        ...(side ? { cardSide: side } : {}),
      };
    });
}

/** The batch id of a source: the same folder or manifest gives the same id, so running it again resumes it. */
export function batchIdOf(source: string): string {
  return createHash('sha256').update(path.resolve(source)).digest('hex').slice(0, 24);
}

function bar(p: BatchProgress, startedAt: number): string {
  const width = 30;
  const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
  const rate = p.done / Math.max(1, (Date.now() - startedAt) / 1000);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}  passed ${p.passed}  failed ${p.failed}  errors ${p.errors}  ${rate.toFixed(2)}/s`;
}

/**
 * `dococr batch`: every document of a folder or manifest through docOcr, a few at a time. Interrupted (Ctrl-C), the
 * workflow waits in the server; running the same command again resumes it and reads no finished item twice.
 */
export async function batchCommand(ctx: CliContext, source: string, flags: BatchFlags): Promise<number> {
  const items = planBatch(source, flags.docType);
  const concurrency = flags.concurrency === undefined ? 2 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new CliError(`--concurrency ${flags.concurrency}: a whole number from 1`, ExitCode.Usage);
  const batchId = flags.id ?? batchIdOf(source);
  const tty = Boolean((ctx.stdout as NodeJS.WriteStream).isTTY) && !flags.json;
  const { orchestrator, stack } = await openStack(ctx, {});
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const started = await orchestrator.startBatch(stack, {
      batchId,
      merchantUserId: 'dococr-cli',
      concurrency,
      items: items.map((it) => ({
        key: it.key,
        docType: it.docType,
        bytes: new Uint8Array(readFileSync(it.file)),
        mediaType: 'application/octet-stream',
        ...(it.cardSide ? { cardSide: it.cardSide } : {}),
      })),
    });
    const startedAt = Date.now();
    if (!tty)
      ctx.stdout.write(
        `${JSON.stringify({ event: 'started', batchId, workflowId: started.workflowId, resumed: started.existing, total: items.length })}\n`,
      );
    const handle = stack.client.workflow.getHandle(started.workflowId);
    let last = '';
    const done = handle.result().then(() => true);
    for (;;) {
      const finished = await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), 500))]);
      if (interrupted) {
        ctx.stderr.write(
          `\ninterrupted: the batch waits in Temporal; run the same command again to resume it (batch ${batchId})\n`,
        );
        return ExitCode.Failure;
      }
      const progress = await orchestrator.batchProgress(stack, batchId).catch(() => undefined);
      if (progress) {
        const line = tty ? bar(progress, startedAt) : JSON.stringify({ event: 'progress', ...progress });
        if (line !== last) ctx.stdout.write(tty ? `\r${line}` : `${line}\n`);
        last = line;
      }
      if (finished) break;
    }
    const result = await orchestrator.batchResult(stack, batchId);
    if (tty) {
      ctx.stdout.write('\n');
      const p = result.progress;
      ctx.stdout.write(
        `batch ${batchId}: ${p.done} documents, ${p.passed} passed, ${p.failed} failed, ${p.errors} errors (${result.runs} run${result.runs === 1 ? '' : 's'})\n`,
      );
      for (const problem of result.problems)
        ctx.stdout.write(`  ${problem.key.padEnd(30)} ${problem.outcome}  ${JSON.stringify(problem).slice(0, 120)}\n`);
    } else {
      ctx.stdout.write(`${JSON.stringify({ event: 'done', ...result })}\n`);
    }
    return ExitCode.Ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stack.shutdown();
  }
}

import { openStack, type CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

export interface RunsListFlags {
  passed?: string;
  subCode?: string;
  docType?: string;
  sceneCode?: string;
  since?: string;
  limit?: string;
  json?: boolean;
}

const quote = (v: string) => `'${v.replace(/'/g, "\\'")}'`;

/** `1d`, `12h`, `30m` → an ISO instant that long ago. */
export function sinceToInstant(since: string, now = Date.now()): string {
  const m = /^(\d+)([smhdw])$/.exec(since);
  if (!m) throw new CliError(`--since ${since}: use a number and a unit, e.g. 30m, 12h, 7d`, ExitCode.Usage);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return new Date(now - Number(m[1]) * unit).toISOString();
}

/** The visibility query of the filters; every value is a code or flag, never PII. */
export function runsQuery(flags: RunsListFlags): string {
  const clauses = ["DococrKind = 'docOcr'"];
  if (flags.passed) {
    const p = flags.passed.toUpperCase();
    if (p !== 'Y' && p !== 'N') throw new CliError(`--passed ${flags.passed}: use Y or N`, ExitCode.Usage);
    clauses.push(`DococrPassed = ${quote(p)}`);
  }
  if (flags.subCode) clauses.push(`DococrSubCode = ${quote(flags.subCode)}`);
  if (flags.docType) clauses.push(`DococrDocType = ${quote(flags.docType)}`);
  if (flags.sceneCode) clauses.push(`DococrSceneCode = ${quote(flags.sceneCode)}`);
  if (flags.since) clauses.push(`StartTime > ${quote(sinceToInstant(flags.since))}`);
  return clauses.join(' AND ');
}

export async function runsList(ctx: CliContext, flags: RunsListFlags): Promise<number> {
  const query = runsQuery(flags);
  const limit = Number(flags.limit ?? 50);
  const { stack } = await openStack(ctx, { runWorker: false });
  try {
    const rows: Array<Record<string, string>> = [];
    for await (const wf of stack.client.workflow.list({ query })) {
      const sa = wf.searchAttributes as Record<string, unknown[] | undefined>;
      const first = (k: string) => String(sa[k]?.[0] ?? '');
      rows.push({
        workflowId: wf.workflowId,
        runId: wf.runId,
        status: wf.status.name,
        started: wf.startTime.toISOString(),
        docType: first('DococrDocType'),
        passed: first('DococrPassed'),
        subCode: first('DococrSubCode'),
        sceneCode: first('DococrSceneCode'),
      });
      if (rows.length >= limit) break;
    }
    if (flags.json) {
      for (const r of rows) ctx.stdout.write(`${JSON.stringify(r)}\n`);
    } else if (rows.length === 0) {
      ctx.stdout.write('no runs match\n');
    } else {
      const cols = ['workflowId', 'status', 'started', 'docType', 'passed', 'subCode', 'sceneCode'] as const;
      const width = Object.fromEntries(
        cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length))]),
      );
      ctx.stdout.write(`${cols.map((c) => c.toUpperCase().padEnd(width[c]!)).join('  ')}\n`);
      for (const r of rows) ctx.stdout.write(`${cols.map((c) => (r[c] ?? '').padEnd(width[c]!)).join('  ')}\n`);
    }
    return ExitCode.Ok;
  } finally {
    await stack.shutdown();
  }
}

import { defaultPayloadConverter } from '@temporalio/common';
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

const STATUS_NAMES = [
  'UNSPECIFIED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
];

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
    // The raw list: the SDK's iterator decodes every memo, and an erased application's memo no longer decrypts.
    // Search attributes are never encrypted (they hold codes only), so they decode with the default converter.
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await stack.client.workflowService.listWorkflowExecutions({
        namespace: stack.namespace,
        query,
        pageSize: Math.min(limit, 100),
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const wf of page.executions) {
        const fields = wf.searchAttributes?.indexedFields ?? {};
        const first = (k: string) => {
          const payload = fields[k];
          if (!payload) return '';
          const value = defaultPayloadConverter.fromPayload<unknown>(payload);
          return String(Array.isArray(value) ? (value[0] ?? '') : value);
        };
        const seconds = Number(wf.startTime?.seconds ?? 0);
        rows.push({
          workflowId: wf.execution?.workflowId ?? '',
          runId: wf.execution?.runId ?? '',
          status: STATUS_NAMES[wf.status ?? 0] ?? 'UNKNOWN',
          started: new Date(seconds * 1000).toISOString(),
          docType: first('DococrDocType'),
          passed: first('DococrPassed'),
          subCode: first('DococrSubCode'),
          sceneCode: first('DococrSceneCode'),
        });
        if (rows.length >= limit) break;
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && rows.length < limit);
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

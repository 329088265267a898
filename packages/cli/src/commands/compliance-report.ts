import type { AuditEvent, ChainVerification } from '@dococr/temporal-activities';

/** A workflow run as the bundle records it (`workflows/<workflowId>.json`). */
export interface ReportWorkflow {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime?: string;
  closeTime?: string | null;
  taskQueue?: string;
  history?: { eventId: number; time: string | null; kind: string; activityType?: string }[];
  /** The workflow's result, the fields read replaced by keyed digests. */
  result?: unknown;
  note?: string;
}

export interface ReportInput {
  applicationId: string;
  createdAt: string;
  createdBy: string;
  events: AuditEvent[];
  verification: ChainVerification;
  workflows: ReportWorkflow[];
  summary: { engineVersions: string[]; dataKey: string };
  images: number;
}

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `report.html`: the application's story in order, self-contained (no scripts, no external resources). */
export function renderReport(input: ReportInput): string {
  const { verification } = input;
  const chain = verification.ok
    ? `intact: ${verification.count} events, head <code>${esc(verification.headHash)}</code>`
    : `BROKEN at event ${verification.brokenAt}: ${esc(verification.reason)}`;
  const rows = input.events
    .map(
      (e) => `<tr><td>${e.seq}</td><td>${esc(e.startedAt)}</td><td>${esc(e.step)}</td><td>${esc(e.outcome)}</td>
<td>${esc(e.actor)}</td><td>${esc(e.engineVersion ?? '')}</td><td>${esc(e.workflowId ?? '')}</td>
<td>${e.reasons.map(esc).join('<br>')}</td><td><pre>${esc(JSON.stringify(e.data, null, 1))}</pre></td></tr>`,
    )
    .join('\n');
  const workflows = input.workflows
    .map((w) => {
      const result = w.result as { httpStatus?: number; body?: { Result?: { Passed?: string; SubCode?: string } } };
      const verdict = result?.body?.Result
        ? `Passed ${esc(result.body.Result.Passed)}, SubCode ${esc(result.body.Result.SubCode)}`
        : result?.httpStatus
          ? `HTTP ${result.httpStatus}`
          : '';
      return `<h3>${esc(w.type)} <code>${esc(w.workflowId)}</code></h3>
<p>run <code>${esc(w.runId)}</code>, ${esc(w.status)}, ${esc(w.startTime ?? '')} to ${esc(w.closeTime ?? '')}; ${verdict}${w.note ? `; ${esc(w.note)}` : ''}</p>
<pre>${esc(JSON.stringify(w.result ?? null, null, 1))}</pre>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence bundle: ${esc(input.applicationId)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top;font-size:12px}pre{margin:0;white-space:pre-wrap}</style>
</head><body>
<h1>Application ${esc(input.applicationId)}</h1>
<p>Bundle made ${esc(input.createdAt)} by ${esc(input.createdBy)}. Audit chain ${chain}. Data key: ${esc(input.summary.dataKey)}.
Engine and rule versions: ${input.summary.engineVersions.map(esc).join(', ') || 'none recorded'}. Images included (encrypted): ${input.images}.</p>
<p>Names, ID numbers and other fields read appear only as keyed digests (<code>keyed-sha256:</code>); every measurement,
score and threshold each check used is in the event data below. Check this bundle with <code>dococr audit verify --bundle</code>
or the standard-tools procedure in docs/compliance.md.</p>
<h2>What happened, in order</h2>
<table><tr><th>#</th><th>at</th><th>step</th><th>outcome</th><th>actor</th><th>version</th><th>workflow</th><th>reasons</th><th>measurements and thresholds</th></tr>
${rows}
</table>
<h2>Workflows and their answers</h2>
${workflows}
</body></html>
`;
}

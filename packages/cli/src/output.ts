import type { DocOcrRun } from '@dococr/orchestrator';
import type { CliContext } from './context.js';

export const SUB_CODE_TEXT: Record<string, string> = {
  '200': 'authentication passed',
  '211': 'the image quality or resolution does not meet the requirements, or the image is incomplete',
  '212': 'anti-spoofing detected a risk (re-photographed screen, photocopy, screenshot or tampering)',
  '213': 'the requested document type was not detected in the image',
};

export const DOC_TYPE_NAMES: Record<string, string> = {
  '01000000': 'Global passport',
  '00000006': 'Hong Kong identity card (2003 edition)',
  '00000008': 'Hong Kong identity card (2018 edition)',
  '00000007': 'Exit-Entry Permit for Travelling to and from Hong Kong and Macao',
  '00000009': 'Mainland Travel Permit for Hong Kong and Macao Residents',
  '000000011': 'Macao identity card',
  '000000012': 'Mainland Travel Permit for Taiwan Residents',
  '00000001': 'Resident identity card of the Chinese mainland',
};

const useColour = (stream: NodeJS.WritableStream) =>
  Boolean((stream as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR;

function paint(stream: NodeJS.WritableStream, code: number, text: string): string {
  return useColour(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** The Web UI page of one run. */
export function runUrl(
  uiBase: string | undefined,
  namespace: string,
  workflowId: string,
  runId: string,
): string | undefined {
  if (!uiBase) return undefined;
  return `${uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

export function printVerifySummary(
  ctx: CliContext,
  args: { run: DocOcrRun; uiBase: string | undefined; namespace: string; docType: string },
): void {
  const out = ctx.stdout;
  const { run } = args;
  const body = run.result.body as unknown as Record<string, unknown>;
  const lines: string[] = [];
  const label = (k: string) => paint(out, 2, k.padEnd(12));
  if (run.result.httpStatus !== 200) {
    lines.push(`${paint(out, 31, 'ERROR')} ${String(body.Code)}: ${String(body.Message)}`);
  } else {
    const result = body.Result as { Passed: string; SubCode: string; ExtIdInfo: string; TransactionId: string };
    const passed = result.Passed === 'Y';
    lines.push(
      `${passed ? paint(out, 32, 'PASSED') : paint(out, 31, 'NOT PASSED')}  SubCode ${result.SubCode}: ${SUB_CODE_TEXT[result.SubCode] ?? 'unknown sub-code'}`,
    );
    lines.push(`${label('Document')}${args.docType} ${DOC_TYPE_NAMES[args.docType] ?? ''}`.trimEnd());
    const ext = JSON.parse(result.ExtIdInfo || '{}') as {
      ocrIdInfo?: Record<string, string>;
      idFaceQualityScore?: number;
      spoofInfo?: { spoofResult: string; spoofType: string[] };
    };
    const fields = Object.entries(ext.ocrIdInfo ?? {});
    if (fields.length > 0) {
      lines.push(label('Fields').trimEnd());
      const width = Math.max(...fields.map(([k]) => k.length)) + 2;
      const reserved = new Set(args.docType === '00000001' ? ['province', 'city'] : []);
      for (const [k, v] of fields) {
        const shown =
          v !== ''
            ? v
            : paint(out, 2, reserved.has(k) ? '(reserved by the API, always empty)' : '(not read with confidence)');
        lines.push(`  ${k.padEnd(width)}${shown}`);
      }
    } else {
      lines.push(`${label('Fields')}${paint(out, 2, 'none returned')}`);
    }
    if (ext.spoofInfo) {
      lines.push(
        `${label('Spoofing')}${ext.spoofInfo.spoofResult === 'Y' ? paint(out, 31, `risk: ${ext.spoofInfo.spoofType.join(', ')}`) : 'no risk found'}`,
      );
    }
    if (ext.idFaceQualityScore !== undefined) lines.push(`${label('Face score')}${ext.idFaceQualityScore}`);
    lines.push(`${label('Transaction')}${result.TransactionId}`);
  }
  lines.push(
    `${label('Workflow')}${run.workflowId} (run ${run.runId})${run.existing ? ' (existing run, not started again)' : ''}`,
  );
  const url = runUrl(args.uiBase, args.namespace, run.workflowId, run.runId);
  if (url) lines.push(`${label('Web UI')}${url}`);
  out.write(`${lines.join('\n')}\n`);
}

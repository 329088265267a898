import type { DocOcrRequestParams, DocOcrWorkflowInput, DocOcrWorkflowResult, Stack } from '@dococr/orchestrator';
import type { AuditEvent } from '@dococr/temporal-activities';
import { openStack, type CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { applicationIdOf } from './audit.js';

export interface ReverifyFlags {
  threshold?: string;
  spoof?: boolean;
  faceQuality?: boolean;
  provider?: string;
  json?: boolean;
}

// IdThreshold by name, as `dococr verify --threshold` takes it.
const THRESHOLD: Record<string, DocOcrRequestParams['idThreshold']> = {
  standard: '0',
  strict: '1',
  loose: '2',
  off: '3',
};

/** One field, compared without printing its value: the values are PII. */
export interface FieldDiff {
  field: string;
  change: 'same' | 'changed' | 'only-original' | 'only-new';
}

export interface DocumentReverification {
  original: { workflowId: string; runId: string };
  reverification: { applicationId: string; workflowId: string; runId: string };
  /** Request parameters that differ between the two runs (the overrides). */
  parameters: { name: string; original: string; new: string }[];
  /** Decision-level differences: httpStatus, Code, Passed, SubCode, spoof result and types, face score. */
  decision: { name: string; original: unknown; new: unknown }[];
  fields: FieldDiff[];
  /** Steps whose outcome differs, or that ran in only one of the two runs. */
  steps: { step: string; original: string | null; new: string | null }[];
}

/**
 * `dococr audit reverify <id>`: runs each recorded document of an application again (its stored image, still
 * decryptable unless erased) through the current engine as a new `docOcr` workflow, application `<id>R<n>`, with the
 * same parameters except the overrides given, and prints the decision-level and field-by-field differences. Both
 * chains record the link (`reverification` / `reverifies` events).
 */
export async function auditReverify(ctx: CliContext, id: string, flags: ReverifyFlags): Promise<number> {
  const applicationId = applicationIdOf(id);
  const overrides: Partial<DocOcrRequestParams> = {};
  if (flags.threshold !== undefined) {
    const t =
      THRESHOLD[flags.threshold.toLowerCase()] ?? (/^[0-3]$/.test(flags.threshold) ? flags.threshold : undefined);
    if (!t)
      throw new CliError(`--threshold ${flags.threshold}: use standard, strict, loose, off or 0-3`, ExitCode.Usage);
    overrides.idThreshold = t as DocOcrRequestParams['idThreshold'];
  }
  if (flags.spoof) overrides.spoof = 'T';
  if (flags.faceQuality) overrides.idFaceQuality = 'T';
  if (flags.provider && flags.provider !== 'local' && flags.provider !== 'aliyun') {
    throw new CliError(`--provider ${flags.provider}: use local or aliyun`, ExitCode.Usage);
  }
  const { orchestrator, stack, services } = await openStack(ctx, {});
  try {
    const events = await services.audit.list(applicationId);
    if (events.length === 0) {
      throw new CliError(`no audit trail for application ${applicationId}`, ExitCode.Usage, 'dococr audit list');
    }
    if ((await services.keyStore.dataKeyStatus(applicationId)) === 'destroyed') {
      throw new CliError(`application ${applicationId} was erased: its inputs cannot be read again`, ExitCode.Usage);
    }
    const documents = recordedDocuments(events);
    if (documents.length === 0) {
      throw new CliError(`application ${applicationId} has no recorded docOcr run to re-verify`, ExitCode.Usage);
    }
    const existing = await services.audit.listApplications();
    let n = Math.max(0, ...existing.map((a) => Number(new RegExp(`^${applicationId}R(\\d+)$`).exec(a)?.[1] ?? 0)));
    const results: DocumentReverification[] = [];
    for (const doc of documents) {
      n += 1;
      results.push(
        await reverifyDocument(stack, services, orchestrator, doc, `${applicationId}R${n}`, overrides, flags.provider),
      );
    }
    const changed = results.some((r) => r.decision.length > 0 || r.fields.some((f) => f.change !== 'same'));
    if (flags.json) ctx.stdout.write(`${JSON.stringify({ applicationId, documents: results, changed })}\n`);
    else ctx.stdout.write(describe(applicationId, results));
    return ExitCode.Ok;
  } finally {
    await stack.shutdown();
  }
}

interface RecordedDocument {
  applicationId: string;
  workflowId: string;
  runId: string;
  received: Record<string, unknown>;
  mediaType: string;
}

/** The docOcr runs of an application, from their `received` and `checkImage` events. */
function recordedDocuments(events: AuditEvent[]): RecordedDocument[] {
  const docs: RecordedDocument[] = [];
  for (const e of events) {
    if (e.step !== 'received' || !e.workflowId || !e.runId || typeof e.data.imageSha256 !== 'string') continue;
    const check = events.find((c) => c.step === 'checkImage' && c.workflowId === e.workflowId);
    const mediaType = typeof check?.data.mediaType === 'string' ? check.data.mediaType : 'application/octet-stream';
    docs.push({
      applicationId: e.applicationId,
      workflowId: e.workflowId,
      runId: e.runId,
      received: e.data,
      mediaType,
    });
  }
  // Children of a kyc application start together; the document order is the stable one.
  return docs.sort((a, b) => a.workflowId.localeCompare(b.workflowId, 'en', { numeric: true }));
}

async function reverifyDocument(
  stack: Stack,
  services: Awaited<ReturnType<typeof openStack>>['services'],
  orchestrator: Awaited<ReturnType<typeof openStack>>['orchestrator'],
  doc: RecordedDocument,
  newId: string,
  overrides: Partial<DocOcrRequestParams>,
  provider: string | undefined,
): Promise<DocumentReverification> {
  const { SA } = orchestrator;
  const handle = stack.client.workflow.getHandle(doc.workflowId, doc.runId);
  const [original, description] = await Promise.all([
    handle.result() as Promise<DocOcrWorkflowResult>,
    handle.describe(),
  ]);
  const r = doc.received;
  const sha256 = r.imageSha256 as string;
  const bytes = await services.blobs.get({
    sha256,
    size: Number(r.imageSize ?? 0),
    mediaType: doc.mediaType,
    key: `${doc.applicationId}/${sha256}`,
  });
  // Its own copy under its own data key: erasing either application never touches the other.
  const blob = await services.blobs.put(bytes, { mediaType: doc.mediaType, applicationId: newId });
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const originalParams: DocOcrRequestParams = {
    productCode: str(r.productCode) ?? 'ID_OCR_MIN',
    sceneCode: str(r.sceneCode),
    merchantBizId: newId,
    merchantUserHash: description.typedSearchAttributes.get(SA.userHash) ?? '',
    docType: str(r.docType) ?? '',
    ocr: (str(r.ocr) ?? 'T') as 'T' | 'F',
    idFaceQuality: (str(r.idFaceQuality) ?? 'F') as 'T' | 'F',
    spoof: (str(r.spoof) ?? 'F') as 'T' | 'F',
    idThreshold: (str(r.idThreshold) ?? '3') as DocOcrRequestParams['idThreshold'],
    cardSide: str(r.cardSide) as DocOcrRequestParams['cardSide'],
  };
  const params = { ...originalParams, ...overrides };
  const input: DocOcrWorkflowInput = {
    requestId: str(r.requestId) ?? `reverify-${newId}`,
    params,
    image: { ...blob, parameter: 'IdOcrPictureFile' },
    ocrTaskQueue: stack.ocrTaskQueue,
    ...(provider === 'aliyun' ? { provider: 'aliyun' as const } : {}),
  };
  const workflowId = orchestrator.docOcrWorkflowId(newId);
  const run = await orchestrator.startOrFind(stack, 'docOcr', {
    workflowId,
    args: [input],
    reusePolicy: 'REJECT_DUPLICATE',
    searchAttributes: [
      { key: SA.kind, value: 'docOcr' },
      { key: SA.docType, value: params.docType },
      { key: SA.userHash, value: params.merchantUserHash },
    ],
  });
  const fresh = (await stack.client.workflow.getHandle(workflowId).result()) as DocOcrWorkflowResult;
  const parameters = (Object.keys(overrides) as (keyof DocOcrRequestParams)[])
    .filter((k) => String(originalParams[k]) !== String(params[k]))
    .map((k) => ({ name: k, original: String(originalParams[k]), new: String(params[k]) }));
  const result: DocumentReverification = {
    original: { workflowId: doc.workflowId, runId: doc.runId },
    reverification: { applicationId: newId, workflowId, runId: run.runId },
    parameters,
    ...compareResults(original, fresh),
  };
  const summary = {
    decisionChanged: result.decision.map((d) => d.name),
    fieldsChanged: result.fields.filter((f) => f.change !== 'same').map((f) => f.field),
    parameters: result.parameters.map((p) => `${p.name}: ${p.original} -> ${p.new}`),
  };
  const now = new Date().toISOString();
  const link = { step: 'reverification', startedAt: now, endedAt: now, actor: 'cli:reverify', outcome: 'recorded' };
  await services.audit.append({
    ...link,
    applicationId: doc.applicationId,
    eventId: `reverification:${workflowId}`,
    data: { reverificationWorkflowId: workflowId, originalWorkflowId: doc.workflowId, ...summary },
  });
  await services.audit.append({
    ...link,
    step: 'reverifies',
    applicationId: newId,
    eventId: `reverifies:${doc.workflowId}:${doc.runId}`,
    data: { originalApplicationId: doc.applicationId, originalWorkflowId: doc.workflowId, ...summary },
  });
  return result;
}

interface Decision {
  httpStatus: number;
  Code: string;
  Passed?: string;
  SubCode?: string;
  spoofResult?: string;
  spoofTypes?: string;
  idFaceQualityScore?: number;
  fields: Record<string, string>;
  steps: Map<string, string>;
}

function decisionOf(result: DocOcrWorkflowResult): Decision {
  const body = result.body as { Code: string; Result?: { Passed: string; SubCode: string; ExtIdInfo: string } };
  const ext = body.Result?.ExtIdInfo
    ? (JSON.parse(body.Result.ExtIdInfo) as {
        ocrIdInfo?: Record<string, string>;
        spoofInfo?: { spoofResult?: string; spoofType?: string[] };
        idFaceQualityScore?: number;
      })
    : {};
  return {
    httpStatus: result.httpStatus,
    Code: body.Code,
    ...(body.Result ? { Passed: body.Result.Passed, SubCode: body.Result.SubCode } : {}),
    ...(ext.spoofInfo?.spoofResult ? { spoofResult: ext.spoofInfo.spoofResult } : {}),
    ...(ext.spoofInfo?.spoofType ? { spoofTypes: [...ext.spoofInfo.spoofType].sort().join(',') } : {}),
    ...(ext.idFaceQualityScore !== undefined ? { idFaceQualityScore: ext.idFaceQualityScore } : {}),
    fields: ext.ocrIdInfo ?? {},
    steps: new Map(result.steps.map((s) => [s.step, s.outcome])),
  };
}

/** The differences between two docOcr results: decision-level values, each field (by name only), each step. */
export function compareResults(
  original: DocOcrWorkflowResult,
  fresh: DocOcrWorkflowResult,
): Pick<DocumentReverification, 'decision' | 'fields' | 'steps'> {
  const a = decisionOf(original);
  const b = decisionOf(fresh);
  const names = ['httpStatus', 'Code', 'Passed', 'SubCode', 'spoofResult', 'spoofTypes', 'idFaceQualityScore'] as const;
  const decision = names
    .filter((k) => a[k] !== b[k])
    .map((k) => ({ name: k, original: a[k] ?? null, new: b[k] ?? null }));
  const fieldNames = [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])].sort();
  const fields = fieldNames.map((field): FieldDiff => {
    const [x, y] = [a.fields[field], b.fields[field]];
    const change = x === undefined ? 'only-new' : y === undefined ? 'only-original' : x === y ? 'same' : 'changed';
    return { field, change };
  });
  const stepNames = [...new Set([...a.steps.keys(), ...b.steps.keys()])];
  const steps = stepNames
    .filter((s) => a.steps.get(s) !== b.steps.get(s))
    .map((step) => ({ step, original: a.steps.get(step) ?? null, new: b.steps.get(step) ?? null }));
  return { decision, fields, steps };
}

function describe(applicationId: string, results: DocumentReverification[]): string {
  const lines = [`Re-verification of ${applicationId}`];
  for (const r of results) {
    lines.push(`  ${r.original.workflowId} -> ${r.reverification.workflowId}`);
    for (const p of r.parameters) lines.push(`    parameter ${p.name}: ${p.original} -> ${p.new}`);
    if (r.decision.length === 0) lines.push('    decision: unchanged');
    for (const d of r.decision) lines.push(`    decision ${d.name}: ${String(d.original)} -> ${String(d.new)}`);
    for (const s of r.steps) lines.push(`    step ${s.step}: ${s.original ?? 'not run'} -> ${s.new ?? 'not run'}`);
    const same = r.fields.filter((f) => f.change === 'same').length;
    lines.push(`    fields: ${same} of ${r.fields.length} unchanged`);
    for (const f of r.fields) if (f.change !== 'same') lines.push(`    field ${f.field}: ${f.change}`);
  }
  return `${lines.join('\n')}\n`;
}

import {
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  defineQuery,
  defineUpdate,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { AuditOutcome, DocOcrActivities, DocumentRuleCheck, ImageRef } from '@dococr/temporal-activities';
import { auditActivity, checkImageActivity } from '../activity-options.js';
import {
  crossCheck,
  decideKyc,
  KYC_CHECKS_VERSION,
  personOf,
  type KycCheck,
  type KycDocumentOutcome,
  type KycPolicy,
} from '../kyc-checks.js';
import { SA } from '../search-attributes.js';
import { docOcr, type DocOcrRequestParams, type DocOcrWorkflowInput, type DocOcrWorkflowResult } from './doc-ocr.js';

/** One document of an application: its role (`passport`, `id-face`, ...), the stored image and the request flags. */
export interface KycDocumentInput {
  role: string;
  image: ImageRef;
  /** The child's DocOcrV2 parameters; `merchantBizId` is replaced by the application id (one chain, one data key). */
  params: DocOcrRequestParams;
}

export interface KycWorkflowInput {
  /** Derived from MerchantBizId: letters and digits only, because workflow ids carry it (never PII). */
  applicationId: string;
  documents: KycDocumentInput[];
  policy: KycPolicy;
  /** The API RequestId of the call that opened the application; the children answer with it. */
  requestId: string;
  ocrTaskQueue?: string | undefined;
  /** Who reads the documents: the local engine (default) or Alibaba Cloud's DocOcrV2, as in `docOcr`. */
  provider?: DocOcrWorkflowInput['provider'];
}

export type KycState = 'reading' | 'checking' | 'review' | 'escalated' | 'approved' | 'rejected';

/** A reviewer's verdict, sent with the `decide` update. */
export interface KycReviewInput {
  decision: 'approve' | 'reject';
  reviewerId: string;
  reason: string;
}

/** A document as the status query shows it: codes only, never the fields read. */
export interface KycDocumentSummary {
  index: number;
  role: string;
  docType: string;
  workflowId: string;
  status: KycDocumentOutcome['status'];
  httpStatus?: number | undefined;
  code?: string | undefined;
  subCode?: string | undefined;
  passed?: 'Y' | 'N' | undefined;
}

export interface KycStatus {
  applicationId: string;
  state: KycState;
  documents: KycDocumentSummary[];
  checks: KycCheck[];
  /** Why the application is where it is: the automatic decision's reasons, then the reviewer's. */
  reasons: string[];
  reviewer?: KycReviewInput | undefined;
  /** ISO instant after which an unanswered review is escalated. */
  reviewDeadline?: string | undefined;
  escalated: boolean;
}

export interface KycResult extends KycStatus {
  state: 'approved' | 'rejected';
  decidedBy: 'automatic' | 'reviewer';
}

/** Current state of an application, its documents' SubCodes, the checks and the reviewer, if any. */
export const kycStatusQuery = defineQuery<KycStatus>('status');

/**
 * A human decision on an application in review (or escalated). Refused before it reaches history when the decision
 * is unknown, the reviewer or reason empty, or the application not waiting for a review. Returns the new status.
 */
export const kycDecideUpdate = defineUpdate<KycStatus, [KycReviewInput]>('decide');

/** `kyc-<applicationId>`: starting the same application again finds this execution. */
export function kycWorkflowId(applicationId: string): string {
  return `kyc-${applicationId}`;
}

/** The n-th document's `docOcr` child (1-based); the `kyc-<applicationId>` prefix shares the application's data key. */
export function kycDocumentWorkflowId(applicationId: string, n: number): string {
  return `kyc-${applicationId}-doc-${n}`;
}

export const APPLICATION_ID = /^[A-Za-z0-9]{1,64}$/;

const light = proxyActivities<DocOcrActivities>(checkImageActivity);
const audit = proxyActivities<DocOcrActivities>(auditActivity);

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'InvalidParameter', message, nonRetryable: true });
}

function validateInput(input: KycWorkflowInput): void {
  if (!APPLICATION_ID.test(input.applicationId)) throw invalid('applicationId must be 1 to 64 letters or digits');
  if (input.documents.length === 0) throw invalid('an application needs at least one document');
  const { reviewDeadlineSeconds, minimumAge } = input.policy;
  if (!(reviewDeadlineSeconds > 0)) throw invalid('reviewDeadlineSeconds must be positive');
  if (minimumAge !== undefined && !(Number.isInteger(minimumAge) && minimumAge >= 0)) {
    throw invalid('minimumAge must be a whole number of years');
  }
}

/** Throws (refusing the update) unless the review can be accepted now. */
export function validateReview(review: KycReviewInput, state: KycState, alreadyDecided: boolean): void {
  if (review.decision !== 'approve' && review.decision !== 'reject') {
    throw new Error(`decision must be 'approve' or 'reject'`);
  }
  if (typeof review.reviewerId !== 'string' || review.reviewerId.trim() === '') throw new Error('reviewerId is empty');
  if (typeof review.reason !== 'string' || review.reason.trim() === '') throw new Error('reason is empty');
  if ((state !== 'review' && state !== 'escalated') || alreadyDecided) {
    throw new Error(`the application is not waiting for a review (state ${state})`);
  }
}

function outcomeOf(index: number, input: KycDocumentInput, workflowId: string, result: DocOcrWorkflowResult) {
  const base = { index, role: input.role, docType: input.params.docType, cardSide: input.params.cardSide, workflowId };
  if (result.httpStatus !== 200 || !('Result' in result.body)) {
    return { ...base, status: 'refused', httpStatus: result.httpStatus, code: result.body.Code } as KycDocumentOutcome;
  }
  const ext = JSON.parse(result.body.Result.ExtIdInfo || '{}') as { ocrIdInfo?: Record<string, string> };
  return {
    ...base,
    status: 'read',
    httpStatus: 200,
    subCode: result.body.Result.SubCode,
    passed: result.body.Result.Passed,
    ocrIdInfo: ext.ocrIdInfo,
  } as KycDocumentOutcome;
}

function summary(d: KycDocumentOutcome): KycDocumentSummary {
  const { ocrIdInfo: _fields, cardSide: _side, ...rest } = d;
  return rest;
}

function chineseNameOnly(d: KycDocumentOutcome): string | undefined {
  const person = personOf(d.ocrIdInfo);
  return person.latinName ? undefined : person.chineseName;
}

function ruleCheck(c: DocumentRuleCheck): KycCheck {
  return { name: `${c.source}:${c.name}`, documents: [c.document], ok: c.ok, detail: c.detail, onFailure: 'review' };
}

/** One document through its `docOcr` child; a child that failed (retries exhausted) becomes status `error`. */
async function readDocument(
  input: KycWorkflowInput,
  doc: KycDocumentInput,
  index: number,
): Promise<KycDocumentOutcome> {
  const { applicationId } = input;
  const workflowId = kycDocumentWorkflowId(applicationId, index);
  try {
    const result = await executeChild(docOcr, {
      workflowId,
      args: [
        {
          requestId: input.requestId,
          params: { ...doc.params, merchantBizId: applicationId },
          image: doc.image,
          ocrTaskQueue: input.ocrTaskQueue,
          ...(input.provider ? { provider: input.provider } : {}),
        },
      ],
      typedSearchAttributes: [
        { key: SA.kind, value: 'docOcr' },
        { key: SA.docType, value: doc.params.docType },
        { key: SA.userHash, value: doc.params.merchantUserHash },
        ...(doc.params.sceneCode ? [{ key: SA.sceneCode, value: doc.params.sceneCode }] : []),
      ],
    });
    return outcomeOf(index, doc, workflowId, result);
  } catch (err) {
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    log.warn('document could not be processed', { step: 'document', index });
    return {
      index,
      role: doc.role,
      docType: doc.params.docType,
      cardSide: doc.params.cardSide,
      workflowId,
      status: 'error',
    };
  }
}

/**
 * A KYC application: every document through `docOcr` as a child workflow, then cross-checks, then a decision:
 * approved, rejected with reasons, or human review through the `decide` update with a deadline that escalates.
 * Each step lands in the application's audit chain; the children's events too, since they carry the application id.
 */
export async function kyc(input: KycWorkflowInput): Promise<KycResult> {
  validateInput(input);
  const { applicationId, policy } = input;
  let state: KycState = 'reading';
  const documents: KycDocumentOutcome[] = [];
  let checks: KycCheck[] = [];
  let reasons: string[] = [];
  let review: KycReviewInput | undefined;
  let reviewDeadline: string | undefined = undefined;
  let escalated = false;

  const status = (): KycStatus => ({
    applicationId,
    state,
    documents: documents.map(summary),
    checks,
    reasons,
    reviewer: review,
    reviewDeadline,
    escalated,
  });
  setHandler(kycStatusQuery, status);
  setHandler(
    kycDecideUpdate,
    async (verdict) => {
      // Taken before the first await, so a second update validated meanwhile is refused.
      review = { decision: verdict.decision, reviewerId: verdict.reviewerId.trim(), reason: verdict.reason.trim() };
      await audit.recordEvent({
        applicationId,
        key: 'review',
        step: 'review',
        outcome: review.decision === 'approve' ? 'approved' : 'rejected',
        actor: `reviewer:${review.reviewerId}`,
        reasons: [review.reason],
        data: { reviewerId: review.reviewerId, decision: review.decision, escalated },
      });
      state = review.decision === 'approve' ? 'approved' : 'rejected';
      reasons = [...reasons, `reviewer ${review.reviewerId}: ${review.reason}`];
      upsertSearchAttributes([{ key: SA.decision, value: state }]);
      return status();
    },
    { validator: (verdict) => validateReview(verdict, state, review !== undefined) },
  );

  await audit.recordEvent({
    applicationId,
    key: 'received',
    step: 'received',
    outcome: 'passed',
    data: {
      requestId: input.requestId,
      documents: input.documents.map((d) => ({
        role: d.role,
        docType: d.params.docType,
        cardSide: d.params.cardSide ?? null,
        imageSha256: d.image.sha256,
      })),
      policy: {
        minimumAge: policy.minimumAge ?? null,
        reviewDeadlineSeconds: policy.reviewDeadlineSeconds,
        requireSamePerson: policy.requireSamePerson,
      },
    },
  });

  await Promise.all(
    input.documents.map(async (doc, i) => {
      const outcome = await readDocument(input, doc, i + 1);
      // The status query shows each document as soon as it is answered, in application order.
      documents.push(outcome);
      documents.sort((a, b) => a.index - b.index);
    }),
  );

  state = 'checking';
  // Date.now() is the workflow's clock: replay sees the same day.
  const today = new Date(Date.now()).toISOString().slice(0, 10);
  const readable = documents.filter((d) => d.status === 'read' && d.ocrIdInfo !== undefined);
  const ruleChecks =
    readable.length > 0
      ? await light.crossCheckDocuments({
          applicationId,
          referenceDate: today,
          documents: readable.map((d) => ({
            index: d.index,
            docType: d.docType,
            cardSide: d.cardSide,
            workflowId: d.workflowId,
            ocrIdInfo: d.ocrIdInfo,
            chineseNameOnly: chineseNameOnly(d),
          })),
        })
      : { checks: [], romanised: [] };
  // Histories recorded before `romanised` existed replay with none.
  const romanised = Object.fromEntries((ruleChecks.romanised ?? []).map((r) => [r.document, r.readings]));
  checks = [...crossCheck(documents, policy, today, romanised), ...ruleChecks.checks.map(ruleCheck)];
  const automatic = decideKyc(documents, checks);
  reasons = automatic.reasons;
  await audit.recordEvent({
    applicationId,
    key: 'decision',
    step: 'decision',
    // The store takes any outcome string; `review` is the automatic step's third answer.
    outcome: automatic.decision as AuditOutcome,
    reasons: automatic.reasons,
    engineVersion: KYC_CHECKS_VERSION,
    data: {
      decidedBy: 'automatic',
      today,
      documents: documents.map((d) => ({ index: d.index, status: d.status, subCode: d.subCode ?? d.code ?? null })),
      checks: checks.map((c) => ({ name: c.name, documents: c.documents, ok: c.ok, onFailure: c.onFailure })),
    },
  });
  upsertSearchAttributes([{ key: SA.decision, value: automatic.decision }]);
  log.info('application checked', { step: 'decision', decision: automatic.decision, checks: checks.length });

  if (automatic.decision !== 'review') {
    state = automatic.decision;
    return { ...status(), state: automatic.decision, decidedBy: 'automatic' };
  }

  state = 'review';
  reviewDeadline = new Date(Date.now() + policy.reviewDeadlineSeconds * 1000).toISOString();
  const answered = await condition(() => review !== undefined, policy.reviewDeadlineSeconds * 1000);
  if (!answered) {
    // Recorded first, so that a status of `escalated` always has its event in the chain.
    await audit.recordEvent({
      applicationId,
      key: 'escalation',
      step: 'escalation',
      outcome: 'escalated',
      reasons: [`no review within ${policy.reviewDeadlineSeconds} s`],
      data: { reviewDeadline, reviewDeadlineSeconds: policy.reviewDeadlineSeconds },
    });
    escalated = true;
    // A review that arrived while the escalation was being recorded stands.
    if (review === undefined) {
      state = 'escalated';
      upsertSearchAttributes([{ key: SA.decision, value: 'escalated' }]);
    }
    log.info('review escalated', { step: 'escalation' });
    // An escalated application still waits for a decision, now from whoever it was escalated to.
    await condition(() => review !== undefined);
  }
  // The update handler records the review in the audit chain before the run may complete.
  await condition(allHandlersFinished);
  // Set by the update handler, which TypeScript's narrowing does not see.
  const final = (state as KycState) === 'approved' ? 'approved' : 'rejected';
  return { ...status(), state: final, decidedBy: 'reviewer' };
}

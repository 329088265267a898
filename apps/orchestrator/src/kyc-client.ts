import { randomUUID } from 'node:crypto';
import { InvalidParameterError } from '@dococr/core';
import { SA } from './search-attributes.js';
import type { Stack } from './stack.js';
import { assertPlainId, startOrFind, storeDocument, type DocumentUpload, type StartedRun } from './document-upload.js';
import type { KycPolicy } from './kyc-checks.js';
import {
  kycDecideUpdate,
  kycStatusQuery,
  kycWorkflowId,
  type kyc,
  type KycResult,
  type KycReviewInput,
  type KycStatus,
  type KycWorkflowInput,
} from './workflows/kyc.js';

/** One document of an application: `role` says what it is for (`passport`, `id-face`, `id-emblem`, ...). */
export interface KycDocumentUpload extends DocumentUpload {
  role: string;
}

export interface StartKycOptions {
  /** MerchantBizId of the application: letters and digits (it becomes the workflow id `kyc-<applicationId>`). */
  applicationId: string;
  /** Hashed before it goes anywhere; the clear value never enters Temporal. */
  merchantUserId: string;
  documents: KycDocumentUpload[];
  policy: KycPolicy;
  productCode?: string;
  sceneCode?: string;
  requestId?: string;
  /** `aliyun`: the documents are read by Alibaba Cloud's DocOcrV2 (credentials configured on the worker). */
  provider?: 'local' | 'aliyun';
}

/**
 * Opens a KYC application: stores each image, then starts the `kyc` workflow. Starting the same application id again
 * returns the running or finished application (`existing: true`) and starts nothing.
 *
 * ```ts
 * const app = await startKyc(stack, { applicationId: 'A1001', merchantUserId, documents, policy });
 * const result = await kycResult(stack, app.applicationId);
 * ```
 */
export async function startKyc(
  stack: Stack,
  options: StartKycOptions,
): Promise<StartedRun & { applicationId: string }> {
  assertPlainId('MerchantBizId', options.applicationId);
  validatePolicy(options);
  const context = {
    applicationId: options.applicationId,
    merchantUserId: options.merchantUserId,
    productCode: options.productCode,
    sceneCode: options.sceneCode,
  };
  const documents = await Promise.all(
    options.documents.map(async (d) => ({ role: d.role, ...(await storeDocument(stack, context, d)) })),
  );
  const input: KycWorkflowInput = {
    applicationId: options.applicationId,
    documents,
    policy: options.policy,
    requestId: options.requestId ?? randomUUID().toUpperCase(),
    ocrTaskQueue: stack.ocrTaskQueue,
    ...(options.provider === 'aliyun' ? { provider: 'aliyun' as const } : {}),
  };
  const run = await startOrFind(stack, 'kyc', {
    workflowId: kycWorkflowId(options.applicationId),
    args: [input],
    reusePolicy: 'REJECT_DUPLICATE',
    searchAttributes: [
      { key: SA.kind, value: 'kyc' },
      { key: SA.userHash, value: stack.hashUserId(options.merchantUserId) },
      ...(options.sceneCode ? [{ key: SA.sceneCode, value: options.sceneCode }] : []),
    ],
  });
  return { ...run, applicationId: options.applicationId };
}

/** The workflow refuses these too; checking here first stores no image for an application that cannot start. */
function validatePolicy(options: StartKycOptions): void {
  if (options.documents.length === 0) throw new InvalidParameterError('Documents', 'at least one document is needed');
  const { reviewDeadlineSeconds, minimumAge } = options.policy;
  if (!(reviewDeadlineSeconds > 0)) throw new InvalidParameterError('ReviewDeadlineSeconds', 'must be positive');
  if (minimumAge !== undefined && !(Number.isInteger(minimumAge) && minimumAge >= 0)) {
    throw new InvalidParameterError('MinimumAge', 'must be a whole number of years');
  }
}

function handle(stack: Stack, applicationId: string) {
  return stack.client.workflow.getHandle<typeof kyc>(kycWorkflowId(applicationId));
}

/** Where the application stands: state, each document's SubCode, the checks, reasons and reviewer. */
export async function kycStatus(stack: Stack, applicationId: string): Promise<KycStatus> {
  return handle(stack, applicationId).query(kycStatusQuery);
}

/**
 * A reviewer's decision on an application in review or escalated. Throws `WorkflowUpdateFailedError` when the
 * workflow's validator refuses it (unknown decision, empty reviewer or reason, not waiting for a review).
 */
export async function reviewKyc(stack: Stack, applicationId: string, review: KycReviewInput): Promise<KycStatus> {
  return handle(stack, applicationId).executeUpdate(kycDecideUpdate, { args: [review] });
}

/** Waits for the final decision. */
export async function kycResult(stack: Stack, applicationId: string): Promise<KycResult> {
  return handle(stack, applicationId).result();
}

import { ActivityFailure, ApplicationFailure, log, proxyActivities, uuid4, workflowInfo } from '@temporalio/workflow';
import type { DocOcrActivities, ImageFacts, ImageRef } from '@dococr/temporal-activities';
import { auditActivity, checkImageActivity } from '../activity-options.js';

/** The image-free part of a DocOcrV2 request, as it travels through workflow history. */
export interface DocOcrRequestParams {
  productCode: string;
  sceneCode?: string | undefined;
  merchantBizId: string;
  /** A salted hash of MerchantUserId, never the clear value. */
  merchantUserHash: string;
  docType: string;
  ocr: 'T' | 'F';
  idFaceQuality: 'T' | 'F';
  spoof: 'T' | 'F';
  idThreshold: '0' | '1' | '2' | '3';
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM' | undefined;
}

export interface DocOcrWorkflowInput {
  /** The API's RequestId for this call, chosen by whoever received the request. */
  requestId: string;
  params: DocOcrRequestParams;
  image: ImageRef;
}

export interface DocOcrSuccessBody {
  RequestId: string;
  Code: 'Success';
  Message: 'success';
  Result: { TransactionId: string; Passed: 'Y' | 'N'; SubCode: string; ExtIdInfo: string };
}

export interface DocOcrErrorBody {
  RequestId: string;
  Code: string;
  Message: string;
  HostId: string;
  Recommend: string;
}

/** The workflow's answer: the HTTP status and exact body the DocOcrV2 API would return. */
export type DocOcrWorkflowResult =
  | { httpStatus: 200; body: DocOcrSuccessBody; steps: StepRecord[] }
  | { httpStatus: number; body: DocOcrErrorBody; steps: StepRecord[] };

/** What each step did, for the caller and the audit trail; digests and measurements only, never PII. */
export interface StepRecord {
  step: string;
  outcome: 'ok' | 'failed' | 'skipped';
  detail?: string;
}

const activities = proxyActivities<DocOcrActivities>(checkImageActivity);
const audit = proxyActivities<DocOcrActivities>(auditActivity);

const STATUS_BY_CODE: Record<string, number> = {
  MissingParameter: 400,
  InvalidParameter: 400,
  ToolargeImage: 401,
  UnqualifiedPhoto: 401,
  DownloadTimeout: 401,
};

function failureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}

/**
 * One DocOcrV2 request to one DocOcrV2 response. Steps run as activities; the response is assembled here,
 * deterministically, from their results. Bad input ends the run with the API's error body rather than a
 * failed workflow, so that the outcome is recorded like any other.
 */
export async function docOcr(input: DocOcrWorkflowInput): Promise<DocOcrWorkflowResult> {
  const steps: StepRecord[] = [];
  const { workflowId } = workflowInfo();
  const applicationId = input.params.merchantBizId;
  const { merchantUserHash: _hash, ...flags } = input.params;
  await audit.recordEvent({
    applicationId,
    key: 'received',
    step: 'received',
    outcome: 'passed',
    inputDigest: input.image.sha256,
    data: { ...flags, requestId: input.requestId, imageSha256: input.image.sha256, imageSize: input.image.size },
  });
  let facts: ImageFacts;
  try {
    facts = await activities.checkImage({ applicationId, image: input.image });
    steps.push({ step: 'checkImage', outcome: 'ok', detail: `${facts.mediaType} ${facts.width}x${facts.height}` });
  } catch (err) {
    const failure = failureOf(err);
    if (!failure || !failure.nonRetryable) throw err;
    const code = failure.type ?? 'InvalidParameter';
    steps.push({ step: 'checkImage', outcome: 'failed', detail: code });
    log.info('image refused', { step: 'checkImage', code });
    await audit.recordEvent({ applicationId, key: 'decision', step: 'decision', outcome: 'failed', reasons: [code] });
    return {
      httpStatus: STATUS_BY_CODE[code] ?? 400,
      body: {
        RequestId: input.requestId,
        Code: code,
        Message: failure.message,
        HostId: 'dococr.local',
        Recommend: 'Check the image: JPG, JPEG or PNG, 200 to 8192 pixels on each side, at most 1 MB.',
      },
      steps,
    };
  }
  const transactionId = `dococr${uuid4().replace(/-/g, '')}`;
  log.info('document checked', { step: 'assemble', workflowId });
  await audit.recordEvent({
    applicationId,
    key: 'decision',
    step: 'decision',
    outcome: 'failed',
    reasons: ['213'],
    data: { transactionId },
  });
  return {
    httpStatus: 200,
    body: {
      RequestId: input.requestId,
      Code: 'Success',
      Message: 'success',
      Result: { TransactionId: transactionId, Passed: 'N', SubCode: '213', ExtIdInfo: '{}' },
    },
    steps,
  };
}

import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  log,
  proxyActivities,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import {
  createDocOcrV2Response,
  decideSubCode,
  machineDataConsistent,
  spoofInfoFromFindings,
  spoofInfoNotChecked,
  type ExtIdInfo,
} from '@dococr/core/contract';
import type {
  DocOcrActivities,
  DocOcrRequestParams,
  FaceResult,
  ImageFacts,
  ImageRef,
  QualityResult,
  RecognitionResult,
  SpoofCheckResult,
} from '@dococr/temporal-activities';
import { auditActivity, checkImageActivity, ocrActivity, remoteCallActivity } from '../activity-options.js';
import { SA } from '../search-attributes.js';

export type { DocOcrRequestParams };

export interface DocOcrWorkflowInput {
  /** The API's RequestId for this call, chosen by whoever received the request. */
  requestId: string;
  params: DocOcrRequestParams;
  image: ImageRef;
  /** Task queue of the OCR step; the workflow's own queue when absent. */
  ocrTaskQueue?: string | undefined;
  /** Who reads the document: the local engine (default) or Alibaba Cloud's DocOcrV2. */
  provider?: 'local' | 'aliyun' | undefined;
}

export interface DocOcrSuccessBody {
  RequestId: string;
  Code: string;
  Message: string;
  Result: { TransactionId: string; Passed: 'Y' | 'N'; SubCode: string; ExtIdInfo: string };
}

export interface DocOcrErrorBody {
  RequestId: string;
  Code: string;
  Message: string;
  HostId: string;
  Recommend: string;
}

/** What each step did, for the caller; digests and measurements only, never PII. */
export interface StepRecord {
  step: string;
  outcome: 'ok' | 'failed' | 'skipped';
  detail?: string;
}

/** The workflow's answer: the HTTP status and exact body the DocOcrV2 API would return. */
export type DocOcrWorkflowResult =
  | { httpStatus: 200; body: DocOcrSuccessBody; steps: StepRecord[] }
  | { httpStatus: number; body: DocOcrErrorBody; steps: StepRecord[] };

const light = proxyActivities<DocOcrActivities>(checkImageActivity);
const remote = proxyActivities<DocOcrActivities>(remoteCallActivity);
const audit = proxyActivities<DocOcrActivities>(auditActivity);

const STATUS_BY_CODE: Record<string, number> = {
  MissingParameter: 400,
  InvalidParameter: 400,
  ToolargeImage: 401,
  UnqualifiedPhoto: 401,
  DownloadTimeout: 401,
  NoFaceDetected: 401,
  'Throttling.Api': 403,
  'Forbidden.RAMUserAccessDenied': 403,
  'Forbidden.AccountAccessDenied': 403,
  SuspiciousActivity: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
};

function errorResult(
  requestId: string,
  code: string,
  message: string,
  steps: StepRecord[],
  recommend = '',
): DocOcrWorkflowResult {
  return {
    httpStatus: STATUS_BY_CODE[code] ?? 400,
    body: { RequestId: requestId, Code: code, Message: message, HostId: 'dococr.local', Recommend: recommend },
    steps,
  };
}

/** The codes an image check raises for bad input (the engine's ImageRejectedError). */
const IMAGE_REFUSALS = ['InvalidParameter', 'ToolargeImage'];

function nonRetryableFailure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
    return err.cause;
  }
  return undefined;
}

/**
 * One DocOcrV2 request to one DocOcrV2 response. Steps run as activities; the response is assembled here,
 * deterministically, from their results. Bad input ends the run with the API's error body rather than a failed
 * workflow, so that the outcome is recorded like any other.
 */
export async function docOcr(input: DocOcrWorkflowInput): Promise<DocOcrWorkflowResult> {
  const steps: StepRecord[] = [];
  const { params } = input;
  const applicationId = params.merchantBizId;
  const { merchantUserHash: _hash, ...flags } = params;
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
    facts = await light.checkImage({ applicationId, image: input.image });
    steps.push({ step: 'checkImage', outcome: 'ok', detail: `${facts.mediaType} ${facts.width}x${facts.height}` });
  } catch (err) {
    const failure = nonRetryableFailure(err);
    if (!failure) throw err;
    const code = failure.type ?? 'InvalidParameter';
    steps.push({ step: 'checkImage', outcome: 'failed', detail: code });
    log.info('image refused', { step: 'checkImage', code });
    await audit.recordEvent({ applicationId, key: 'decision', step: 'decision', outcome: 'failed', reasons: [code] });
    return errorResult(
      input.requestId,
      code,
      failure.message,
      steps,
      'Check the image: JPG, JPEG or PNG, 200 to 8192 pixels on each side, at most 1 MB.',
    );
  }

  if (input.provider === 'aliyun') return readRemotely(input, applicationId, steps);

  const ocr = proxyActivities<DocOcrActivities>(ocrActivity(input.ocrTaskQueue));
  let recognition: RecognitionResult;
  try {
    recognition = await ocr.recogniseDocument({
      applicationId,
      image: input.image,
      docType: params.docType,
      cardSide: params.cardSide,
      ocr: params.ocr,
    });
  } catch (err) {
    // An image whose header passed but whose pixels do not decode is bad input like any other refused image: the
    // API's error body, not a failed run. Any other failure (a broken engine) still fails the run.
    const failure = nonRetryableFailure(err);
    if (!failure || !IMAGE_REFUSALS.includes(failure.type ?? '')) throw err;
    const code = failure.type as string;
    steps.push({ step: 'recogniseDocument', outcome: 'failed', detail: code });
    await audit.recordEvent({ applicationId, key: 'decision', step: 'decision', outcome: 'failed', reasons: [code] });
    return errorResult(input.requestId, code, failure.message, steps);
  }
  steps.push({
    step: 'recogniseDocument',
    outcome: recognition.docTypeMatched ? 'ok' : 'failed',
    detail: recognition.docTypeMatched
      ? `card coverage ${recognition.card.coverage.toFixed(2)}`
      : recognition.docTypeReason,
  });

  // Spoof and IdFaceQuality are valid only for the portrait side (the spec); on the national-emblem side they are
  // not applied, and the decision event says so. Nothing else is meaningful on the wrong document.
  const emblemSide = params.cardSide === 'OCR_ID_NATIONAL_EMBLEM';
  const matched = recognition.docTypeMatched;
  const check = { applicationId, image: input.image, docType: params.docType, card: recognition.card };
  const wantQuality = params.idThreshold !== '3';
  const wantSpoof = params.spoof === 'T' && !emblemSide;
  const wantFace = params.idFaceQuality === 'T' && !emblemSide;
  const [quality, spoof, face] = await Promise.all([
    matched && wantQuality ? ocr.assessQuality({ ...check, mode: params.idThreshold as '0' | '1' | '2' }) : undefined,
    matched && wantSpoof
      ? ocr.detectSpoofing({
          ...check,
          mrzConsistent: machineDataConsistent(recognition.checks),
        })
      : undefined,
    matched && wantFace ? ocr.scoreFace(check) : undefined,
  ] as [Promise<QualityResult> | undefined, Promise<SpoofCheckResult> | undefined, Promise<FaceResult> | undefined]);
  for (const [step, ran, ok, detail] of [
    ['assessQuality', quality, quality?.passed, quality?.failures.map((f) => f.check).join(', ')],
    ['detectSpoofing', spoof, spoof ? spoof.detected.length === 0 : undefined, spoof?.detected.join(', ')],
    ['scoreFace', face, face?.faceFound, face ? `score ${face.score}` : undefined],
  ] as const) {
    if (ran) steps.push({ step, outcome: ok ? 'ok' : 'failed', ...(detail ? { detail } : {}) });
  }

  const subCode = decideSubCode({
    docTypeMatched: matched,
    ...(quality ? { qualityPassed: quality.passed } : {}),
    ...(spoof ? { spoofFound: spoof.detected.length > 0 } : {}),
  });
  const extIdInfo: ExtIdInfo = {};
  // Fields are returned where readable even when quality fails (211) or spoofing is found (212): the caller sees
  // what the document claims alongside the verdict. Never on the wrong document (213).
  if (matched && params.ocr === 'T' && recognition.ocrIdInfo) {
    extIdInfo.ocrIdInfo = recognition.ocrIdInfo as unknown as ExtIdInfo['ocrIdInfo'];
  }
  if (face) extIdInfo.idFaceQualityScore = face.score;
  // With Spoof=F the API reports spoofResult N and no types.
  if (spoof) extIdInfo.spoofInfo = spoofInfoFromFindings(spoof.detected);
  else if (params.spoof === 'F' || emblemSide) extIdInfo.spoofInfo = spoofInfoNotChecked();
  const notApplied = emblemSide
    ? [...(params.spoof === 'T' ? ['Spoof'] : []), ...(params.idFaceQuality === 'T' ? ['IdFaceQuality'] : [])]
    : [];
  const failedChecks = [
    ...(matched ? [] : ['213: requested document type not detected']),
    ...(quality && !quality.passed ? [`211: ${quality.failures.map((f) => f.check).join(', ')}`] : []),
    ...(spoof && spoof.detected.length ? [`212: ${spoof.detected.join(', ')}`] : []),
  ];
  const response = createDocOcrV2Response({
    requestId: input.requestId,
    transactionId: `dococr${uuid4().replace(/-/g, '')}`,
    subCode,
    extIdInfo,
  });
  await audit.recordEvent({
    applicationId,
    key: 'decision',
    step: 'decision',
    outcome: subCode === '200' ? 'passed' : 'failed',
    reasons: [subCode, ...failedChecks, ...notApplied.map((p) => `${p} not applied: valid only for the portrait side`)],
    data: {
      subCode,
      passed: response.Result.Passed,
      transactionId: response.Result.TransactionId,
      notApplied,
      failedChecks,
    },
  });
  upsertSearchAttributes([
    { key: SA.subCode, value: subCode },
    { key: SA.passed, value: response.Result.Passed },
  ]);
  log.info('document decided', { step: 'decision', subCode });
  return { httpStatus: 200, body: response as DocOcrSuccessBody, steps };
}

/** Codes of the remote client that are not the API's own, as the API code a caller of DocOcrV2 understands. */
const REMOTE_CODE_AS_API: Record<string, string> = {
  NetworkError: 'ServiceUnavailable',
  InvalidResponse: 'InternalError',
};

/**
 * The remote call's final failure as an API code and message. An ActivityFailure reaches the workflow only once the
 * retry policy is done (a non-retryable answer, or every attempt used on 503s, throttling, timeouts or dropped
 * connections), so each becomes an error body instead of a failed run; only cancellation propagates.
 */
function finalRemoteFailure(err: unknown): { code: string; message: string } | undefined {
  if (!(err instanceof ActivityFailure) || err.cause instanceof CancelledFailure) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'InternalError';
    const retriesUsed = cause.nonRetryable ? '' : ' (retries exhausted)';
    return { code: REMOTE_CODE_AS_API[type] ?? type, message: `${cause.message}${retriesUsed}` };
  }
  return { code: 'ServiceUnavailable', message: `the remote provider did not answer: ${cause?.message ?? 'timeout'}` };
}

/** The same request answered by Alibaba Cloud: its verdict is returned as is, under this call's RequestId. */
async function readRemotely(
  input: DocOcrWorkflowInput,
  applicationId: string,
  steps: StepRecord[],
): Promise<DocOcrWorkflowResult> {
  let response;
  try {
    response = await remote.callRemoteDocOcr({ applicationId, image: input.image, params: input.params });
  } catch (err) {
    const failure = finalRemoteFailure(err);
    if (!failure) throw err;
    const { code, message } = failure;
    steps.push({ step: 'callRemoteDocOcr', outcome: 'failed', detail: code });
    await audit.recordEvent({ applicationId, key: 'decision', step: 'decision', outcome: 'error', reasons: [code] });
    return errorResult(input.requestId, code, message, steps);
  }
  steps.push({ step: 'callRemoteDocOcr', outcome: 'ok', detail: `SubCode ${response.Result.SubCode}` });
  const subCode = response.Result.SubCode;
  await audit.recordEvent({
    applicationId,
    key: 'decision',
    step: 'decision',
    outcome: response.Result.Passed === 'Y' ? 'passed' : 'failed',
    reasons: [subCode, 'answered by aliyun'],
    data: { subCode, passed: response.Result.Passed, remoteRequestId: response.RequestId, provider: 'aliyun' },
  });
  upsertSearchAttributes([
    { key: SA.subCode, value: subCode },
    { key: SA.passed, value: response.Result.Passed },
  ]);
  const body: DocOcrSuccessBody = {
    RequestId: input.requestId,
    Code: response.Code,
    Message: response.Message,
    Result: {
      TransactionId: response.Result.TransactionId,
      Passed: response.Result.Passed,
      SubCode: subCode,
      ExtIdInfo: response.Result.ExtIdInfo,
    },
  };
  return { httpStatus: 200, body, steps };
}

import { Context, log } from '@temporalio/activity';
import type { DocOcrClient, DocOcrV2Request, DocOcrV2Response } from '@dococr/core';
import type { AuditStore } from '../audit/index.js';
import type { KeyStore } from '../crypto/index.js';
import { piiDigest } from './recognise-activities.js';
import type { DocOcrRequestParams, ImageReader, ImageRef } from './activity-types.js';
import { auditedStep } from './audited-step.js';

export interface RemoteCallInput {
  applicationId: string;
  image: ImageRef;
  params: DocOcrRequestParams;
}

export interface RemoteActivityDeps {
  blobs: ImageReader;
  audit: AuditStore;
  /** The signed Alibaba Cloud client; absent when no credentials are configured. */
  remote?: () => DocOcrClient;
  keyStore?: Pick<KeyStore, 'keyedDigest'>;
}

/** The version recorded for steps answered by Alibaba Cloud. */
export const REMOTE_PROVIDER_VERSION = 'aliyun/cloudauth-intl DocOcrV2 2022-08-09';

export function createRemoteActivities(deps: RemoteActivityDeps) {
  return {
    /**
     * Calls Alibaba Cloud's DocOcrV2 with the stored image. The client retries throttling, 5xx and network errors
     * briefly; what is left becomes a retryable failure (with the server's suggested delay) for Temporal's policy,
     * and a 4xx a non-retryable one whose type is the API's code.
     */
    async callRemoteDocOcr(input: RemoteCallInput): Promise<DocOcrV2Response> {
      return auditedStep(
        {
          audit: deps.audit,
          applicationId: input.applicationId,
          step: 'callRemoteDocOcr',
          inputDigest: input.image.sha256,
          engineVersion: REMOTE_PROVIDER_VERSION,
        },
        async () => {
          if (!deps.remote) {
            throw Object.assign(
              new Error('the aliyun provider needs ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
              {
                code: 'InvalidCredentials',
                retryable: false,
              },
            );
          }
          const bytes = await deps.blobs.get(input.image);
          const { params } = input;
          const request: DocOcrV2Request = {
            productCode: 'ID_OCR_MIN',
            merchantBizId: params.merchantBizId,
            merchantUserId: params.merchantUserHash,
            idOcrPictureFile: bytes,
            docType: params.docType as DocOcrV2Request['docType'],
            ocr: params.ocr,
            idFaceQuality: params.idFaceQuality,
            spoof: params.spoof,
            idThreshold: params.idThreshold,
            ...(params.sceneCode ? { sceneCode: params.sceneCode } : {}),
            ...(params.cardSide ? { cardSide: params.cardSide } : {}),
          };
          const response = await deps.remote().docOcrV2(request, { signal: Context.current().cancellationSignal });
          log.info('remote answered', { step: 'callRemoteDocOcr', subCode: response.Result.SubCode });
          return {
            result: response,
            outcome: response.Result.Passed === 'Y' ? 'passed' : 'failed',
            reasons: [response.Result.SubCode],
            data: {
              remoteRequestId: response.RequestId,
              subCode: response.Result.SubCode,
              passed: response.Result.Passed,
            },
            outputDigest: await piiDigest(deps.keyStore, input.applicationId, response.Result.ExtIdInfo),
          };
        },
      );
    },
  };
}

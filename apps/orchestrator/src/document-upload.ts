import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type WorkflowStartOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { InvalidParameterError } from '@dococr/core';
import type { ImageRef } from '@dococr/temporal-activities';
import type { Stack } from './stack.js';
import type { DocOcrRequestParams } from './workflows/doc-ocr.js';

/** A document to read, as a client hands it over: bytes plus the DocOcrV2 flags that apply to it. */
export interface DocumentUpload {
  bytes: Uint8Array;
  mediaType: string;
  /** The request parameter the image came from, for error messages. Default `IdOcrPictureFile`. */
  parameter?: string;
  docType: string;
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM';
  /** Default 'T': a KYC or batch check needs the fields. */
  ocr?: 'T' | 'F';
  /** The DocOcrV2 quality threshold: '0' strict to '2' loose; default '3', no quality check. */
  idThreshold?: '0' | '1' | '2' | '3';
  /** Anti-spoofing ('T'); default 'F'. */
  spoof?: 'T' | 'F';
  /** Portrait quality score ('T'); default 'F'. */
  idFaceQuality?: 'T' | 'F';
}

export interface UploadContext {
  /** The application (or batch) the image belongs to: its data key encrypts the blob. */
  applicationId: string;
  merchantUserId: string;
  productCode?: string | undefined;
  sceneCode?: string | undefined;
}

const LETTERS_AND_DIGITS = /^[A-Za-z0-9]{1,64}$/;

/** Workflow ids carry application and batch ids (never encrypted), so they are plain letters and digits. */
export function assertPlainId(parameter: string, value: string): void {
  if (!LETTERS_AND_DIGITS.test(value)) throw new InvalidParameterError(parameter, 'use 1 to 64 letters or digits');
}

/** Stores the image (only the reference enters history) and builds the child's image-free parameters. */
export async function storeDocument(
  stack: Stack,
  context: UploadContext,
  upload: DocumentUpload,
): Promise<{ image: ImageRef; params: DocOcrRequestParams }> {
  const blob = await stack.blobs.put(upload.bytes, {
    mediaType: upload.mediaType,
    applicationId: context.applicationId,
  });
  return {
    image: { ...blob, parameter: upload.parameter ?? 'IdOcrPictureFile' },
    params: {
      productCode: context.productCode ?? 'ID_OCR_MIN',
      sceneCode: context.sceneCode,
      merchantBizId: context.applicationId,
      merchantUserHash: stack.hashUserId(context.merchantUserId),
      docType: upload.docType,
      ocr: upload.ocr ?? 'T',
      idFaceQuality: upload.idFaceQuality ?? 'F',
      spoof: upload.spoof ?? 'F',
      idThreshold: upload.idThreshold ?? '3',
      cardSide: upload.cardSide,
    },
  };
}

export interface StartedRun {
  workflowId: string;
  /** The first run of the execution found or started (a batch may continue as new after it). */
  runId: string;
  /** True when this id was already running or finished and that execution was returned instead of a new one. */
  existing: boolean;
}

/**
 * Starts a workflow, or finds the execution already using its id: running (USE_EXISTING) or closed (the reuse policy
 * refuses a new one). A nonce in the memo tells whether this call started it.
 */
export async function startOrFind(
  stack: Stack,
  workflowType: string,
  options: {
    workflowId: string;
    args: unknown[];
    searchAttributes: SearchAttributePair[];
    reusePolicy: WorkflowStartOptions['workflowIdReusePolicy'];
  },
): Promise<StartedRun> {
  const nonce = randomUUID();
  try {
    const handle = await stack.client.workflow.start(workflowType, {
      taskQueue: stack.taskQueue,
      workflowId: options.workflowId,
      args: options.args,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: options.reusePolicy,
      typedSearchAttributes: options.searchAttributes,
      memo: { startNonce: nonce },
    });
    const description = await handle.describe();
    return {
      workflowId: options.workflowId,
      runId: handle.firstExecutionRunId,
      existing: description.memo?.startNonce !== nonce,
    };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const description = await stack.client.workflow.getHandle(options.workflowId).describe();
    const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
    return { workflowId: options.workflowId, runId: firstRunId || description.runId, existing: true };
  }
}

import { randomUUID } from 'node:crypto';
import { InvalidParameterError } from '@dococr/core';
import { SA } from './search-attributes.js';
import type { Stack } from './stack.js';
import { assertPlainId, startOrFind, storeDocument, type DocumentUpload, type StartedRun } from './document-upload.js';
import {
  BATCH_ITEM_KEY,
  batchProgressQuery,
  batchWorkflowId,
  type batch,
  type BatchItem,
  type BatchProgress,
  type BatchResult,
  type BatchWorkflowInput,
} from './workflows/batch.js';

/** One document of a batch; `key` (letters, digits, `_ . -`) names it and makes its child workflow id. */
export interface BatchItemUpload extends DocumentUpload {
  key: string;
}

export interface StartBatchOptions {
  /** Letters and digits: the workflow id is `batch-<batchId>`, its items `batch-<batchId>-item-<key>`. */
  batchId: string;
  /** Hashed; the clear value never enters Temporal. */
  merchantUserId: string;
  items: BatchItemUpload[];
  /** Documents read at once. Default 2. */
  concurrency?: number;
  /** Items per run before the workflow continues as new. Default 50. */
  itemsPerRun?: number;
  productCode?: string;
  sceneCode?: string;
  requestId?: string;
  /** `aliyun`: the documents are read by Alibaba Cloud's DocOcrV2 (credentials configured on the worker). */
  provider?: 'local' | 'aliyun';
}

/**
 * Stores the images and starts the `batch` workflow. The same batch id again returns the running or completed batch;
 * a batch that failed or was terminated runs again, and its items already answered are counted, not read again.
 */
export async function startBatch(stack: Stack, options: StartBatchOptions): Promise<StartedRun & { batchId: string }> {
  assertPlainId('BatchId', options.batchId);
  const context = {
    applicationId: options.batchId,
    merchantUserId: options.merchantUserId,
    productCode: options.productCode,
    sceneCode: options.sceneCode,
  };
  for (const item of options.items) {
    if (!BATCH_ITEM_KEY.test(item.key)) throw new InvalidParameterError('Key', 'use 1 to 64 letters, digits, _ . or -');
  }
  if (new Set(options.items.map((i) => i.key)).size !== options.items.length) {
    throw new InvalidParameterError('Key', 'keys must be unique within a batch');
  }
  const items: BatchItem[] = [];
  // One at a time: a batch may be large and each image is read into memory to be stored.
  for (const item of options.items) items.push({ key: item.key, ...(await storeDocument(stack, context, item)) });
  // The list itself is stored too, so the workflow's input stays small however many items there are.
  const itemList = await stack.blobs.put(new TextEncoder().encode(JSON.stringify(items)), {
    mediaType: 'application/json',
    applicationId: options.batchId,
  });
  const input: BatchWorkflowInput = {
    batchId: options.batchId,
    itemList,
    total: items.length,
    requestId: options.requestId ?? randomUUID().toUpperCase(),
    concurrency: options.concurrency,
    itemsPerRun: options.itemsPerRun,
    ocrTaskQueue: stack.ocrTaskQueue,
    ...(options.provider === 'aliyun' ? { provider: 'aliyun' as const } : {}),
  };
  const run = await startOrFind(stack, 'batch', {
    workflowId: batchWorkflowId(options.batchId),
    args: [input],
    reusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    searchAttributes: [
      { key: SA.kind, value: 'batch' },
      { key: SA.userHash, value: stack.hashUserId(options.merchantUserId) },
      ...(options.sceneCode ? [{ key: SA.sceneCode, value: options.sceneCode }] : []),
    ],
  });
  return { ...run, batchId: options.batchId };
}

function handle(stack: Stack, batchId: string) {
  return stack.client.workflow.getHandle<typeof batch>(batchWorkflowId(batchId));
}

/** Counts so far, across continue-as-new runs. */
export async function batchProgress(stack: Stack, batchId: string): Promise<BatchProgress> {
  return handle(stack, batchId).query(batchProgressQuery);
}

/** Waits for the whole batch (following continue-as-new). */
export async function batchResult(stack: Stack, batchId: string): Promise<BatchResult> {
  return handle(stack, batchId).result();
}

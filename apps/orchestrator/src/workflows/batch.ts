import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  continueAsNew,
  defineQuery,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BlobRef, DocOcrActivities, ImageRef } from '@dococr/temporal-activities';
import { auditActivity, checkImageActivity } from '../activity-options.js';
import { SA } from '../search-attributes.js';
import { docOcr, type DocOcrRequestParams, type DocOcrWorkflowInput, type DocOcrWorkflowResult } from './doc-ocr.js';

/** One document of a batch. `key` names it within the batch and makes its child's workflow id. */
export interface BatchItem {
  key: string;
  image: ImageRef;
  /** `merchantBizId` is replaced by the batch id: a batch is one application (one audit chain, one data key). */
  params: DocOcrRequestParams;
}

export interface BatchProgress {
  total: number;
  done: number;
  /** Answered with Passed=Y. */
  passed: number;
  /** Answered with Passed=N, or refused with the API's error (bad image). */
  failed: number;
  /** The child workflow failed (retries exhausted); the item has no answer. */
  errors: number;
}

/** An item that did not pass, by key: what to look at after the batch. */
export interface BatchItemProblem {
  key: string;
  outcome: 'failed' | 'error';
  /** SubCode of a Passed=N answer, or the API's error code of a refused image. */
  code?: string | undefined;
}

export interface BatchWorkflowInput {
  /** Letters and digits only: workflow ids carry it. */
  batchId: string;
  /**
   * The items: a JSON array of `BatchItem` stored in the blob store (encrypted with the batch's data key). Each run
   * loads only its page, so the input stays small however large the batch.
   */
  itemList: BlobRef;
  /** How many items the list holds. */
  total: number;
  /** First item of this run; advanced by continue-as-new. Default 0. */
  offset?: number | undefined;
  requestId: string;
  /** How many documents run at once. Default 2. */
  concurrency?: number | undefined;
  /** Items per run before continuing as new, which keeps each run's history small. Default 50. */
  itemsPerRun?: number | undefined;
  ocrTaskQueue?: string | undefined;
  /** Who reads the documents: the local engine (default) or Alibaba Cloud's DocOcrV2, as in `docOcr`. */
  provider?: DocOcrWorkflowInput['provider'];
  /** Carried over by continue-as-new. */
  carried?: { progress: BatchProgress; problems: BatchItemProblem[]; runs: number } | undefined;
}

export interface BatchResult {
  batchId: string;
  progress: BatchProgress;
  problems: BatchItemProblem[];
  /** How many runs the batch took (continue-as-new). */
  runs: number;
}

/** How far the batch is: counts across every run of the batch. */
export const batchProgressQuery = defineQuery<BatchProgress>('progress');

export const BATCH_ID = /^[A-Za-z0-9]{1,64}$/;
export const BATCH_ITEM_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `batch-<batchId>`. */
export function batchWorkflowId(batchId: string): string {
  return `batch-${batchId}`;
}

/**
 * The item's `docOcr` child: derived from the key, so a re-run of the batch finds the items already answered instead
 * of reading them twice; the `batch-<batchId>` prefix gives it the batch's data key.
 */
export function batchItemWorkflowId(batchId: string, key: string): string {
  return `batch-${batchId}-item-${key}`;
}

const light = proxyActivities<DocOcrActivities>(checkImageActivity);
const audit = proxyActivities<DocOcrActivities>(auditActivity);

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'InvalidParameter', message, nonRetryable: true });
}

function validateInput(input: BatchWorkflowInput): void {
  if (!BATCH_ID.test(input.batchId)) throw invalid('batchId must be 1 to 64 letters or digits');
  if (!(Number.isInteger(input.total) && input.total >= 0)) throw invalid('total must be a whole number');
  if (input.concurrency !== undefined && !(Number.isInteger(input.concurrency) && input.concurrency >= 1)) {
    throw invalid('concurrency must be a positive whole number');
  }
  if (input.itemsPerRun !== undefined && !(Number.isInteger(input.itemsPerRun) && input.itemsPerRun >= 1)) {
    throw invalid('itemsPerRun must be a positive whole number');
  }
}

/** Keys are checked by the client for the whole list; a page is checked again, since it makes workflow ids. */
function validatePage(items: BatchItem[]): void {
  const keys = new Set<string>();
  for (const item of items) {
    if (!BATCH_ITEM_KEY.test(item.key)) throw invalid('item keys are 1 to 64 letters, digits, _ . or -');
    if (keys.has(item.key)) throw invalid('item keys must be unique within a batch');
    keys.add(item.key);
  }
}

/**
 * Many documents as `docOcr` children, `concurrency` at a time, with a progress query. Each run loads a page of
 * `itemsPerRun` items from the stored item list, then continues as new at the next offset with the counts so far.
 */
export async function batch(input: BatchWorkflowInput): Promise<BatchResult> {
  validateInput(input);
  const { batchId } = input;
  const progress: BatchProgress = input.carried
    ? { ...input.carried.progress }
    : { total: input.total, done: 0, passed: 0, failed: 0, errors: 0 };
  const problems: BatchItemProblem[] = [...(input.carried?.problems ?? [])];
  const runs = (input.carried?.runs ?? 0) + 1;
  setHandler(batchProgressQuery, () => ({ ...progress }));

  if (!input.carried) {
    await audit.recordEvent({
      applicationId: batchId,
      key: 'received',
      step: 'received',
      outcome: 'passed',
      data: {
        requestId: input.requestId,
        items: input.total,
        itemListSha256: input.itemList.sha256,
        concurrency: input.concurrency ?? 2,
      },
    });
  }

  const offset = input.offset ?? 0;
  const thisRun =
    offset < input.total
      ? ((await light.loadBatchItems({
          list: input.itemList,
          offset,
          limit: input.itemsPerRun ?? 50,
        })) as BatchItem[])
      : [];
  if (thisRun.length === 0 && offset < input.total) throw invalid(`the item list ends before item ${offset + 1}`);
  validatePage(thisRun);
  const nextOffset = offset + thisRun.length;

  const count = (key: string, result: DocOcrWorkflowResult | undefined) => {
    progress.done += 1;
    if (result === undefined) {
      progress.errors += 1;
      problems.push({ key, outcome: 'error' });
    } else if (result.httpStatus === 200 && 'Result' in result.body && result.body.Result.Passed === 'Y') {
      progress.passed += 1;
    } else {
      progress.failed += 1;
      problems.push({
        key,
        outcome: 'failed',
        code: 'Result' in result.body ? result.body.Result.SubCode : result.body.Code,
      });
    }
  };

  const runItem = async (item: BatchItem): Promise<DocOcrWorkflowResult | undefined> => {
    const workflowId = batchItemWorkflowId(batchId, item.key);
    try {
      return await executeChild(docOcr, {
        workflowId,
        args: [
          {
            requestId: input.requestId,
            params: { ...item.params, merchantBizId: batchId },
            image: item.image,
            ocrTaskQueue: input.ocrTaskQueue,
            ...(input.provider ? { provider: input.provider } : {}),
          },
        ],
        // A child that failed or was terminated (its batch terminated) may run again; a completed one may not.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [
          { key: SA.kind, value: 'docOcr' },
          { key: SA.docType, value: item.params.docType },
          { key: SA.userHash, value: item.params.merchantUserHash },
          ...(item.params.sceneCode ? [{ key: SA.sceneCode, value: item.params.sceneCode }] : []),
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // Answered by an earlier run of this batch: count its recorded answer, do not read the document again.
        try {
          return (await light.completedWorkflowResult({ workflowId })) as DocOcrWorkflowResult;
        } catch (lookupErr) {
          if (!(lookupErr instanceof ActivityFailure)) throw lookupErr;
          log.warn('item started elsewhere and not completed', { step: 'batchItem' });
          return undefined;
        }
      }
      if (!(err instanceof ChildWorkflowFailure)) throw err;
      log.warn('item failed', { step: 'batchItem' });
      return undefined;
    }
  };

  let next = 0;
  const lane = async () => {
    while (next < thisRun.length) {
      const item = thisRun[next++]!;
      count(item.key, await runItem(item));
    }
  };
  const lanes = Math.min(input.concurrency ?? 2, thisRun.length);
  await Promise.all(Array.from({ length: lanes }, lane));

  if (nextOffset < input.total) {
    log.info('batch continues as new', { done: progress.done, remaining: input.total - nextOffset, run: runs });
    // Every child of this run has finished, so nothing in flight is lost with the old run.
    return continueAsNew<typeof batch>({ ...input, offset: nextOffset, carried: { progress, problems, runs } });
  }

  await audit.recordEvent({
    applicationId: batchId,
    key: 'completed',
    step: 'batchCompleted',
    outcome: progress.errors === 0 ? 'passed' : 'error',
    reasons: problems.slice(0, 100).map((p) => `${p.key}: ${p.outcome}${p.code ? ` ${p.code}` : ''}`),
    data: { ...progress, runs, firstRunId: workflowInfo().firstExecutionRunId },
  });
  return { batchId, progress, problems, runs };
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { BlobRef } from '../blob-store/index.js';
import type { ImageReader } from './activity-types.js';
import { withFailureMapping } from './failures.js';

export interface LoadBatchItemsInput {
  /** The batch's item list: a JSON array stored in the blob store, encrypted with the batch's data key. */
  list: BlobRef;
  offset: number;
  limit: number;
}

export function createBatchActivities(deps: { blobs: ImageReader }) {
  return {
    /**
     * One page of a batch's item list. The list lives in the blob store, so a batch of any size starts with a small
     * input and each run of the workflow carries only the items it works on.
     */
    async loadBatchItems(input: LoadBatchItemsInput): Promise<unknown[]> {
      return withFailureMapping(async () => {
        const items: unknown = JSON.parse(Buffer.from(await deps.blobs.get(input.list)).toString('utf8'));
        if (!Array.isArray(items)) {
          throw ApplicationFailure.create({
            type: 'InvalidParameter',
            message: 'the batch item list is not an array',
            nonRetryable: true,
          });
        }
        return items.slice(input.offset, input.offset + input.limit);
      });
    },

    /**
     * The result of a workflow that already completed, for a batch re-run whose child start was refused because that
     * item finished in an earlier run: the item is then counted from its recorded result instead of being run twice.
     * Workflow code cannot read another workflow's result, so this goes through the worker's client.
     */
    async completedWorkflowResult(input: { workflowId: string }): Promise<unknown> {
      const handle = Context.current().client.workflow.getHandle(input.workflowId);
      const description = await handle.describe();
      if (description.status.name !== 'COMPLETED') {
        throw ApplicationFailure.create({
          type: 'NotCompleted',
          message: `workflow ${input.workflowId} is ${description.status.name}, not completed`,
          nonRetryable: true,
        });
      }
      return handle.result();
    },
  };
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export function createBatchActivities() {
  return {
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

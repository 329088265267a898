import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Retry and timeout choices of each step, read in one place. Bad input is a non-retryable failure raised by
 * the activity itself, so these policies only govern transient faults.
 */
export const checkImageActivity: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
  },
};

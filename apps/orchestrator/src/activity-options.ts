import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Retry and timeout choices of each step, read in one place. Bad input is a non-retryable failure raised by the
 * activity itself (its type is the API's error code), so these policies only govern transient faults.
 */

/** Reading a blob and parsing an image header: quick; a failure is a disk or store hiccup worth a few retries. */
export const checkImageActivity: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
  },
};

/** Audit appends must land: retry for a long time (SQLite busy, disk full being fixed) rather than lose an event. */
export const auditActivity: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 },
};

/**
 * OCR runs on its own task queue so its worker pool scales apart; it heartbeats, so a lost worker is noticed within
 * the heartbeat timeout instead of the whole start-to-close timeout.
 */
export function ocrActivity(taskQueue: string | undefined): ActivityOptions {
  return {
    ...(taskQueue ? { taskQueue } : {}),
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
  };
}

/**
 * Alibaba Cloud's DocOcrV2: the client already retries briefly; these retries outlast longer throttling or outages,
 * honouring a server-suggested delay (`nextRetryDelay`). 4xx answers are non-retryable failures.
 */
export const remoteCallActivity: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
};

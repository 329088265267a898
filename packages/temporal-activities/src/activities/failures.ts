import { ApplicationFailure } from '@temporalio/common';

/** An error that carries the API's error code and says whether a retry can help. */
interface CodedError {
  code: string;
  message: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

function isCoded(err: unknown): err is CodedError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { message?: unknown }).message === 'string'
  );
}

/**
 * Turns a coded error into the `ApplicationFailure` the workflow sees: its `type` is the API's error code,
 * bad input is non-retryable, and a server-suggested delay becomes `nextRetryDelay`. Anything else is
 * rethrown as is and retried by the activity's policy.
 */
export function toApplicationFailure(err: unknown): unknown {
  if (!isCoded(err)) return err;
  return ApplicationFailure.create({
    type: err.code,
    message: err.message,
    nonRetryable: err.retryable !== true,
    ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
  });
}

/** Runs an activity body, converting coded errors at the boundary. */
export async function withFailureMapping<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApplicationFailure(err);
  }
}

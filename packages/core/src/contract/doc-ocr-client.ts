import type { DocOcrV2Request } from './request.js';
import type { DocOcrV2Response } from './response.js';

export interface DocOcrCallOptions {
  /** Aborts the call; the promise then rejects with the signal's reason or a network error. */
  signal?: AbortSignal;
}

/**
 * Anything that answers DocOcrV2: the remote Alibaba Cloud client, the local engine, a test double. Failures are
 * thrown as DocOcrErrors; an HTTP 200 answer with `Passed: 'N'` is a result, not an error.
 */
export interface DocOcrClient {
  docOcrV2(request: DocOcrV2Request, options?: DocOcrCallOptions): Promise<DocOcrV2Response>;
}

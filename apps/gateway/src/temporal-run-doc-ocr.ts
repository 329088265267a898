import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
} from '@temporalio/client';
import {
  DocOcrError,
  InternalServiceError,
  ServiceUnavailableError,
  docOcrErrorFromWire,
  httpStatusFor,
  isDocOcrError,
  isErrorCode,
  type DocOcrV2Request,
  type DocOcrV2Response,
} from '@dococr/core';
import type { RunDocOcr, RunDocOcrContext } from './run-doc-ocr.js';

export interface TemporalRunDocOcrOptions {
  client: Client;
  taskQueue: string;
  /** Workflow type started by name. Default `docOcr`. */
  workflowType?: string;
  /**
   * The workflow id. Default `docOcr-<accessKeyId>-<MerchantBizId>`: the same business id starts once (a repeat gets
   * the existing execution's answer), and the key id keeps one caller from reading another's result by guessing ids.
   */
  workflowId?: (request: DocOcrV2Request, ctx: RunDocOcrContext) => string;
  /**
   * The workflow's single argument. Default `{ request }` with the picture as base64 (bytes do not survive the JSON
   * payload converter). The orchestrator's `docOcr` takes `{ requestId, params, image: ImageRef }`: pass a function
   * that stores the bytes in the blob store and builds that.
   */
  toWorkflowInput?: (request: DocOcrV2Request, ctx: RunDocOcrContext) => unknown;
}

function defaultInput(request: DocOcrV2Request, ctx: RunDocOcrContext): unknown {
  const { idOcrPictureFile: _bytes, ...rest } = request;
  return { request: { ...rest, idOcrPictureBase64: Buffer.from(ctx.image.bytes).toString('base64') } };
}

interface WorkflowEnvelope {
  httpStatus: number;
  body: unknown;
}

function isEnvelope(value: unknown): value is WorkflowEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as WorkflowEnvelope).httpStatus === 'number';
}

/**
 * Accepts both answers a docOcr workflow may give: the response body itself, or `{ httpStatus, body }` where an
 * error body with its status stands for an API error (the orchestrator's shape).
 */
function responseFrom(result: unknown): DocOcrV2Response {
  if (!isEnvelope(result)) return result as DocOcrV2Response;
  if (result.httpStatus === 200) return result.body as DocOcrV2Response;
  throw docOcrErrorFromWire(result.httpStatus, result.body);
}

function errorFrom(error: unknown): DocOcrError {
  if (isDocOcrError(error)) return error;
  if (error instanceof WorkflowFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure && cause.type && isErrorCode(cause.type)) {
      return new DocOcrError(cause.type, cause.message, { httpStatus: httpStatusFor(cause.type), cause: error });
    }
    return new InternalServiceError(undefined, { cause: error });
  }
  // No answer from Temporal at all (connection, namespace): the caller may retry.
  return new ServiceUnavailableError(undefined, { cause: error });
}

/**
 * A {@link RunDocOcr} that starts the `docOcr` workflow by name on `taskQueue` and waits for its result.
 *
 * @example
 * const client = new Client({ connection: await Connection.connect({ address: 'localhost:7233' }) });
 * createGateway({ config, logger, runDocOcr: temporalRunDocOcr({ client, taskQueue: 'dococr', toWorkflowInput }) });
 */
export function temporalRunDocOcr(options: TemporalRunDocOcrOptions): RunDocOcr {
  const workflowType = options.workflowType ?? 'docOcr';
  const workflowIdFor = options.workflowId ?? ((request, ctx) => `docOcr-${ctx.accessKeyId}-${request.merchantBizId}`);
  const toInput = options.toWorkflowInput ?? defaultInput;
  return async (request, ctx) => {
    const workflowId = workflowIdFor(request, ctx);
    try {
      try {
        const handle = await options.client.workflow.start(workflowType, {
          taskQueue: options.taskQueue,
          workflowId,
          args: [await toInput(request, ctx)],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        return responseFrom(await handle.result());
      } catch (error) {
        // A finished execution with this id: answer with its result, as a repeat of the same business id.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        return responseFrom(await options.client.workflow.getHandle(workflowId).result());
      }
    } catch (error) {
      throw errorFrom(error);
    }
  };
}

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { createDocOcrV2Response, isDocOcrError, type DocOcrV2Request } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import type { RunDocOcrContext } from './run-doc-ocr.js';
import { temporalRunDocOcr } from './temporal-run-doc-ocr.js';

const request = {
  productCode: 'ID_OCR_MIN',
  merchantBizId: 'biz42',
  merchantUserId: 'u',
  docType: '00000006',
  ocr: 'T',
  idFaceQuality: 'F',
  spoof: 'F',
  idThreshold: '3',
  idOcrPictureFile: new Uint8Array([1, 2, 3]),
} as DocOcrV2Request;
const ctx: RunDocOcrContext = {
  requestId: 'R1',
  accessKeyId: 'K1',
  image: { bytes: new Uint8Array([1, 2, 3]), parameter: 'IdOcrPictureBase64' },
  signal: new AbortController().signal,
};
const success = createDocOcrV2Response({ requestId: 'R1', transactionId: 'T1', subCode: '200', extIdInfo: {} });

/** Just the two calls temporalRunDocOcr makes, recording what it asked for. */
function fakeClient(behaviour: { start?: () => never; result: unknown }) {
  const started: Array<{ type: string; options: Record<string, unknown> }> = [];
  const handle = { result: async () => behaviour.result };
  const client = {
    workflow: {
      start: async (type: string, options: Record<string, unknown>) => {
        started.push({ type, options });
        if (behaviour.start) behaviour.start();
        return handle;
      },
      getHandle: () => handle,
    },
  } as unknown as Client;
  return { client, started };
}

describe('temporalRunDocOcr', () => {
  it('starts docOcr by name with an id from key and MerchantBizId and JSON-safe input', async () => {
    const { client, started } = fakeClient({ result: success });
    const run = temporalRunDocOcr({ client, taskQueue: 'dococr' });
    expect(await run(request, ctx)).toEqual(success);
    expect(started[0]?.type).toBe('docOcr');
    expect(started[0]?.options).toMatchObject({
      taskQueue: 'dococr',
      workflowId: 'docOcr-K1-biz42',
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ request: { merchantBizId: 'biz42', idOcrPictureBase64: 'AQID' } }],
    });
    const args = started[0]?.options.args as Array<{ request: Record<string, unknown> }>;
    expect(args[0]?.request.idOcrPictureFile).toBeUndefined();
  });

  it("reads the orchestrator's { httpStatus, body } answer, errors included", async () => {
    const ok = temporalRunDocOcr({
      client: fakeClient({ result: { httpStatus: 200, body: success } }).client,
      taskQueue: 'q',
    });
    expect(await ok(request, ctx)).toEqual(success);
    const refused = temporalRunDocOcr({
      client: fakeClient({
        result: {
          httpStatus: 401,
          body: { RequestId: 'R1', Code: 'ToolargeImage', Message: 'too big', HostId: 'h', Recommend: '' },
        },
      }).client,
      taskQueue: 'q',
    });
    const error = await refused(request, ctx).catch((e: unknown) => e);
    expect(isDocOcrError(error) && [error.code, error.httpStatus]).toEqual(['ToolargeImage', 401]);
  });

  it('answers a finished execution with the same id with its result', async () => {
    const { client } = fakeClient({
      start: () => {
        throw new WorkflowExecutionAlreadyStartedError('exists', 'docOcr-K1-biz42', 'docOcr');
      },
      result: success,
    });
    expect(await temporalRunDocOcr({ client, taskQueue: 'q' })(request, ctx)).toEqual(success);
  });

  it('turns a Temporal connection failure into ServiceUnavailable', async () => {
    const { client } = fakeClient({
      start: () => {
        throw new Error('14 UNAVAILABLE: connection refused');
      },
      result: success,
    });
    const error = await temporalRunDocOcr({ client, taskQueue: 'q' })(request, ctx).catch((e: unknown) => e);
    expect(isDocOcrError(error) && error.code).toBe('ServiceUnavailable');
  });
});

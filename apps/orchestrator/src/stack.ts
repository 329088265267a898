import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { AlibabaDocOcrClient, type DocOcrClient, type DocOcrV2Request } from '@dococr/core';
import type { AuditStore, BlobStore, DocumentRecogniser, ImageRef, KeyStore } from '@dococr/temporal-activities';
import { LocalDocOcrEngine } from '@dococr/engine';
import { startOrFind } from './document-upload.js';
import { SA } from './search-attributes.js';
import type { OrchestratorConfig } from './config.js';
import { ensureDevServer, type DevServerHandle } from './temporal/dev-server.js';
import { installRuntimeLogging } from './temporal/runtime-logging.js';
import { createDococrWorker, NativeConnection } from './worker.js';
import type { DocOcrRequestParams, DocOcrWorkflowInput, DocOcrWorkflowResult } from './workflows/doc-ocr.js';

export interface StackOptions {
  config: OrchestratorConfig;
  logger: Logger;
  /** Where image bytes go before a workflow starts; only the returned reference enters history. */
  blobs: BlobStore;
  /** The hash-chained audit log every step appends to. */
  audit: AuditStore;
  /** Hashes MerchantUserId for search attributes and history; never store the clear value. */
  hashUserId: (merchantUserId: string) => string;
  dataConverter?: DataConverter;
  /** Serve the Temporal Web UI (for `dococr dev`). */
  ui?: boolean;
  /** Run a worker in this process (the embedded default). */
  runWorker?: boolean;
  /** Override the task queues (tests use unique ones per file). */
  taskQueue?: string;
  ocrTaskQueue?: string;
  /** Keys PII digests in the audit trail per application (see `piiDigest`); plain SHA-256 without it. */
  keyStore?: KeyStore;
  /** The remote DocOcrV2 client (`provider: 'aliyun'`); from the configured credentials by default. */
  remote?: () => DocOcrClient;
  /** The document recogniser; the process-wide local engine by default. */
  recogniser?: () => Promise<DocumentRecogniser>;
  codecEndpoint?: string;
  pathEnv?: string;
}

export interface Stack {
  address: string;
  uiUrl?: string | undefined;
  namespace: string;
  taskQueue: string;
  ocrTaskQueue: string;
  client: Client;
  /** The workers running in this process (the workflow queue and the OCR queue), if any. */
  workers: Worker[];
  blobs: BlobStore;
  audit: AuditStore;
  hashUserId: (merchantUserId: string) => string;
  /** Stops the worker, closes connections and stops the dev server if this process started it. */
  shutdown(): Promise<void>;
}

/**
 * Connects to Temporal (TEMPORAL_ADDRESS) or starts/reuses the embedded dev server, and optionally runs a
 * worker in this process.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config, logger } = options;
  installRuntimeLogging(logger);
  let server: DevServerHandle | undefined;
  let address = config.temporalAddress;
  if (!address) {
    server = await ensureDevServer({
      dataDir: config.dataDir,
      namespace: config.temporalNamespace,
      port: config.devServerPort,
      uiPort: config.devServerUiPort,
      ui: options.ui ?? false,
      codecEndpoint: options.codecEndpoint,
      temporalCliPath: config.temporalCliPath,
      pathEnv: options.pathEnv,
      logger,
    });
    address = server.address;
  }
  const taskQueue = options.taskQueue ?? config.taskQueue;
  const connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
  const client = new Client({
    connection,
    namespace: config.temporalNamespace,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
  const ocrTaskQueue = options.ocrTaskQueue ?? config.ocrTaskQueue;
  const workers: Worker[] = [];
  const runs: Promise<void>[] = [];
  let nativeConnection: NativeConnection | undefined;
  if (options.runWorker ?? true) {
    nativeConnection = await NativeConnection.connect({ address });
    const { aliyun } = config;
    const remote =
      options.remote ??
      (aliyun.accessKeyId && aliyun.accessKeySecret
        ? () =>
            new AlibabaDocOcrClient({
              credentials: {
                accessKeyId: aliyun.accessKeyId!,
                accessKeySecret: aliyun.accessKeySecret!,
                ...(aliyun.securityToken ? { securityToken: aliyun.securityToken } : {}),
              },
              protocol: aliyun.protocol,
              ...(aliyun.endpoint ? { endpoint: aliyun.endpoint } : {}),
              readTimeoutMs: 60_000,
            })
        : undefined);
    const deps = {
      blobs: options.blobs,
      audit: options.audit,
      recogniser: options.recogniser ?? sharedLocalEngine,
      ...(remote ? { remote } : {}),
      ...(options.keyStore ? { keyStore: options.keyStore } : {}),
    };
    const converter = options.dataConverter ? { dataConverter: options.dataConverter } : {};
    workers.push(await createDococrWorker({ config, connection: nativeConnection, taskQueue, deps, ...converter }));
    // The OCR step has its own queue and concurrency, so its pool can be scaled apart from the light steps.
    workers.push(
      await createDococrWorker({
        config,
        connection: nativeConnection,
        taskQueue: ocrTaskQueue,
        deps,
        activitiesOnly: true,
        ...converter,
      }),
    );
    for (const w of workers) {
      runs.push(
        w.run().catch((err: unknown) => {
          logger.error({ err }, 'a worker stopped with an error');
        }),
      );
    }
  }
  return {
    address,
    uiUrl: server?.uiUrl,
    namespace: config.temporalNamespace,
    taskQueue,
    client,
    ocrTaskQueue,
    workers,
    blobs: options.blobs,
    audit: options.audit,
    hashUserId: options.hashUserId,
    async shutdown() {
      const t0 = Date.now();
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(runs);
      const t1 = Date.now();
      await nativeConnection?.close();
      await connection.close();
      const t2 = Date.now();
      await server?.stop();
      logger.debug({ workerMs: t1 - t0, connectionsMs: t2 - t1, serverMs: Date.now() - t2 }, 'stack stopped');
    },
  };
}

let localEngine: LocalDocOcrEngine | undefined;

/** One local engine per process: its OCR models load once, on the first document. */
export async function sharedLocalEngine(): Promise<DocumentRecogniser> {
  localEngine ??= new LocalDocOcrEngine();
  return localEngine;
}

/** The workflow id of a DocOcrV2 request: derived from MerchantBizId, so a repeated start finds the same run. */
export function docOcrWorkflowId(merchantBizId: string): string {
  return `dococr-${merchantBizId}`;
}

/** Splits a validated request into the image (stored) and the parameters (which travel through history). */
export function requestParams(request: DocOcrV2Request, hashUserId: (id: string) => string): DocOcrRequestParams {
  return {
    productCode: request.productCode,
    sceneCode: request.sceneCode,
    merchantBizId: request.merchantBizId,
    merchantUserHash: hashUserId(request.merchantUserId),
    docType: request.docType,
    ocr: request.ocr,
    idFaceQuality: request.idFaceQuality,
    spoof: request.spoof,
    idThreshold: request.idThreshold,
    cardSide: request.cardSide,
  };
}

export interface DocOcrRun {
  workflowId: string;
  runId: string;
  /** True when an execution with this id already existed and its result was returned instead of a new run. */
  existing: boolean;
  result: DocOcrWorkflowResult;
}

/**
 * Runs one DocOcrV2 request through the `docOcr` workflow. The image must already be decoded to bytes (from
 * base64, a file or a safely fetched URL). Starting the same MerchantBizId again returns the existing run.
 */
export async function executeDocOcr(
  stack: Stack,
  request: DocOcrV2Request,
  image: { bytes: Uint8Array; mediaType: string; parameter: string },
  options: { requestId?: string; provider?: 'local' | 'aliyun' } = {},
): Promise<DocOcrRun> {
  const workflowId = docOcrWorkflowId(request.merchantBizId);
  const blob = await stack.blobs.put(image.bytes, { mediaType: image.mediaType, applicationId: request.merchantBizId });
  const ref: ImageRef = { ...blob, parameter: image.parameter };
  const input: DocOcrWorkflowInput = {
    requestId: options.requestId ?? randomUUID().toUpperCase(),
    params: requestParams(request, stack.hashUserId),
    image: ref,
    ocrTaskQueue: stack.ocrTaskQueue,
    ...(options.provider === 'aliyun' ? { provider: 'aliyun' as const } : {}),
  };
  const started = await startOrFind(stack, 'docOcr', {
    workflowId,
    args: [input],
    reusePolicy: 'REJECT_DUPLICATE',
    searchAttributes: [
      { key: SA.kind, value: 'docOcr' },
      { key: SA.docType, value: input.params.docType },
      { key: SA.userHash, value: input.params.merchantUserHash },
      ...(input.params.sceneCode ? [{ key: SA.sceneCode, value: input.params.sceneCode }] : []),
    ],
  });
  const result = (await stack.client.workflow.getHandle(workflowId).result()) as DocOcrWorkflowResult;
  return { ...started, result };
}

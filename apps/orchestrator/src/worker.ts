import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { dococrPlugin, type DocOcrActivityDeps } from '@dococr/temporal-activities';
import type { OrchestratorConfig } from './config.js';

/** The workflows module: compiled JavaScript when built, TypeScript sources under the test runner. */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
}

export interface CreateWorkerOptions {
  config: OrchestratorConfig;
  connection: NativeConnection;
  deps: DocOcrActivityDeps;
  dataConverter?: DataConverter;
  /** Override the task queue (tests use a unique one). */
  taskQueue?: string;
  /** A worker for activities only (the OCR queue): no workflows are bundled. */
  activitiesOnly?: boolean;
  extra?: Partial<WorkerOptions>;
}

/** A worker for dococr's workflows and steps on one task queue. */
export async function createDococrWorker(options: CreateWorkerOptions): Promise<Worker> {
  const plugin = dococrPlugin({
    ...options.deps,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
  if (options.activitiesOnly) {
    return Worker.create({
      connection: options.connection,
      namespace: options.config.temporalNamespace,
      taskQueue: options.taskQueue ?? options.config.ocrTaskQueue,
      maxConcurrentActivityTaskExecutions: options.config.maxConcurrentOcrActivities,
      plugins: [plugin],
      ...options.extra,
    });
  }
  return Worker.create({
    connection: options.connection,
    namespace: options.config.temporalNamespace,
    taskQueue: options.taskQueue ?? options.config.taskQueue,
    workflowsPath: workflowsPath(),
    maxConcurrentActivityTaskExecutions: options.config.maxConcurrentActivities,
    bundlerOptions: {
      // NodeNext sources import './x.js'; let webpack find the .ts file behind it when running from sources.
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
      }),
    },
    plugins: [
      dococrPlugin({ ...options.deps, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}) }),
    ],
    ...options.extra,
  });
}

export { NativeConnection };

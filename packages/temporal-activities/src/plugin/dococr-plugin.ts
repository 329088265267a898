import type { DataConverter } from '@temporalio/common';
import { SimplePlugin } from '@temporalio/plugin';
import { createDocOcrActivities, type DocOcrActivityDeps } from '../activities/create-activities.js';

export interface DococrPluginOptions extends DocOcrActivityDeps {
  /** The data converter with dococr's payload codec; the same one must be given to clients. */
  dataConverter?: DataConverter;
}

/**
 * Adds dococr's steps to a worker (and its data converter to a client) in one line:
 *
 * ```ts
 * const worker = await Worker.create({ connection, taskQueue, workflowsPath, plugins: [dococrPlugin(deps)] });
 * ```
 */
export function dococrPlugin(options: DococrPluginOptions): SimplePlugin {
  const { dataConverter, ...deps } = options;
  return new SimplePlugin({
    name: 'dococr',
    activities: createDocOcrActivities(deps),
    ...(dataConverter ? { dataConverter } : {}),
  });
}

import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';

let installed = false;

/**
 * Routes the SDK's and Temporal Core's logs, and the `log` of workflows and activities (which carry
 * `workflowId`, `runId` and the activity or workflow type), into pino. Once per process.
 */
export function installRuntimeLogging(logger: Logger): void {
  if (installed) return;
  installed = true;
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  // An activities-only worker (the OCR queue) is normal here, not a warning.
  const expected = new Set(['No workflows registered, not polling for workflow tasks']);
  const forward = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (expected.has(message)) level = 'DEBUG';
    const {
      activityType,
      workflowType,
      workflowRunId,
      taskToken: _taskToken,
      ...rest
    } = (meta ?? {}) as Record<string, unknown>;
    const step = rest.step ?? activityType ?? workflowType;
    const runId = rest.runId ?? workflowRunId;
    logger[levels[level]]({ ...rest, ...(runId ? { runId } : {}), ...(step ? { step } : {}) }, message);
  };
  Runtime.install({
    logger: {
      log: forward,
      trace: (m, meta) => forward('TRACE', m, meta),
      debug: (m, meta) => forward('DEBUG', m, meta),
      info: (m, meta) => forward('INFO', m, meta),
      warn: (m, meta) => forward('WARN', m, meta),
      error: (m, meta) => forward('ERROR', m, meta),
    },
    telemetryOptions: { logging: { forward: {}, filter: 'WARN' } },
  });
}

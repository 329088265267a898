import { openStack, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/** Waits for SIGINT or SIGTERM once. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** One worker against TEMPORAL_ADDRESS (or the embedded server); stops cleanly on SIGINT/SIGTERM. */
export async function workerCommand(ctx: CliContext): Promise<number> {
  const { stack } = await openStack(ctx, { runWorker: true });
  ctx.stdout.write(`dococr worker polling task queue ${stack.taskQueue} on ${stack.address} (Ctrl-C stops it)\n`);
  const signal = await untilSignal();
  ctx.stderr.write(`\n${signal}: finishing running steps and stopping the worker...\n`);
  await stack.shutdown();
  return ExitCode.Ok;
}

/** The local stack in one command: the embedded Temporal dev server with its Web UI and a worker. */
export async function devCommand(ctx: CliContext): Promise<number> {
  const { stack, config } = await openStack(ctx, { ui: true, runWorker: true });
  const lines = [
    'dococr dev is running (Ctrl-C stops everything)',
    `  Temporal        ${stack.address} (namespace ${stack.namespace})`,
    `  Temporal Web UI ${stack.uiUrl ?? '(served by the server at TEMPORAL_ADDRESS)'}`,
    `  Worker          task queue ${stack.taskQueue}`,
    `  Data folder     ${config.dataDir}`,
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  const signal = await untilSignal();
  ctx.stderr.write(`\n${signal}: stopping the worker and the dev server...\n`);
  await stack.shutdown();
  return ExitCode.Ok;
}

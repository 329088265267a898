import { randomBytes } from 'node:crypto';
import { openStack, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/** Waits for SIGINT or SIGTERM once. */
export function untilSignal(): Promise<NodeJS.Signals> {
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

/**
 * The local stack in one command: the embedded Temporal dev server with its Web UI, the workers, the gateway and
 * the codec endpoint the Web UI decrypts payloads through.
 */
export async function devCommand(ctx: CliContext, flags: { port?: string; host?: string } = {}): Promise<number> {
  const { ensureDevAccessKeys, startGatewayOn } = await import('./gateway.js');
  const { orchestratorConfigFromEnv } = await import('@dococr/orchestrator');
  const dataDir = orchestratorConfigFromEnv(ctx.env).dataDir;
  const env: Record<string, string | undefined> = {
    ...ctx.env,
    ...(flags.port ? { DOCOCR_GATEWAY_PORT: flags.port } : {}),
    ...(flags.host ? { DOCOCR_GATEWAY_HOST: flags.host } : {}),
  };
  let keys: ReturnType<typeof ensureDevAccessKeys> | undefined;
  if (!env.DOCOCR_ACCESS_KEYS && !env.DOCOCR_ACCESS_KEYS_FILE) {
    keys = ensureDevAccessKeys(dataDir);
    env.DOCOCR_ACCESS_KEYS_FILE = keys.file;
  }
  // The dev server's Web UI cannot send credentials to a codec endpoint, so it gets a capability URL: a random
  // token in the path, known only to this process and the UI. Every decryption is audited per application.
  const activities = await import('@dococr/temporal-activities');
  const uiPort = orchestratorConfigFromEnv(ctx.env).devServerUiPort;
  let codecServer: Awaited<ReturnType<typeof activities.startCodecServer>> | undefined;
  const { stack, config, services } = await openStack(ctx, {
    ui: true,
    runWorker: true,
    codecEndpointFor: async (s) => {
      const token = randomBytes(18).toString('base64url');
      codecServer = await activities.startCodecServer({
        codec: s.codec,
        authorize: activities.pathTokenAuthorizer(token),
        allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
        onAccess: activities.auditCodecAccess({ auditStore: s.audit, actorOf: () => 'operator:dococr-dev' }),
      });
      return `${codecServer.url}/${token}`;
    },
  });
  let gateway;
  try {
    gateway = await startGatewayOn(ctx, stack, { env, codec: services.codec });
  } catch (err) {
    await stack.shutdown();
    throw err;
  }
  const lines = [
    'dococr dev is running (Ctrl-C stops everything)',
    `  Temporal         ${stack.address} (namespace ${stack.namespace})`,
    `  Temporal Web UI  ${stack.uiUrl ?? '(served by the server at TEMPORAL_ADDRESS)'}`,
    `  Gateway          ${gateway.url}  (DocOcrV2 wire protocol; point an Alibaba SDK at it)`,
    `  Codec endpoint   ${codecServer?.url ?? '-'}/<token>  (the Web UI decrypts payloads through it; each read is audited)`,
    `                   ${gateway.url}/codec  (for the Temporal CLI: --codec-endpoint with a bearer token)`,
    `  Access key       ${keys ? `${keys.accessKeyId} (secret in ${keys.file}${keys.created ? ', created now' : ''})` : 'from DOCOCR_ACCESS_KEYS / DOCOCR_ACCESS_KEYS_FILE'}`,
    `  Workers          task queues ${stack.taskQueue}, ${stack.ocrTaskQueue}`,
    `  Data folder      ${config.dataDir}`,
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  const signal = await untilSignal();
  ctx.stderr.write(`\n${signal}: stopping the gateway, the workers and the dev server...\n`);
  await gateway.close();
  await stack.shutdown();
  await codecServer?.close();
  return ExitCode.Ok;
}

import type * as Orchestrator from '@dococr/orchestrator';
import type { OrchestratorConfig, Stack } from '@dococr/orchestrator';
import { effectiveEnv, readFileConfig } from './cli-config.js';

export interface CliContext {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  verbose: boolean;
  /** Web UI base when the server was started elsewhere (by `dococr dev`). */
  uiBaseHint?: string | undefined;
}

export function createContext(options: { verbose?: boolean } = {}): CliContext {
  const cwd = process.cwd();
  const env = effectiveEnv(process.env, readFileConfig(cwd));
  const uiPort = env.DOCOCR_TEMPORAL_UI_PORT ?? '8233';
  return {
    env,
    cwd,
    stdout: process.stdout,
    stderr: process.stderr,
    verbose: options.verbose ?? false,
    uiBaseHint: env.TEMPORAL_ADDRESS ? env.DOCOCR_TEMPORAL_UI_URL : `http://127.0.0.1:${uiPort}`,
  };
}

/** Loads the orchestrator lazily (Temporal's native bridge is heavy) and starts the stack for one command. */
export async function openStack(
  ctx: CliContext,
  options: {
    ui?: boolean;
    runWorker?: boolean;
    /** Starts whatever serves the Web UI's codec endpoint and returns its URL, before the dev server starts. */
    codecEndpointFor?: (services: Orchestrator.LocalServices) => Promise<string>;
  },
): Promise<{
  orchestrator: typeof Orchestrator;
  stack: Stack;
  config: OrchestratorConfig;
  services: Orchestrator.LocalServices;
}> {
  const orchestrator = await import('@dococr/orchestrator');
  const config = orchestrator.orchestratorConfigFromEnv(ctx.env, ctx.verbose ? { logLevel: 'debug' } : {});
  const logger = orchestrator.createLogger({
    level: ctx.verbose ? 'debug' : config.logLevel === 'info' ? 'warn' : config.logLevel,
  });
  const services = orchestrator.openLocalServices(config, logger);
  const codecEndpoint = options.codecEndpointFor ? await options.codecEndpointFor(services) : undefined;
  const stack = await orchestrator.startStack({
    config,
    logger,
    blobs: services.blobs,
    audit: services.audit,
    keyStore: services.keyStore,
    hashUserId: services.hashUserId,
    dataConverter: services.dataConverter,
    ui: options.ui ?? false,
    // Against a real cluster (TEMPORAL_ADDRESS) the deployed `dococr worker` processes do the work.
    runWorker: options.runWorker ?? !config.temporalAddress,
    ...(codecEndpoint ? { codecEndpoint } : {}),
    pathEnv: ctx.env.PATH,
  });
  return { orchestrator, stack, config, services };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PayloadCodec, RunningGateway } from '@dococr/gateway';
import type { Stack } from '@dococr/orchestrator';
import type { CliContext } from '../context.js';

/**
 * The access keys of `dococr dev` when none are configured: one pair created on first run in the data folder
 * (owner-only), so an SDK on this machine can sign requests at once.
 */
export function ensureDevAccessKeys(dataDir: string): { file: string; accessKeyId: string; created: boolean } {
  const file = path.join(dataDir, 'keys', 'gateway-access-keys');
  if (existsSync(file)) {
    const first = readFileSync(file, 'utf8').split(/[\n,]/)[0] ?? '';
    return { file, accessKeyId: first.split(':')[0] ?? '', created: false };
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const accessKeyId = `LTAIdococr${randomBytes(6).toString('hex')}`;
  writeFileSync(file, `${accessKeyId}:${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  return { file, accessKeyId, created: true };
}

/**
 * Serves the DocOcrV2 wire protocol over HTTP; each call runs the docOcr workflow through the stack. The image is
 * written to the blob store first, so only its reference enters workflow history.
 */
export async function startGatewayOn(
  ctx: CliContext,
  stack: Stack,
  options: { codec?: PayloadCodec; env?: Record<string, string | undefined> },
): Promise<RunningGateway> {
  const gateway = await import('@dococr/gateway');
  const core = await import('@dococr/core');
  const orchestrator = await import('@dococr/orchestrator');
  const env = options.env ?? ctx.env;
  const config = gateway.gatewayConfigFromEnv(env);
  const logger = orchestrator.createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    name: 'dococr-gateway',
  });
  return gateway.startGateway({
    config,
    logger,
    ...(options.codec ? { codec: options.codec } : {}),
    ready: async () => {
      try {
        await stack.client.workflowService.getSystemInfo({});
        return true;
      } catch {
        return false;
      }
    },
    runDocOcr: async (request, call) => {
      const run = await orchestrator.executeDocOcr(
        stack,
        request,
        {
          bytes: call.image.bytes,
          mediaType: call.image.contentType ?? 'application/octet-stream',
          parameter: call.image.parameter,
        },
        { requestId: call.requestId },
      );
      if (run.result.httpStatus !== 200) throw core.docOcrErrorFromWire(run.result.httpStatus, run.result.body);
      const { recordPiiAccess } = await import('../pii-access.js');
      await recordPiiAccess(stack.audit, {
        applicationId: request.merchantBizId,
        actor: `access-key:${call.accessKeyId}`,
        via: 'gateway',
        reason: `DocOcrV2 response ${call.requestId} returned to the calling access key`,
        what: ['ExtIdInfo'],
      });
      return core.parseDocOcrV2Response(run.result.body);
    },
  });
}

/** `dococr gateway`: the gateway alone, against TEMPORAL_ADDRESS (or the embedded server), until SIGINT/SIGTERM. */
export async function gatewayCommand(ctx: CliContext, flags: { port?: string; host?: string }): Promise<number> {
  const { openStack } = await import('../context.js');
  const { untilSignal } = await import('./dev.js');
  const env = {
    ...ctx.env,
    ...(flags.port ? { DOCOCR_GATEWAY_PORT: flags.port } : {}),
    ...(flags.host ? { DOCOCR_GATEWAY_HOST: flags.host } : {}),
  };
  const { stack, services } = await openStack(ctx, {});
  const running = await startGatewayOn(ctx, stack, { env, codec: services.codec });
  ctx.stdout.write(`dococr gateway listening on ${running.url} (Temporal ${stack.address}; Ctrl-C stops it)\n`);
  const signal = await untilSignal();
  ctx.stderr.write(`\n${signal}: stopping the gateway...\n`);
  await running.close();
  await stack.shutdown();
  return 0;
}

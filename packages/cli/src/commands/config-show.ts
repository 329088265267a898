import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

const SECRET = /SECRET|KEYS$|TOKEN|PASSWORD/i;

/** `dococr config show`: the effective configuration, secrets masked. */
export async function configShow(ctx: CliContext, flags: { json?: boolean }): Promise<number> {
  const orchestrator = await import('@dococr/orchestrator');
  const config = orchestrator.orchestratorConfigFromEnv(ctx.env);
  const gatewayEnv = Object.fromEntries(
    Object.entries(ctx.env)
      .filter(([k]) => k.startsWith('DOCOCR_') || k.startsWith('TEMPORAL_') || k.startsWith('ALIBABA_CLOUD_'))
      .map(([k, v]) => [k, v && SECRET.test(k) ? '****' : v]),
  );
  const effective = { orchestrator: config, environment: gatewayEnv };
  if (flags.json) ctx.stdout.write(`${JSON.stringify(effective, null, 2)}\n`);
  else {
    for (const [k, v] of Object.entries(config)) ctx.stdout.write(`${k.padEnd(28)} ${String(v ?? '(unset)')}\n`);
    for (const [k, v] of Object.entries(gatewayEnv)) ctx.stdout.write(`${k.padEnd(28)} ${String(v)}\n`);
  }
  return ExitCode.Ok;
}

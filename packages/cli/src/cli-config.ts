import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CliError, ExitCode } from './exit-codes.js';

/**
 * The optional `dococr.config.json` in the working directory. Precedence: flags, then environment variables,
 * then this file, then defaults.
 */
export const fileConfigSchema = z
  .object({
    dataDir: z.string().optional(),
    temporalAddress: z.string().optional(),
    temporalNamespace: z.string().optional(),
    taskQueue: z.string().optional(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
    gatewayPort: z.number().int().optional(),
    gatewayHost: z.string().optional(),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;

export function readFileConfig(cwd: string): FileConfig {
  const file = path.join(cwd, 'dococr.config.json');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`dococr.config.json is not valid JSON: ${(err as Error).message}`, ExitCode.Usage);
  }
  const parsed = fileConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`dococr.config.json: ${issue?.path.join('.') || 'root'}: ${issue?.message}`, ExitCode.Usage);
  }
  return parsed.data;
}

/** The environment with the config file's values filled in where the environment says nothing. */
export function effectiveEnv(env: NodeJS.ProcessEnv, file: FileConfig): Record<string, string | undefined> {
  const fromFile: Record<string, string | undefined> = {
    DOCOCR_DATA_DIR: file.dataDir,
    TEMPORAL_ADDRESS: file.temporalAddress,
    TEMPORAL_NAMESPACE: file.temporalNamespace,
    DOCOCR_TASK_QUEUE: file.taskQueue,
    DOCOCR_LOG_LEVEL: file.logLevel,
    DOCOCR_GATEWAY_PORT: file.gatewayPort?.toString(),
    DOCOCR_GATEWAY_HOST: file.gatewayHost,
  };
  const out: Record<string, string | undefined> = { ...env };
  for (const [k, v] of Object.entries(fromFile)) if (out[k] === undefined && v !== undefined) out[k] = v;
  return out;
}

import path from 'node:path';
import { z } from 'zod';

/**
 * The orchestrator's configuration, read once from the environment at start and passed down.
 * No other module reads `process.env`.
 */
export const orchestratorConfigSchema = z.object({
  /** Where keys, blobs, the audit database and the dev server's SQLite file live. */
  dataDir: z.string().min(1).default('./.dococr'),
  /** Set: connect to this Temporal server and start nothing. Unset: start or reuse the embedded dev server. */
  temporalAddress: z.string().min(1).optional(),
  temporalNamespace: z.string().min(1).default('default'),
  /** Explicit Temporal CLI binary; see `resolveTemporalBinary` for the search order. */
  temporalCliPath: z.string().min(1).optional(),
  /** gRPC port of the embedded dev server. */
  devServerPort: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Web UI port of the embedded dev server. */
  devServerUiPort: z.coerce.number().int().min(1).max(65535).default(8233),
  /** Task queue of the light steps (load, checks, audit). */
  taskQueue: z.string().min(1).default('dococr'),
  /** Task queue of the heavy OCR steps, so their worker pool can be scaled apart. */
  ocrTaskQueue: z.string().min(1).default('dococr-ocr'),
  maxConcurrentActivities: z.coerce.number().int().min(1).default(4),
  maxConcurrentOcrActivities: z.coerce.number().int().min(1).default(1),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** The remote provider (`--provider aliyun`): Alibaba Cloud's DocOcrV2 with these credentials. */
  aliyun: z
    .object({
      /** `host[:port]` or a URL; default the public Hong Kong endpoint. */
      endpoint: z.string().min(1).optional(),
      protocol: z.enum(['https', 'http']).default('https'),
      accessKeyId: z.string().min(1).optional(),
      accessKeySecret: z.string().min(1).optional(),
      securityToken: z.string().min(1).optional(),
    })
    .prefault({}),
});

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;

const emptyToUndefined = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/** Builds the configuration from an environment object (normally `process.env`, passed in by the entry point). */
export function orchestratorConfigFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<OrchestratorConfig> = {},
): OrchestratorConfig {
  const parsed = orchestratorConfigSchema.parse({
    dataDir: emptyToUndefined(env.DOCOCR_DATA_DIR),
    temporalAddress: emptyToUndefined(env.TEMPORAL_ADDRESS),
    temporalNamespace: emptyToUndefined(env.TEMPORAL_NAMESPACE),
    temporalCliPath: emptyToUndefined(env.TEMPORAL_CLI_PATH),
    devServerPort: emptyToUndefined(env.DOCOCR_TEMPORAL_PORT),
    devServerUiPort: emptyToUndefined(env.DOCOCR_TEMPORAL_UI_PORT),
    taskQueue: emptyToUndefined(env.DOCOCR_TASK_QUEUE),
    ocrTaskQueue: emptyToUndefined(env.DOCOCR_OCR_TASK_QUEUE),
    maxConcurrentActivities: emptyToUndefined(env.DOCOCR_MAX_CONCURRENT_ACTIVITIES),
    maxConcurrentOcrActivities: emptyToUndefined(env.DOCOCR_MAX_CONCURRENT_OCR),
    logLevel: emptyToUndefined(env.DOCOCR_LOG_LEVEL ?? env.LOG_LEVEL),
    aliyun: {
      endpoint: emptyToUndefined(env.DOCOCR_ALIYUN_ENDPOINT),
      protocol: emptyToUndefined(env.DOCOCR_ALIYUN_PROTOCOL),
      accessKeyId: emptyToUndefined(env.ALIBABA_CLOUD_ACCESS_KEY_ID),
      accessKeySecret: emptyToUndefined(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET),
      securityToken: emptyToUndefined(env.ALIBABA_CLOUD_SECURITY_TOKEN),
    },
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  });
  return { ...parsed, dataDir: path.resolve(parsed.dataDir) };
}

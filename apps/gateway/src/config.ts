import { readFileSync } from 'node:fs';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().min(1);

/**
 * Access keys as `id:secret` pairs separated by commas or new lines; blank lines and `#` comments are skipped.
 * The secret is everything after the first colon.
 *
 * @example parseAccessKeys('LTAI5tKey1:secret1,LTAI5tKey2:secret2')
 */
export function parseAccessKeys(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const raw of text.split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon).trim() : '';
    const secret = colon > 0 ? entry.slice(colon + 1).trim() : '';
    // The message shows the id at most: the entry itself holds a secret.
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) throw new Error('access keys: every entry must be <id>:<secret>');
    if (secret === '') throw new Error(`access keys: the secret of ${id} is empty`);
    if (Object.hasOwn(keys, id)) throw new Error(`access keys: ${id} is listed twice`);
    keys[id] = secret;
  }
  return keys;
}

/** Comma-separated list, blanks removed. */
const csv = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : v,
  z.array(z.string()),
);

/** The gateway's configuration; every field has its default here, so a test can pass only what it changes. */
export const gatewayConfigSchema = z.object({
  /** Listening address. Default 127.0.0.1 (local only). */
  host: z.string().min(1).default('127.0.0.1'),
  /** Listening port. Default 8080; 0 picks a free one. */
  port: port.default(8080),
  /** Access key id -> secret. At least one. */
  accessKeys: z
    .record(z.string().min(1), z.string().min(1))
    .refine(
      (keys) => Object.keys(keys).length > 0,
      'no access keys: set DOCOCR_ACCESS_KEYS or DOCOCR_ACCESS_KEYS_FILE',
    ),
  /** Largest request body (the spec's 10 MB transfer limit). */
  bodyLimitBytes: positiveInt.default(10 * 1024 * 1024),
  /** Largest accepted distance between x-acs-date and the gateway's clock. Default 15 minutes. */
  maxClockSkewMs: positiveInt.default(15 * 60 * 1000),
  /** Per access key: sustained requests per second, and how many may come at once after a quiet spell. */
  rateLimit: z.object({ qps: z.coerce.number().positive().default(10), burst: positiveInt.default(20) }).prefault({}),
  /** Requests worked on at once, how many more may wait, and for how long, before ServiceUnavailable. */
  concurrency: z
    .object({
      maxConcurrent: positiveInt.default(8),
      maxQueued: z.coerce.number().int().min(0).default(64),
      queueTimeoutMs: positiveInt.default(30_000),
    })
    .prefault({}),
  /** Downloading IdOcrPictureUrl. */
  urlFetch: z
    .object({
      /** Host names reachable even when they resolve to refused addresses. Default none. */
      allowHosts: csv.default([]),
      /** Address ranges reachable even though refused by default. Default none. */
      allowCidrs: csv.default([]),
      connectTimeoutMs: positiveInt.default(3_000),
      totalTimeoutMs: positiveInt.default(10_000),
      maxRedirects: z.coerce.number().int().min(0).max(10).default(3),
    })
    .prefault({}),
  /** `HostId` of error bodies. Default: Alibaba's public endpoint name, the value SDK users know. */
  hostId: z.string().min(1).optional(),
  /** Browser origins allowed to call the codec endpoint (the Temporal Web UI). */
  codecCorsOrigins: csv.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  /** Where the docOcr workflows run. */
  temporal: z
    .object({
      address: z.string().min(1).default('localhost:7233'),
      namespace: z.string().min(1).default('default'),
      taskQueue: z.string().min(1).default('dococr'),
    })
    .prefault({}),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

const unset = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/**
 * Reads the configuration from an environment object (the entry point passes `process.env`). Access keys come from
 * `DOCOCR_ACCESS_KEYS` and the file named by `DOCOCR_ACCESS_KEYS_FILE` (both may be set; an id may appear once).
 */
export function gatewayConfigFromEnv(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): GatewayConfig {
  const fromEnv = parseAccessKeys(env.DOCOCR_ACCESS_KEYS ?? '');
  const file = unset(env.DOCOCR_ACCESS_KEYS_FILE);
  const fromFile = file === undefined ? {} : parseAccessKeys(readFile(file));
  for (const id of Object.keys(fromFile)) {
    if (Object.hasOwn(fromEnv, id)) throw new Error(`access keys: ${id} is in both DOCOCR_ACCESS_KEYS and the file`);
  }
  const parsed = gatewayConfigSchema.safeParse({
    host: unset(env.DOCOCR_GATEWAY_HOST),
    port: unset(env.DOCOCR_GATEWAY_PORT),
    accessKeys: { ...fromEnv, ...fromFile },
    bodyLimitBytes: unset(env.DOCOCR_GATEWAY_BODY_LIMIT_BYTES),
    rateLimit: { qps: unset(env.DOCOCR_GATEWAY_QPS), burst: unset(env.DOCOCR_GATEWAY_BURST) },
    concurrency: {
      maxConcurrent: unset(env.DOCOCR_GATEWAY_MAX_CONCURRENT),
      maxQueued: unset(env.DOCOCR_GATEWAY_MAX_QUEUED),
      queueTimeoutMs: unset(env.DOCOCR_GATEWAY_QUEUE_TIMEOUT_MS),
    },
    urlFetch: {
      allowHosts: unset(env.DOCOCR_URL_ALLOW_HOSTS),
      allowCidrs: unset(env.DOCOCR_URL_ALLOW_CIDRS),
      connectTimeoutMs: unset(env.DOCOCR_URL_CONNECT_TIMEOUT_MS),
      totalTimeoutMs: unset(env.DOCOCR_URL_TIMEOUT_MS),
    },
    hostId: unset(env.DOCOCR_GATEWAY_HOST_ID),
    codecCorsOrigins: unset(env.DOCOCR_CODEC_CORS_ORIGINS),
    temporal: {
      address: unset(env.TEMPORAL_ADDRESS),
      namespace: unset(env.TEMPORAL_NAMESPACE),
      taskQueue: unset(env.DOCOCR_TASK_QUEUE),
    },
    logLevel: unset(env.DOCOCR_LOG_LEVEL ?? env.LOG_LEVEL),
  });
  if (!parsed.success) throw new Error(`gateway configuration: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

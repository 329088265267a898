import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { orchestratorConfigFromEnv, type OrchestratorConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openLocalServices, type LocalServices } from '../src/local-services.js';
import { sharedLocalEngine, startStack, type Stack, type StackOptions } from '../src/stack.js';
import { freePort, tempDir } from './helpers.js';

/** The repository's generated specimens (ground truth in samples/manifest.jsonl). */
export const SAMPLES_DIR = fileURLToPath(new URL('../../../samples/', import.meta.url));

export interface SampleEntry {
  image: string;
  docType: string;
  cardSide: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM';
  groundTruth: { ocrIdInfo: Record<string, string> };
}

export function sampleEntry(image: string): SampleEntry {
  const entry = readFileSync(`${SAMPLES_DIR}manifest.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SampleEntry)
    .find((e) => e.image === image);
  if (!entry) throw new Error(`no sample ${image}`);
  return entry;
}

/** A sample as a document upload: bytes, media type, DocType and side from the manifest. */
export function sample(image: string) {
  const entry = sampleEntry(image);
  return {
    bytes: readFileSync(`${SAMPLES_DIR}${image}`),
    mediaType: image.endsWith('.png') ? 'image/png' : 'image/jpeg',
    docType: entry.docType,
    cardSide: entry.cardSide,
  };
}

export interface TestStack {
  stack: Stack;
  services: LocalServices;
  config: OrchestratorConfig;
}

/**
 * A dev server in a fresh data folder with unique task queues, and (unless told otherwise) a worker in-process.
 * `plainPayloads` leaves the codec out, for histories that must replay without this data folder's keys.
 */
export async function startTestStack(
  name: string,
  { plainPayloads = false, ...options }: Partial<StackOptions> & { plainPayloads?: boolean } = {},
): Promise<TestStack> {
  const config = orchestratorConfigFromEnv(
    {},
    { dataDir: tempDir(name), devServerPort: await freePort(), devServerUiPort: await freePort() },
  );
  const services = openLocalServices(config);
  const suffix = randomBytes(4).toString('hex');
  const stack = await startStack({
    config,
    logger: createLogger({ level: 'warn', pretty: false }),
    blobs: services.blobs,
    audit: services.audit,
    hashUserId: services.hashUserId,
    ...(plainPayloads ? {} : { dataConverter: services.dataConverter }),
    taskQueue: `${name}-${suffix}`,
    ocrTaskQueue: `${name}-ocr-${suffix}`,
    ...options,
  });
  return { stack, services, config };
}

/** A fresh id of letters and digits. */
export const newId = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

/**
 * The local engine behind a switch, injected through startStack's `recogniser` option: applications (MerchantBizId,
 * i.e. kyc application or batch id) in `failOnce` get one retryable provider error, those in `failAlways` a
 * non-retryable one on every attempt.
 */
export function faultyRecogniser() {
  const failOnce = new Set<string>();
  const failAlways = new Set<string>();
  const recogniser: NonNullable<StackOptions['recogniser']> = async () => {
    const engine = await sharedLocalEngine();
    return {
      analyze: async (request, options) => {
        if (failOnce.delete(request.merchantBizId)) {
          throw Object.assign(new Error('the provider is busy'), { code: 'Throttling.User', retryable: true });
        }
        if (failAlways.has(request.merchantBizId)) {
          throw Object.assign(new Error('the provider cannot read it'), { code: 'ProviderError', retryable: false });
        }
        return engine.analyze(request, options);
      },
    };
  };
  return { recogniser, failOnce, failAlways };
}

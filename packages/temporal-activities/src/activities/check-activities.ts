import { Context, log } from '@temporalio/activity';
import {
  assessQuality,
  decodeImage,
  detectSpoof,
  scoreFace,
  type Point,
  type QualityMode,
  type Quad,
  type RgbImage,
} from '@dococr/engine';
import type { AuditStore, JsonObject } from '../audit/index.js';
import { digestOf } from '../audit/index.js';
import type { ImageReader, ImageRef } from './activity-types.js';
import { auditedStep } from './audited-step.js';
import { LOCAL_ENGINE_VERSION, type RecognitionResult } from './recognise-activities.js';

/** The longest side photos are analysed at; the same as recognition, so the card corners it found still apply. */
const ANALYSIS_MAX_SIDE = 1600;

export interface CheckInput {
  applicationId: string;
  image: ImageRef;
  docType: string;
  /** Where recognition found the card (in the analysed image) and how much of the photo it covers. */
  card: RecognitionResult['card'];
}

export interface QualityResult {
  passed: boolean;
  mode: string;
  failures: Array<{ check: string; value: number; threshold: number }>;
}

export interface SpoofCheckResult {
  detected: Array<'SCREEN_REMARK' | 'PHOTO_COPY' | 'TAMPER' | 'SHORTCUT'>;
  scores: Record<string, { score: number; threshold: number; detected: boolean }>;
}

export interface FaceResult {
  score: number;
  faceFound: boolean;
}

export interface CheckActivityDeps {
  blobs: ImageReader;
  audit: AuditStore;
}

function quadOf(corners: Array<[number, number]>): Quad {
  return corners.map(([x, y]) => ({ x, y }) as Point) as Quad;
}

async function load(deps: CheckActivityDeps, image: ImageRef): Promise<{ bytes: Uint8Array; rgb: RgbImage }> {
  const bytes = await deps.blobs.get(image);
  const rgb = await decodeImage({ bytes }, { maxSide: ANALYSIS_MAX_SIDE });
  return { bytes, rgb };
}

/** Round measurements for the audit record: the trail should say what was measured, not carry float noise. */
function rounded(values: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'number') out[k] = Math.round(v * 1e4) / 1e4;
    else if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function createCheckActivities(deps: CheckActivityDeps) {
  return {
    /** The IdThreshold quality check (SubCode 211): measurements and the mode's thresholds go to the audit trail. */
    async assessQuality(input: CheckInput & { mode: '0' | '1' | '2' }): Promise<QualityResult> {
      return auditedStep(
        {
          audit: deps.audit,
          applicationId: input.applicationId,
          step: 'assessQuality',
          inputDigest: input.image.sha256,
          engineVersion: LOCAL_ENGINE_VERSION,
        },
        async () => {
          const { bytes, rgb } = await load(deps, input.image);
          Context.current().heartbeat();
          const assessment = await assessQuality(
            {
              image: rgb,
              card: { corners: quadOf(input.card.corners), coverage: input.card.coverage },
              original: { bytes, mediaType: input.image.mediaType },
            },
            input.mode as QualityMode,
          );
          const result: QualityResult = {
            passed: assessment.passed,
            mode: assessment.mode,
            failures: assessment.failures.map((f) => ({ check: f.check, value: f.value, threshold: f.threshold })),
          };
          log.info('quality assessed', {
            step: 'assessQuality',
            passed: result.passed,
            failures: result.failures.length,
          });
          return {
            result,
            outcome: result.passed ? 'passed' : 'failed',
            reasons: result.failures.map((f) => `${f.check} ${f.value.toFixed(3)} against ${f.threshold}`),
            data: {
              mode: input.mode,
              measurements: rounded((assessment.measurements ?? {}) as Record<string, unknown>),
              thresholds: rounded((assessment.thresholds ?? {}) as Record<string, unknown>),
            },
            outputDigest: digestOf(result),
          };
        },
      );
    },

    /** Anti-spoofing (SubCode 212): one detector per spoof type, each with its score and threshold in the trail. */
    async detectSpoofing(input: CheckInput & { mrzConsistent?: boolean }): Promise<SpoofCheckResult> {
      return auditedStep(
        {
          audit: deps.audit,
          applicationId: input.applicationId,
          step: 'detectSpoofing',
          inputDigest: input.image.sha256,
          engineVersion: LOCAL_ENGINE_VERSION,
        },
        async () => {
          const { bytes, rgb } = await load(deps, input.image);
          Context.current().heartbeat();
          const { findings } = await detectSpoof({
            image: rgb,
            original: { bytes, mediaType: input.image.mediaType },
            card: { corners: quadOf(input.card.corners), coverage: input.card.coverage },
            docType: input.docType,
            ...(input.mrzConsistent !== undefined ? { mrzConsistent: input.mrzConsistent } : {}),
          });
          const result: SpoofCheckResult = {
            detected: findings.filter((f) => f.detected).map((f) => f.type),
            scores: Object.fromEntries(
              findings.map((f) => [f.type, { score: f.score, threshold: f.threshold, detected: f.detected }]),
            ),
          };
          log.info('spoofing checked', { step: 'detectSpoofing', detected: result.detected.length });
          return {
            result,
            outcome: result.detected.length ? 'failed' : 'passed',
            reasons: result.detected,
            data: Object.fromEntries(
              findings.map((f) => [
                f.type,
                {
                  ...rounded({ score: f.score, threshold: f.threshold }),
                  detected: f.detected,
                  evidence: rounded(f.evidence),
                },
              ]),
            ),
            outputDigest: digestOf(result),
          };
        },
      );
    },

    /** The face quality score (0..100) of the portrait; a card without a face scores low and says so. */
    async scoreFace(input: CheckInput): Promise<FaceResult> {
      return auditedStep(
        {
          audit: deps.audit,
          applicationId: input.applicationId,
          step: 'scoreFace',
          inputDigest: input.image.sha256,
          engineVersion: LOCAL_ENGINE_VERSION,
        },
        async () => {
          const { rgb } = await load(deps, input.image);
          Context.current().heartbeat();
          const face = await scoreFace({ image: rgb });
          const result: FaceResult = { score: Math.round(face.score * 100) / 100, faceFound: face.faceFound };
          log.info('face scored', { step: 'scoreFace', faceFound: result.faceFound });
          return {
            result,
            outcome: face.faceFound ? 'passed' : 'failed',
            reasons: face.faceFound ? [] : ['no face found in the portrait area'],
            data: {
              score: result.score,
              faceFound: result.faceFound,
              factors: rounded((face.factors ?? {}) as unknown as Record<string, unknown>),
            },
            outputDigest: digestOf(result),
          };
        },
      );
    },
  };
}

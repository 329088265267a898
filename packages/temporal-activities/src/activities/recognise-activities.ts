import { Context, log } from '@temporalio/activity';
import type { DocOcrV2Request } from '@dococr/core';
import type { DocOcrAnalysis, LocalDocOcrEngine } from '@dococr/engine';
import type { AuditStore } from '../audit/index.js';
import { digestOf, keyedDigestOf } from '../audit/index.js';
import type { KeyStore } from '../crypto/index.js';
import type { ImageReader, ImageRef } from './activity-types.js';
import { auditedStep } from './audited-step.js';

/** The version recorded in audit events of the local engine's steps. */
export const LOCAL_ENGINE_VERSION = 'dococr-engine/0.1.0 (PP-OCRv4 det+rec, onnxruntime-node 1.30)';

export interface RecogniseInput {
  applicationId: string;
  image: ImageRef;
  docType: string;
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM' | undefined;
  ocr: 'T' | 'F';
}

/**
 * What recognition returns to the workflow. `ocrIdInfo` holds the document's fields (PII): it travels only inside
 * encrypted payloads and never into logs or the audit log, which get digests and measurements.
 */
export interface RecognitionResult {
  docTypeMatched: boolean;
  docTypeReason?: string | undefined;
  ocrIdInfo?: Record<string, string> | undefined;
  card: { coverage: number; rotation: number; outlineFound: boolean; corners: Array<[number, number]> };
  /** Cross-checks of the read fields (MRZ check digits, ID-number checksums, VIZ against MRZ), by name. */
  checks: Array<{ name: string; ok: boolean }>;
  mrzCorrections: number;
  engineVersion: string;
}

/** The part of the engine recognition needs; `LocalDocOcrEngine` implements it. */
export type DocumentRecogniser = Pick<LocalDocOcrEngine, 'analyze'>;

export interface RecogniseActivityDeps {
  blobs: ImageReader;
  audit: AuditStore;
  /** Created lazily so that a worker without the OCR queue never loads models. */
  recogniser: () => Promise<DocumentRecogniser>;
  /**
   * Digests of read fields (names, ID numbers) are keyed with the application's data key: a plain SHA-256 of an ID
   * number could be brute-forced, and once the application is erased its digests can no longer be recomputed or
   * linked. Without a key store the digest is a plain SHA-256.
   */
  keyStore?: Pick<KeyStore, 'keyedDigest'>;
}

/** The digest of PII for the audit trail: keyed per application when a key store is given. */
export async function piiDigest(
  keyStore: Pick<KeyStore, 'keyedDigest'> | undefined,
  applicationId: string,
  value: unknown,
): Promise<string> {
  return keyStore ? keyedDigestOf(keyStore, applicationId, value) : digestOf(value);
}

function summarise(analysis: DocOcrAnalysis): RecognitionResult {
  const ext = JSON.parse(analysis.response.Result.ExtIdInfo || '{}') as { ocrIdInfo?: Record<string, string> };
  return {
    docTypeMatched: analysis.docTypeCheck.matches,
    docTypeReason: analysis.docTypeCheck.reason,
    ocrIdInfo: ext.ocrIdInfo,
    card: {
      coverage: analysis.card.coverage,
      rotation: analysis.card.rotation,
      outlineFound: analysis.card.outlineFound,
      corners: analysis.card.corners.map((p) => [p.x, p.y] as [number, number]),
    },
    checks: analysis.checks.map((c) => ({ name: c.name, ok: c.passed })),
    mrzCorrections: analysis.mrzCorrections.length,
    engineVersion: LOCAL_ENGINE_VERSION,
  };
}

export function createRecogniseActivities(deps: RecogniseActivityDeps) {
  return {
    /**
     * Finds the card, confirms the DocType (and side) and reads the fields with the local engine. Long-running:
     * heartbeats every few seconds and stops when the activity is cancelled.
     */
    async recogniseDocument(input: RecogniseInput): Promise<RecognitionResult> {
      return auditedStep(
        {
          audit: deps.audit,
          applicationId: input.applicationId,
          step: 'recogniseDocument',
          inputDigest: input.image.sha256,
          engineVersion: LOCAL_ENGINE_VERSION,
        },
        async () => {
          const ctx = Context.current();
          const beat = setInterval(() => ctx.heartbeat(), 5_000);
          try {
            ctx.heartbeat();
            const [bytes, recogniser] = await Promise.all([deps.blobs.get(input.image), deps.recogniser()]);
            const request = {
              productCode: 'ID_OCR_MIN',
              merchantBizId: input.applicationId,
              merchantUserId: 'activity',
              idOcrPictureFile: bytes,
              docType: input.docType,
              ocr: input.ocr,
              idFaceQuality: 'F',
              spoof: 'F',
              idThreshold: '3',
              ...(input.cardSide ? { cardSide: input.cardSide } : {}),
            } as DocOcrV2Request;
            const analysis = await recogniser.analyze(request, { signal: ctx.cancellationSignal });
            const result = summarise(analysis);
            log.info('document recognised', {
              step: 'recogniseDocument',
              docTypeMatched: result.docTypeMatched,
              fields: Object.keys(result.ocrIdInfo ?? {}).length,
              ms: analysis.timingsMs.total,
            });
            return {
              result,
              outcome: result.docTypeMatched ? 'passed' : 'failed',
              reasons: result.docTypeMatched ? [] : ['213', result.docTypeReason ?? 'document type not detected'],
              data: {
                card: result.card,
                docTypeScores: analysis.docTypeCheck.scores,
                checks: result.checks,
                mrzCorrections: result.mrzCorrections,
                fieldsRead: Object.entries(result.ocrIdInfo ?? {})
                  .filter(([, v]) => v !== '')
                  .map(([k]) => k),
                timingsMs: analysis.timingsMs,
              },
              outputDigest: await piiDigest(deps.keyStore, input.applicationId, result.ocrIdInfo ?? {}),
            };
          } finally {
            clearInterval(beat);
          }
        },
      );
    },
  };
}

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  CardSide,
  createDocOcrV2Response,
  decideSubCode,
  machineDataConsistent,
  DocType,
  effectiveChecks,
  IMAGE_REQUIREMENTS,
  ImageTooLargeError,
  InvalidParameterError,
  MissingParameterError,
  safeFetch,
  spoofInfoFromFindings,
  spoofInfoNotChecked,
  type DocOcrCallOptions,
  type DocOcrClient,
  type DocOcrV2Request,
  type DocOcrV2Response,
  type ExtIdInfo,
  type NotAppliedParameter,
} from '@dococr/core';
import { type Quad, type Rotation } from './card/card-outline.js';
import { findCard, type FoundCard } from './card/find-card.js';
import { confirmDocType, type DocTypeCheck } from './classify/classify-document.js';
import { decodeBase64Image, decodeImage, ImageRejectedError, inspectImage, type LoadedImage } from './image/index.js';
import { type DetectedBox, type RgbImage } from './ocr/ocr-types.js';
import { getPaddleOcr, type PaddleOcr } from './ocr/paddle-ocr.js';
import { readCardLines, type CardLine } from './read/card-lines.js';
import { type FieldCheck, type FieldReading, type MrzCorrection, type MrzReading } from './read/field-types.js';
import { readLines, toOcrIdInfo } from './read/read-fields.js';
import { scoreFace, type FaceScore } from './face/score-face.js';
import { assessQuality } from './quality/assess-quality.js';
import type { QualityAssessment, QualityMode } from './quality/quality-types.js';
import { detectSpoof } from './spoof/detect-spoof.js';
import type { SpoofResult } from './spoof/spoof-types.js';

/** A check the request asked for that this engine does not perform yet; it is left out of ExtIdInfo, not faked. */
export interface NotPerformedCheck {
  check: 'quality' | 'spoof' | 'faceQuality';
  parameter: 'IdThreshold' | 'Spoof' | 'IdFaceQuality';
  reason: string;
}

/** Everything the engine found on the way to its answer, for the audit trail. */
export interface DocOcrAnalysis {
  response: DocOcrV2Response;
  image: { mediaType: string; width: number; height: number; bytes: number; sha256: string };
  card: {
    corners: Quad;
    coverage: number;
    rotation: Rotation;
    outlineFound: boolean;
    orientationMargin: number;
    /** True when the card was read from the whole photo because the rectified card did not show the document. */
    wholeImageFallback: boolean;
  };
  docTypeCheck: Pick<DocTypeCheck, 'matches' | 'expected' | 'reason'> & {
    scores: Record<string, number>;
    best?: string;
  };
  fields: Record<string, FieldReading>;
  mrz?: MrzReading;
  mrzCorrections: MrzCorrection[];
  checks: FieldCheck[];
  /** The quality check's measurements and thresholds (IdThreshold), when it ran. */
  quality?: QualityAssessment;
  /** Every spoof detector's score, threshold and evidence (Spoof=T), when they ran. */
  spoof?: SpoofResult;
  face?: FaceScore;
  notPerformed: NotPerformedCheck[];
  notApplied: NotAppliedParameter[];
  timingsMs: { decode: number; findCard: number; read: number; total: number };
}

export interface LocalDocOcrEngineOptions {
  /** The OCR instance; the process-wide one by default. */
  ocr?: PaddleOcr;
  /** Photos are scaled down to this longest side before analysis. Default 1600. */
  maxAnalysisSide?: number;
  /** Hosts reachable for IdOcrPictureUrl even if they resolve to private addresses (tests). */
  allowUrlHosts?: readonly string[];
  /** Address ranges reachable for IdOcrPictureUrl (tests), e.g. ['127.0.0.1/32']. */
  allowUrlCidrs?: readonly string[];
}

/**
 * DocOcrV2 answered on this machine: find the card, confirm the document type, read the fields.
 * @example
 * const engine = new LocalDocOcrEngine();
 * const response = await engine.docOcrV2(request); // the exact wire body
 * const { card, fields, checks } = await engine.analyze(request); // with the evidence
 */
export class LocalDocOcrEngine implements DocOcrClient {
  constructor(private readonly options: LocalDocOcrEngineOptions = {}) {}

  async docOcrV2(request: DocOcrV2Request, options: DocOcrCallOptions = {}): Promise<DocOcrV2Response> {
    return (await this.analyze(request, options)).response;
  }

  async analyze(request: DocOcrV2Request, options: DocOcrCallOptions = {}): Promise<DocOcrAnalysis> {
    const started = performance.now();
    const bytes = await this.pictureBytes(request, options.signal);
    const loaded = await checkImage(bytes, pictureParameter(request));
    const rgb = await decodeImage(loaded, { maxSide: this.options.maxAnalysisSide ?? 1600 });
    const decoded = performance.now();
    options.signal?.throwIfAborted();

    const ocr = this.options.ocr ?? (await getPaddleOcr());
    const side = request.docType === DocType.ChineseResidentId ? (request.cardSide ?? CardSide.Face) : undefined;
    const format = request.docType === DocType.GlobalPassport ? 'td3' : 'id1';
    const card = await findCard(rgb, { format, ocr });
    const found = performance.now();
    options.signal?.throwIfAborted();

    let lines: CardLine[];
    let check: DocTypeCheck;
    if (format === 'td3') {
      // A passport is read from its MRZ and checked against the number at the top: the dozens of labels and
      // values between are read only when those lines do not settle the document type.
      const { near, rest } = splitPassportBoxes(card.textBoxes, card.image.height);
      lines = await readCardLines(ocr, card.image, near);
      check = confirmDocType(lines, request.docType, side);
      if (!check.matches && rest.length) {
        lines = [...lines, ...(await readCardLines(ocr, card.image, rest))].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
        check = confirmDocType(lines, request.docType, side);
      }
    } else {
      lines = await readCardLines(ocr, card.image, card.textBoxes);
      check = confirmDocType(lines, request.docType, side);
    }
    let read = check.matches ? readLines(request.docType, side, lines) : undefined;
    let wholeImageFallback = false;
    if (card.outlineFound && (!check.matches || (format === 'td3' && !read?.mrz?.valid))) {
      // The outline may have framed the wrong thing (a photo, a page of a booklet): read the whole photo instead.
      const whole = await readWholeImage(ocr, rgb);
      const wholeCheck = confirmDocType(whole, request.docType, side);
      const wholeRead = wholeCheck.matches ? readLines(request.docType, side, whole) : undefined;
      if (wholeCheck.matches && (!check.matches || mrzErrors(wholeRead?.mrz) < mrzErrors(read?.mrz))) {
        check = wholeCheck;
        read = wholeRead;
        wholeImageFallback = true;
      }
    }
    const readDone = performance.now();

    const effective = effectiveChecks(request);
    // Quality (211), spoofing (212) and the face score run only when asked, and only on the requested document:
    // nothing they could say is meaningful on the wrong one (213). Precedence everywhere: 213, then 211, then 212.
    const cardInput = { corners: card.corners, coverage: card.coverage, rectified: card.image };
    const original = { bytes, mediaType: loaded.mediaType };
    const quality =
      check.matches && effective.quality
        ? await assessQuality({ image: rgb, card: cardInput, original }, request.idThreshold as QualityMode)
        : undefined;
    const spoof =
      check.matches && effective.spoof
        ? await detectSpoof({
            image: rgb,
            original,
            card: { ...cardInput, textBoxes: card.textBoxes },
            docType: request.docType,
            mrzConsistent: machineDataConsistent((read?.checks ?? []).map((c) => ({ name: c.name, ok: c.passed }))),
          })
        : undefined;
    const face = check.matches && effective.faceQuality ? await scoreFace({ image: card.image }) : undefined;
    const spoofFound = spoof?.findings.filter((f) => f.detected).map((f) => f.type) ?? [];
    const subCode = decideSubCode({
      docTypeMatched: check.matches,
      ...(quality ? { qualityPassed: quality.passed } : {}),
      ...(spoof ? { spoofFound: spoofFound.length > 0 } : {}),
    });
    const extIdInfo: ExtIdInfo = {};
    if (check.matches && effective.ocr && read) {
      extIdInfo.ocrIdInfo = toOcrIdInfo({ docType: request.docType, side, fields: read.fields });
    }
    if (face) extIdInfo.idFaceQualityScore = Math.round(face.score * 100) / 100;
    extIdInfo.spoofInfo = spoof ? spoofInfoFromFindings(spoofFound) : spoofInfoNotChecked();
    const response = createDocOcrV2Response({
      requestId: randomUUID().toUpperCase(),
      transactionId: randomUUID().replace(/-/g, ''),
      subCode,
      extIdInfo,
    });
    const notPerformed = notPerformedChecks(effective, check.matches);
    return {
      response,
      image: {
        mediaType: loaded.mediaType,
        width: loaded.width,
        height: loaded.height,
        bytes: loaded.size,
        sha256: loaded.sha256,
      },
      card: summariseCard(card, wholeImageFallback),
      docTypeCheck: {
        matches: check.matches,
        expected: check.expected,
        reason: check.reason,
        scores: check.classification.scores,
        ...(check.classification.best ? { best: check.classification.best } : {}),
      },
      fields: check.matches && read ? read.fields : {},
      ...(read?.mrz ? { mrz: read.mrz } : {}),
      mrzCorrections: read?.mrz?.corrections ?? [],
      checks: read?.checks ?? [],
      ...(quality ? { quality } : {}),
      ...(spoof ? { spoof } : {}),
      ...(face ? { face } : {}),
      notPerformed,
      notApplied: effective.notApplied,
      timingsMs: {
        decode: Math.round(decoded - started),
        findCard: Math.round(found - decoded),
        read: Math.round(readDone - found),
        total: Math.round(performance.now() - started),
      },
    };
  }

  private async pictureBytes(request: DocOcrV2Request, signal?: AbortSignal): Promise<Uint8Array> {
    if (request.idOcrPictureBase64 !== undefined) return decodeBase64Image(request.idOcrPictureBase64);
    if (request.idOcrPictureFile !== undefined) {
      if (typeof request.idOcrPictureFile !== 'string') return request.idOcrPictureFile;
      try {
        return new Uint8Array(await readFile(request.idOcrPictureFile));
      } catch {
        throw new InvalidParameterError('IdOcrPictureFile', 'the file cannot be read');
      }
    }
    if (request.idOcrPictureUrl !== undefined) {
      const { bytes } = await safeFetch(request.idOcrPictureUrl, {
        maxBytes: IMAGE_REQUIREMENTS.maxBytes,
        ...(signal ? { signal } : {}),
        ...(this.options.allowUrlHosts ? { allowHosts: this.options.allowUrlHosts } : {}),
        ...(this.options.allowUrlCidrs ? { allowCidrs: this.options.allowUrlCidrs } : {}),
      });
      return bytes;
    }
    throw new MissingParameterError('IdOcrPictureBase64');
  }
}

function pictureParameter(request: DocOcrV2Request): string {
  if (request.idOcrPictureBase64 !== undefined) return 'IdOcrPictureBase64';
  if (request.idOcrPictureFile !== undefined) return 'IdOcrPictureFile';
  return 'IdOcrPictureUrl';
}

/** The image checks of `image/`, with their refusals turned into the API's errors. */
async function checkImage(bytes: Uint8Array, parameter: string): Promise<LoadedImage> {
  try {
    return await inspectImage(bytes, parameter);
  } catch (error) {
    if (error instanceof ImageRejectedError) {
      if (error.code === 'ToolargeImage') throw new ImageTooLargeError(error.message);
      throw new InvalidParameterError(parameter, error.message);
    }
    throw error;
  }
}

async function readWholeImage(ocr: PaddleOcr, image: RgbImage): Promise<CardLine[]> {
  const boxes = await ocr.detect(image, { maxSide: 960 });
  return readCardLines(ocr, image, boxes);
}

/** Problems in an MRZ reading; no MRZ at all counts worst. */
function mrzErrors(mrz: MrzReading | undefined): number {
  return mrz ? mrz.errorCount : Number.POSITIVE_INFINITY;
}

/** The passport page's MRZ band and top band (title, code, number) against everything else. */
function splitPassportBoxes(
  boxes: readonly DetectedBox[],
  height: number,
): { near: DetectedBox[]; rest: DetectedBox[] } {
  const near: DetectedBox[] = [];
  const rest: DetectedBox[] = [];
  for (const b of boxes) {
    const cy = (b.y + b.height / 2) / height;
    (cy > 0.75 || cy < 0.3 ? near : rest).push(b);
  }
  return { near, rest };
}

function summariseCard(card: FoundCard, wholeImageFallback: boolean): DocOcrAnalysis['card'] {
  return {
    corners: card.corners,
    coverage: card.coverage,
    rotation: card.rotation,
    outlineFound: card.outlineFound,
    orientationMargin: card.orientationMargin,
    wholeImageFallback,
  };
}

/** Checks that were asked for but not run because the image is not the requested document (213). */
function notPerformedChecks(effective: ReturnType<typeof effectiveChecks>, matches: boolean): NotPerformedCheck[] {
  if (matches) return [];
  const out: NotPerformedCheck[] = [];
  const why = 'not run: the image does not show the requested document (SubCode 213)';
  if (effective.quality) out.push({ check: 'quality', parameter: 'IdThreshold', reason: why });
  if (effective.spoof) out.push({ check: 'spoof', parameter: 'Spoof', reason: why });
  if (effective.faceQuality) out.push({ check: 'faceQuality', parameter: 'IdFaceQuality', reason: why });
  return out;
}

import { CardSide, DocType, Flag, IdThreshold } from './doc-types.js';
import type { DocOcrV2Request } from './request.js';

export interface NotAppliedParameter {
  /** The API parameter that was set but has no effect. */
  parameter: 'IdFaceQuality' | 'Spoof' | 'CardSide';
  reason: string;
}

/** What a request actually asks the service to do, after the API's rules about sides and document types. */
export interface EffectiveChecks {
  /** Ocr 'T': read the document's fields into ocrIdInfo. */
  ocr: boolean;
  /** IdThreshold other than '3': check image quality (a failure is SubCode 211). */
  quality: boolean;
  /** Spoof 'T' on a portrait side: detect recaptures, copies, tampering (a finding is SubCode 212). */
  spoof: boolean;
  /** IdFaceQuality 'T' on a portrait side: return idFaceQualityScore. */
  faceQuality: boolean;
  /** Parameters that were set but that the API ignores for this document or side. */
  notApplied: NotAppliedParameter[];
}

export type EffectiveChecksInput = Pick<DocOcrV2Request, 'docType' | 'ocr' | 'idThreshold'> &
  Partial<Pick<DocOcrV2Request, 'idFaceQuality' | 'spoof' | 'cardSide'>>;

/**
 * The checks a request turns on. IdFaceQuality and Spoof are "valid only for the portrait side", so on the
 * national-emblem side of the mainland ID card they are reported in `notApplied` instead of running.
 */
export function effectiveChecks(request: EffectiveChecksInput): EffectiveChecks {
  const notApplied: NotAppliedParameter[] = [];
  const isResidentId = request.docType === DocType.ChineseResidentId;
  const emblemSide = isResidentId && request.cardSide === CardSide.NationalEmblem;
  const portraitOnly = 'valid only for the portrait side; the national-emblem side has no portrait';
  if (emblemSide && request.spoof === Flag.True) notApplied.push({ parameter: 'Spoof', reason: portraitOnly });
  if (emblemSide && request.idFaceQuality === Flag.True)
    notApplied.push({ parameter: 'IdFaceQuality', reason: portraitOnly });
  if (!isResidentId && request.cardSide !== undefined) {
    notApplied.push({ parameter: 'CardSide', reason: `applies only to DocType ${DocType.ChineseResidentId}` });
  }
  return {
    ocr: request.ocr === Flag.True,
    quality: request.idThreshold !== IdThreshold.Off,
    spoof: request.spoof === Flag.True && !emblemSide,
    faceQuality: request.idFaceQuality === Flag.True && !emblemSide,
    notApplied,
  };
}

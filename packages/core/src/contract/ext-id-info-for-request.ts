import { type SpoofType, YesNo } from './doc-types.js';
import { type EffectiveChecksInput, effectiveChecks } from './effective-checks.js';
import { type ExtIdInfo, type OcrIdInfo, spoofInfoFromFindings, spoofInfoNotChecked } from './ext-id-info.js';

export interface ExtIdInfoFindings {
  /** The fields read; ignored unless the request turned OCR on. */
  ocrIdInfo?: OcrIdInfo;
  /** 0..100; ignored unless face quality applies to the request. */
  idFaceQualityScore?: number;
  /** What spoof detection found; ignored unless spoof detection applies to the request. */
  spoofTypes?: Iterable<SpoofType>;
}

/**
 * Assembles ExtIdInfo as the API shapes it for a request: ocrIdInfo only with Ocr 'T', idFaceQualityScore only when
 * face quality applies, and spoofInfo always, 'N' with no types when spoof detection did not run.
 */
export function buildExtIdInfo(request: EffectiveChecksInput, findings: ExtIdInfoFindings): ExtIdInfo {
  const checks = effectiveChecks(request);
  const info: ExtIdInfo = {};
  if (checks.ocr && findings.ocrIdInfo !== undefined) info.ocrIdInfo = findings.ocrIdInfo;
  if (checks.faceQuality && findings.idFaceQualityScore !== undefined) {
    info.idFaceQualityScore = findings.idFaceQualityScore;
  }
  info.spoofInfo = checks.spoof ? spoofInfoFromFindings(findings.spoofTypes ?? []) : spoofInfoNotChecked();
  return info;
}

/** Ways an ExtIdInfo contradicts the request it answers; empty when it is consistent. */
export function extIdInfoRequestIssues(info: ExtIdInfo, request: EffectiveChecksInput): string[] {
  const checks = effectiveChecks(request);
  const issues: string[] = [];
  if (!checks.ocr && info.ocrIdInfo !== undefined) issues.push('ocrIdInfo is present but Ocr is F');
  if (!checks.faceQuality && info.idFaceQualityScore !== undefined) {
    issues.push('idFaceQualityScore is present but face quality does not apply to the request');
  }
  const spoof = info.spoofInfo;
  if (!checks.spoof && spoof !== undefined && (spoof.spoofResult !== YesNo.No || spoof.spoofType.length > 0)) {
    issues.push("spoof detection did not run, so spoofInfo must be 'N' with no types");
  }
  return issues;
}

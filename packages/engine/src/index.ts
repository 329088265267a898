export * from './image/index.js';
export { getPaddleOcr, paddleModelPaths, PaddleOcr, type PaddleOcrOptions } from './ocr/paddle-ocr.js';
export type { DetectedBox, DetectOptions, Rect, RecognizedText, RgbImage } from './ocr/ocr-types.js';
export {
  CANONICAL_SIZE,
  findCardOutline,
  rectify,
  type CardFormat,
  type CardOutline,
  type Point,
  type Quad,
  type Rotation,
} from './card/card-outline.js';
export { findCard, type FindCardOptions, type FoundCard } from './card/find-card.js';
export {
  classifyDocument,
  confirmDocType,
  documentClassFor,
  type Classification,
  type DocTypeCheck,
  type DocumentClass,
} from './classify/classify-document.js';
export { readCardLines, type CardLine, type CardRegion } from './read/card-lines.js';
export { readFields, readLines, toOcrIdInfo, type ReadFieldsOptions } from './read/read-fields.js';
export {
  MIN_FIELD_CONFIDENCE,
  type FieldCheck,
  type FieldReading,
  type FieldSource,
  type MrzCorrection,
  type MrzReading,
  type ReadFieldsResult,
} from './read/field-types.js';
export {
  LocalDocOcrEngine,
  type DocOcrAnalysis,
  type LocalDocOcrEngineOptions,
  type NotPerformedCheck,
} from './local-engine.js';
export { assessQuality, judgeQuality, measureQuality, QUALITY_THRESHOLDS } from './quality/assess-quality.js';
export { estimateJpegQuality } from './quality/jpeg-quality.js';
export type {
  QualityAssessment,
  QualityCheckName,
  QualityFailure,
  QualityInput,
  QualityMeasurements,
  QualityMode,
  QualityThresholds,
} from './quality/quality-types.js';
export { BLAZEFACE_MODEL_PATH, blazeFaceSession, detectFaces, type FaceDetection } from './face/blazeface.js';
export {
  FACE_SCORE_WEIGHTS,
  MIN_FACE_CONFIDENCE,
  faceFactors,
  scoreFace,
  type FaceFactors,
  type FaceScore,
  type FaceScoreInput,
} from './face/score-face.js';
export {
  detectSpoof,
  greyScore,
  photoCopy,
  screenRemark,
  shortcut,
  SPOOF_THRESHOLDS,
  tamper,
} from './spoof/detect-spoof.js';
export { isScreenSize, SCREEN_SIZES } from './spoof/spoof-features.js';
export type { SpoofFinding, SpoofInput, SpoofKind, SpoofResult } from './spoof/spoof-types.js';

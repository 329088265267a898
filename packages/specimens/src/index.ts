export * from './specimen-types.js';
export { Prng, hashString } from './prng.js';
export {
  createDocument,
  randomPerson,
  KINDS_WITH_CHECK_CHARACTERS,
  type DocumentContent,
  type Person,
} from './documents.js';
export { renderCard, type RawImage, type RenderCardOptions } from './render-card.js';
export { layoutFor, kindFor, cardSideOf, docTypeSides, SPECIMEN_KINDS } from './layouts.js';
export {
  captureCard,
  normaliseConditions,
  rotatePoint,
  type CaptureOptions,
  type CaptureResult,
  type CameraModel,
  type Encoding,
  type ImageFormat,
} from './capture.js';
export { homographyFromPoints, applyHomography, invertHomography, warpOnto, type Homography } from './warp.js';
export { missingFonts, Font } from './fonts.js';
export { faceImages, faceCount, type PortraitSource } from './faces.js';
export {
  generate,
  renderSpecimen,
  planFor,
  MIX_PLAN,
  SPOOF_TYPES,
  type GenerateOptions,
  type GenerateResult,
  type ManifestEntry,
  type ManifestMeta,
  type Scenario,
  type SpecimenImage,
  type SpecimenOptions,
  type SpecimenRecord,
} from './generate.js';
export { makeSamples, sampleSpecs, SAMPLES_SEED, type SampleSpec } from './samples.js';
export { contactSheetPng } from './contact-sheet.js';
export { readManifest, type ManifestIssue } from './manifest.js';

import { type Quad } from '../card/card-outline.js';
import { type RgbImage } from '../ocr/ocr-types.js';

/** The API's IdThreshold: '0' standard, '1' strict, '2' loose, '3' off (the default when absent). */
export type QualityMode = '0' | '1' | '2' | '3';

/** What the quality check is given: the decoded photo and the card found in it. */
export interface QualityInput {
  image: RgbImage;
  card: {
    corners: Quad;
    /** Share of the photo the card covers (0..1), as `findCard` reports it. */
    coverage: number;
    /** The card warped upright; rectified here from the corners when absent. */
    rectified?: RgbImage;
  };
  /** Recognition confidence (0..1) of the key fields, when the fields were read. */
  fieldConfidences?: number[];
  /** The upload as received: its JPEG quantisation tables give the compression quality. */
  original?: { bytes: Uint8Array; mediaType?: string };
}

/** Everything measured, in the units the thresholds use. */
export interface QualityMeasurements {
  /** 1 minus the re-blur score on the card at its own resolution (at most 640 px wide): 1 sharp, 0 blurred. */
  sharpness: number;
  /** Variance of the Laplacian on the same card image (content-dependent; recorded, not thresholded). */
  laplacianVariance: number;
  /** Noise standard deviation in flat areas of the card (measured in the photo, not the rectified card), grey levels. */
  noiseSigma: number;
  /** Mean step across 8x8 JPEG block borders over the mean step elsewhere, on the card in the photo (recorded only:
   * blur raises it as much as compression does). */
  jpegBlockiness: number;
  /** Estimated JPEG quality (1..100) of the upload; absent for PNG or when the original bytes were not given. */
  jpegQuality?: number;
  /** Mean luma of the card (0..255). */
  exposureMean: number;
  /** Share of card pixels at luma 16 or less. */
  darkFraction: number;
  /** Share of card pixels at luma 250 or more. */
  brightFraction: number;
  /** Standard deviation of the card's luma. */
  contrast: number;
  /** Share of the card washed out to colourless white (specular glare or blown highlights). */
  glareFraction: number;
  /** The card's width and height in photo pixels. */
  cardWidthPx: number;
  cardHeightPx: number;
  /** Share of the photo the card covers. */
  coverage: number;
  /** Smallest distance of a corner inside the frame, over the frame's shorter side (negative: outside). */
  cornerMargin: number;
  /** In-plane turn away from the nearest quarter turn, in degrees. */
  skewDegrees: number;
  /** Quarter turns (0..3) the card is rotated by in the photo. */
  quarterTurns: number;
  /** Keystone: 1 minus the ratio of the shorter to the longer of each pair of opposite edges (the larger pair). */
  perspective: number;
  /** Lowest confidence among the key fields (absent when none were given). */
  ocrConfidence?: number;
}

/** A mode's limits. `min*` must be reached, `max*` must not be exceeded. */
export interface QualityThresholds {
  minSharpness: number;
  maxNoiseSigma: number;
  minJpegQuality: number;
  minExposureMean: number;
  maxExposureMean: number;
  maxDarkFraction: number;
  maxBrightFraction: number;
  minContrast: number;
  maxGlareFraction: number;
  minCardWidthPx: number;
  minCoverage: number;
  minCornerMargin: number;
  maxSkewDegrees: number;
  maxPerspective: number;
  minOcrConfidence: number;
  /** Whether a card turned by a quarter or half turn fails (the engine reads it either way). */
  uprightOnly: boolean;
}

export type QualityCheckName =
  | 'sharpness'
  | 'noise'
  | 'jpegQuality'
  | 'exposureLow'
  | 'exposureHigh'
  | 'darkClipping'
  | 'brightClipping'
  | 'contrast'
  | 'glare'
  | 'resolution'
  | 'coverage'
  | 'cornersVisible'
  | 'skew'
  | 'perspective'
  | 'upright'
  | 'ocrConfidence';

export interface QualityFailure {
  check: QualityCheckName;
  value: number;
  threshold: number;
}

export interface QualityAssessment {
  passed: boolean;
  mode: QualityMode;
  /** Absent in mode '3' (off): nothing is measured. */
  measurements?: QualityMeasurements;
  thresholds?: QualityThresholds;
  failures: QualityFailure[];
}

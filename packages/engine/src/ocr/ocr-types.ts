/** An 8-bit RGB image in row-major order, three bytes per pixel. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** An axis-aligned rectangle in pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One recognised line: the text, a 0..1 confidence for every character and their mean. */
export interface RecognizedText {
  text: string;
  charConfidences: number[];
  /** Where each character sits along the line, as a fraction of the region's width (0..1). */
  charPositions: number[];
  confidence: number;
}

/** A text region found by the detector, in the coordinates of the image given to it. */
export interface DetectedBox extends Rect {
  /** Mean text probability inside the region (0..1). */
  score: number;
  /** True when the region is much taller than wide: text running vertically (the image is turned by 90 degrees). */
  vertical: boolean;
}

export interface DetectOptions {
  /** Longest side the image is scaled to before detection. Default 960; smaller is faster and misses small text. */
  maxSide?: number;
  /** Minimum mean probability for a region to count. Default 0.6 (PaddleOCR's box_thresh). */
  boxThreshold?: number;
}

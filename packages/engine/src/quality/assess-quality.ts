import sharp from 'sharp';
import { rectify, type Quad } from '../card/card-outline.js';
import { type RgbImage } from '../ocr/ocr-types.js';
import { estimateJpegQuality } from './jpeg-quality.js';
import {
  crop,
  laplacianVariance,
  noiseSigma,
  quadBounds,
  quadSize,
  reblurScore,
  toGrey,
  type GreyImage,
} from './pixels.js';
import {
  type QualityAssessment,
  type QualityCheckName,
  type QualityFailure,
  type QualityInput,
  type QualityMeasurements,
  type QualityMode,
  type QualityThresholds,
} from './quality-types.js';

/**
 * Thresholds per IdThreshold mode ('3' measures nothing and passes). Calibrated on the labelled capture conditions
 * of @dococr/specimens (bench/results/detectors.md has the acceptance and rejection rates): standard rejects the
 * labelled defects at the severities the generator uses, strict also the milder ones and any quarter turn, loose only
 * gross ones. Standard accepts corners on the frame's edge (a tight crop, or an outline that was not found).
 *
 * | check | strict '1' | standard '0' | loose '2' |
 * |---|---|---|---|
 * | sharpness (1 - re-blur) at least | 0.7 | 0.68 | 0.6 |
 * | noise sigma (in the photo) at most | 1.7 | 1.9 | 4 |
 * | JPEG quality at least (when known) | 60 | 45 | 25 |
 * | mean luma | 110..230 | 90..232 | 60..242 |
 * | dark / bright clipped share at most | 0.08 / 0.1 | 0.12 / 0.2 | 0.2 / 0.4 |
 * | luma contrast at least | 35 | 28 | 18 |
 * | washed-out (glare) block share at most | 0.002 | 0.005 | 0.015 |
 * | card width at least (px) | 480 | 300 | 200 |
 * | card share of the frame at least | 0.6 | 0.5 | 0.3 |
 * | corner margin at least (share of short side) | 0.01 | 0 | -0.03 |
 * | skew at most (degrees) | 4 | 8 | 15 |
 * | perspective at most | 0.05 | 0.1 | 0.2 |
 * | key-field OCR confidence at least | 0.85 | 0.7 | 0.5 |
 * | upright only | yes | no | no |
 */
export const QUALITY_THRESHOLDS: Readonly<Record<Exclude<QualityMode, '3'>, Readonly<QualityThresholds>>> = {
  '1': {
    minSharpness: 0.7,
    maxNoiseSigma: 1.7,
    minJpegQuality: 60,
    minExposureMean: 110,
    maxExposureMean: 230,
    maxDarkFraction: 0.08,
    maxBrightFraction: 0.1,
    minContrast: 35,
    maxGlareFraction: 0.002,
    minCardWidthPx: 480,
    minCoverage: 0.6,
    minCornerMargin: 0.01,
    maxSkewDegrees: 4,
    maxPerspective: 0.05,
    minOcrConfidence: 0.85,
    uprightOnly: true,
  },
  '0': {
    minSharpness: 0.68,
    maxNoiseSigma: 1.9,
    minJpegQuality: 45,
    minExposureMean: 90,
    maxExposureMean: 232,
    maxDarkFraction: 0.12,
    maxBrightFraction: 0.2,
    minContrast: 28,
    maxGlareFraction: 0.005,
    minCardWidthPx: 300,
    minCoverage: 0.5,
    minCornerMargin: 0,
    maxSkewDegrees: 8,
    maxPerspective: 0.1,
    minOcrConfidence: 0.7,
    uprightOnly: false,
  },
  '2': {
    minSharpness: 0.6,
    maxNoiseSigma: 4,
    minJpegQuality: 25,
    minExposureMean: 60,
    maxExposureMean: 242,
    maxDarkFraction: 0.2,
    maxBrightFraction: 0.4,
    minContrast: 18,
    maxGlareFraction: 0.015,
    minCardWidthPx: 200,
    minCoverage: 0.3,
    minCornerMargin: -0.03,
    maxSkewDegrees: 15,
    maxPerspective: 0.2,
    minOcrConfidence: 0.5,
    uprightOnly: false,
  },
};

/** Widest the card is measured at: sharpness is judged at the card's own resolution, up to this. */
const MEASURE_WIDTH = 640;

/**
 * The IdThreshold quality check (SubCode 211 when it fails). Mode '3' passes without measuring.
 * @example
 * const card = await findCard(rgb, { format: 'id1' });
 * const q = await assessQuality({ image: rgb, card: { ...card, rectified: card.image } }, '0');
 * if (!q.passed) console.log(q.failures); // [{ check: 'sharpness', value: 0.41, threshold: 0.55 }]
 */
export async function assessQuality(input: QualityInput, mode: QualityMode): Promise<QualityAssessment> {
  if (mode === '3') return { passed: true, mode, failures: [] };
  const measurements = await measureQuality(input);
  return judgeQuality(measurements, mode);
}

/** Applies one mode's thresholds to measurements already taken (so several modes can be judged at once). */
export function judgeQuality(measurements: QualityMeasurements, mode: QualityMode): QualityAssessment {
  if (mode === '3') return { passed: true, mode, measurements, failures: [] };
  const t = QUALITY_THRESHOLDS[mode];
  const m = measurements;
  const failures: QualityFailure[] = [];
  const atLeast = (check: QualityCheckName, value: number, threshold: number): void => {
    if (!(value >= threshold)) failures.push({ check, value, threshold });
  };
  const atMost = (check: QualityCheckName, value: number, threshold: number): void => {
    if (!(value <= threshold)) failures.push({ check, value, threshold });
  };
  atLeast('sharpness', m.sharpness, t.minSharpness);
  atMost('noise', m.noiseSigma, t.maxNoiseSigma);
  if (m.jpegQuality !== undefined) atLeast('jpegQuality', m.jpegQuality, t.minJpegQuality);
  atLeast('exposureLow', m.exposureMean, t.minExposureMean);
  atMost('exposureHigh', m.exposureMean, t.maxExposureMean);
  atMost('darkClipping', m.darkFraction, t.maxDarkFraction);
  atMost('brightClipping', m.brightFraction, t.maxBrightFraction);
  atLeast('contrast', m.contrast, t.minContrast);
  atMost('glare', m.glareFraction, t.maxGlareFraction);
  atLeast('resolution', m.cardWidthPx, t.minCardWidthPx);
  atLeast('coverage', m.coverage, t.minCoverage);
  atLeast('cornersVisible', m.cornerMargin, t.minCornerMargin);
  atMost('skew', m.skewDegrees, t.maxSkewDegrees);
  atMost('perspective', m.perspective, t.maxPerspective);
  if (t.uprightOnly) atMost('upright', m.quarterTurns, 0);
  if (m.ocrConfidence !== undefined) atLeast('ocrConfidence', m.ocrConfidence, t.minOcrConfidence);
  return { passed: failures.length === 0, mode, measurements, thresholds: { ...t }, failures };
}

/** Takes every quality measurement of the card in the photo. */
export async function measureQuality(input: QualityInput): Promise<QualityMeasurements> {
  const { image, card } = input;
  const size = quadSize(card.corners);
  const width = Math.max(16, Math.min(MEASURE_WIDTH, Math.round(size.width)));
  const height = Math.max(16, Math.round((width * size.height) / Math.max(1, size.width)));
  const upright = card.rectified
    ? await resizeTo(card.rectified, width, height)
    : await rectify(image, card.corners, { width, height });
  const grey = toGrey(upright);
  // Noise is measured in the photo itself: rectifying interpolates, which averages it away.
  const box = quadBounds(card.corners, image.width, image.height);
  const exposure = exposureOf(grey);
  const geometry = geometryOf(card.corners, image.width, image.height);
  const jpegQuality = input.original ? estimateJpegQuality(input.original.bytes) : undefined;
  const confidences = input.fieldConfidences?.filter((c) => Number.isFinite(c)) ?? [];
  return {
    sharpness: 1 - reblurScore(grey),
    laplacianVariance: laplacianVariance(grey),
    noiseSigma: noiseSigma(toGrey(crop(image, box.x, box.y, box.w, box.h))),
    jpegBlockiness: jpegBlockiness(image, card.corners),
    ...(jpegQuality !== undefined ? { jpegQuality } : {}),
    ...exposure,
    glareFraction: glareFraction(upright),
    cardWidthPx: size.width,
    cardHeightPx: size.height,
    coverage: card.coverage,
    ...geometry,
    ...(confidences.length ? { ocrConfidence: Math.min(...confidences) } : {}),
  };
}

async function resizeTo(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data, width, height };
}

function exposureOf(
  grey: GreyImage,
): Pick<QualityMeasurements, 'exposureMean' | 'darkFraction' | 'brightFraction' | 'contrast'> {
  const n = grey.data.length;
  let sum = 0;
  let sumSq = 0;
  let dark = 0;
  let bright = 0;
  for (let p = 0; p < n; p++) {
    const v = grey.data[p]!;
    sum += v;
    sumSq += v * v;
    if (v <= 16) dark++;
    if (v >= 250) bright++;
  }
  const mean = sum / n;
  return {
    exposureMean: mean,
    darkFraction: dark / n,
    brightFraction: bright / n,
    contrast: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
  };
}

/**
 * Share of the card washed out to colourless white: blocks (a 40th of the card's width) whose darkest pixel is at
 * luma 245 or more. A specular highlight lifts ink and print alike, while an evenly lit card keeps some detail or
 * tint in almost every block, even on its plain areas.
 */
export function glareFraction(card: RgbImage): number {
  const { data, width, height } = card;
  const block = Math.max(4, Math.round(width / 40));
  let blocks = 0;
  let washed = 0;
  for (let by = 0; by + block <= height; by += block) {
    for (let bx = 0; bx + block <= width; bx += block) {
      blocks++;
      let darkest = 255;
      let chroma = 0;
      for (let y = by; y < by + block; y++) {
        for (let x = bx, i = (y * width + bx) * 3; x < bx + block; x++, i += 3) {
          const r = data[i]!;
          const g = data[i + 1]!;
          const b = data[i + 2]!;
          darkest = Math.min(darkest, 0.299 * r + 0.587 * g + 0.114 * b);
          chroma = Math.max(chroma, Math.max(r, g, b) - Math.min(r, g, b));
        }
      }
      if (darkest >= 245 && chroma <= 16) washed++;
    }
  }
  return blocks ? washed / blocks : 0;
}

/**
 * JPEG's 8x8 grid shows as larger steps between pixels 7 and 8 of each block than inside blocks. Measured in the
 * photo itself (rectifying would resample the grid away), inside the card's bounding box.
 */
export function jpegBlockiness(image: RgbImage, corners: Quad): number {
  const box = quadBounds(corners, image.width, image.height);
  const grey = toGrey(crop(image, box.x, box.y, box.w, box.h));
  const { data, width, height } = grey;
  const offsetX = box.x % 8;
  const offsetY = box.y % 8;
  let border = 0;
  let borderN = 0;
  let inner = 0;
  let innerN = 0;
  for (let y = 1; y < height; y++) {
    for (let x = 1; x < width; x++) {
      const i = y * width + x;
      const dx = Math.abs(data[i]! - data[i - 1]!);
      const dy = Math.abs(data[i]! - data[i - width]!);
      if ((x + offsetX) % 8 === 0) {
        border += dx;
        borderN++;
      } else {
        inner += dx;
        innerN++;
      }
      if ((y + offsetY) % 8 === 0) {
        border += dy;
        borderN++;
      } else {
        inner += dy;
        innerN++;
      }
    }
  }
  if (!borderN || !innerN || inner === 0) return 1;
  return border / borderN / (inner / innerN);
}

function geometryOf(
  corners: Quad,
  width: number,
  height: number,
): Pick<QualityMeasurements, 'cornerMargin' | 'skewDegrees' | 'quarterTurns' | 'perspective'> {
  const short = Math.min(width, height);
  const margin = Math.min(...corners.map((p) => Math.min(p.x, p.y, width - p.x, height - p.y)));
  const angle = (Math.atan2(corners[1].y - corners[0].y, corners[1].x - corners[0].x) * 180) / Math.PI;
  const quarter = Math.round(angle / 90);
  const d = (a: number, b: number): number => Math.hypot(corners[b]!.x - corners[a]!.x, corners[b]!.y - corners[a]!.y);
  const ratio = (a: number, b: number): number => Math.min(a, b) / Math.max(a, b, 1e-9);
  const perspective = 1 - Math.min(ratio(d(0, 1), d(3, 2)), ratio(d(0, 3), d(1, 2)));
  return {
    cornerMargin: margin / short,
    skewDegrees: Math.abs(angle - quarter * 90),
    quarterTurns: ((quarter % 4) + 4) % 4,
    perspective,
  };
}

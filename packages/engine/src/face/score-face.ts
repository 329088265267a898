import { type RgbImage } from '../ocr/ocr-types.js';
import { crop, noiseSigma, reblurScore, toGrey } from '../quality/pixels.js';
import { detectFaces, type FaceDetection } from './blazeface.js';

export interface FaceScoreInput {
  image: RgbImage;
  /** Where the portrait is in `image` (e.g. the layout's portrait box on the upright card); whole image if absent. */
  portraitRegion?: { x: number; y: number; w: number; h: number };
}

/** Each factor is 0..1 (1 = no degradation) and falls monotonically as its degradation grows. */
export interface FaceFactors {
  confidence: number;
  size: number;
  sharpness: number;
  exposure: number;
  pose: number;
  occlusion: number;
  noise: number;
  /** The raw values behind the factors. */
  faceWidthPx: number;
  reblur: number;
  meanLuma: number;
  clippedShare: number;
  noiseSigma: number;
  rollDegrees: number;
  yaw: number;
}

export interface FaceScore {
  /** 0..100 (the API's idFaceQualityScore). */
  score: number;
  faceFound: boolean;
  detection?: FaceDetection;
  factors?: FaceFactors;
}

/**
 * Exponents of each factor in the score: the score is 100 * product of factor^weight, so it falls monotonically as
 * any one degradation grows and a single fatal one (no sharp detail, face half blown out) pulls it down alone.
 */
export const FACE_SCORE_WEIGHTS = {
  confidence: 1,
  size: 0.5,
  sharpness: 1,
  exposure: 1,
  pose: 0.7,
  occlusion: 1,
  noise: 1,
} as const;

/** Below this BlazeFace confidence nothing counts as a face (the emblem side's seal scores about 0.54). */
export const MIN_FACE_CONFIDENCE = 0.6;

const clamp01 = (v: number): number => Math.max(0, Math.min(1, v));
/** 1 up to `good`, 0 from `bad`, linear between (either direction). */
const ramp = (value: number, good: number, bad: number): number => clamp01((value - bad) / (good - bad));

/**
 * The face quality score of IdFaceQuality: BlazeFace finds the face in the portrait region, then confidence, face
 * size, sharpness, exposure, pose (roll from the eyes, yaw from the nose against the eyes), occlusion (share of the
 * face box blown out or black) and noise each give a factor. No face: score 0 and `faceFound: false`.
 * @example
 * const { score, faceFound, factors } = await scoreFace({ image: card.image, portraitRegion: { x: 40, y: 120, w: 220, h: 280 } });
 */
export async function scoreFace(input: FaceScoreInput): Promise<FaceScore> {
  const r = input.portraitRegion;
  const region = r ? crop(input.image, r.x, r.y, r.w, r.h) : input.image;
  const offsetX = r ? Math.max(0, Math.floor(r.x)) : 0;
  const offsetY = r ? Math.max(0, Math.floor(r.y)) : 0;
  const [found] = await detectFaces(region, MIN_FACE_CONFIDENCE);
  if (!found) return { score: 0, faceFound: false };
  const detection: FaceDetection = {
    box: { ...found.box, x: found.box.x + offsetX, y: found.box.y + offsetY },
    confidence: found.confidence,
    keypoints: found.keypoints.map((k) => ({ x: k.x + offsetX, y: k.y + offsetY })),
  };
  const factors = faceFactors(input.image, detection);
  let score = 100;
  for (const [name, weight] of Object.entries(FACE_SCORE_WEIGHTS)) {
    score *= Math.pow(factors[name as keyof typeof FACE_SCORE_WEIGHTS], weight);
  }
  return { score: Math.round(score * 100) / 100, faceFound: true, detection, factors };
}

/** The factors of a detection in `image` (exported for calibration and tests). */
export function faceFactors(image: RgbImage, detection: FaceDetection): FaceFactors {
  const { box, keypoints } = detection;
  const face = crop(image, box.x, box.y, box.width, box.height);
  const grey = toGrey(face);
  let sum = 0;
  let clipped = 0;
  for (let k = 0; k < grey.data.length; k++) {
    const v = grey.data[k]!;
    sum += v;
    if (v >= 245 || v <= 10) clipped++;
  }
  const meanLuma = grey.data.length ? sum / grey.data.length : 0;
  const clippedShare = grey.data.length ? clipped / grey.data.length : 1;
  const reblur = reblurScore(grey);
  // Noise reads as fine detail to the re-blur measure, so it gets its own factor.
  const noise = noiseSigma(grey);
  const [rightEye, leftEye, nose] = keypoints;
  const eyeDx = (leftEye?.x ?? 0) - (rightEye?.x ?? 0);
  const eyeDy = (leftEye?.y ?? 0) - (rightEye?.y ?? 0);
  const eyeDistance = Math.hypot(eyeDx, eyeDy) || 1;
  const rollDegrees = Math.abs((Math.atan2(eyeDy, eyeDx) * 180) / Math.PI);
  // Nose offset from the eyes' midpoint along the eye line, in eye distances: 0 frontal, about 0.5 in profile.
  const midX = ((rightEye?.x ?? 0) + (leftEye?.x ?? 0)) / 2;
  const midY = ((rightEye?.y ?? 0) + (leftEye?.y ?? 0)) / 2;
  const yaw = Math.abs((((nose?.x ?? midX) - midX) * eyeDx + ((nose?.y ?? midY) - midY) * eyeDy) / eyeDistance ** 2);
  return {
    confidence: ramp(detection.confidence, 0.9, MIN_FACE_CONFIDENCE - 0.1),
    size: ramp(box.width, 70, 20),
    sharpness: ramp(reblur, 0.45, 0.8),
    exposure: ramp(Math.abs(meanLuma - 135), 55, 120),
    pose: ramp(rollDegrees, 12, 45) * ramp(yaw, 0.2, 0.6),
    occlusion: ramp(clippedShare, 0.05, 0.5),
    noise: ramp(noise, 4, 25),
    faceWidthPx: box.width,
    reblur,
    meanLuma,
    clippedShare,
    noiseSigma: noise,
    rollDegrees,
    yaw,
  };
}

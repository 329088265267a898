import { type DetectedBox, type RgbImage } from '../ocr/ocr-types.js';
import { getPaddleOcr, type PaddleOcr } from '../ocr/paddle-ocr.js';
import {
  CANONICAL_SIZE,
  findCardOutline,
  rectify,
  rotateOrder,
  type CardFormat,
  type Quad,
  type Rotation,
} from './card-outline.js';

export interface FoundCard {
  /** The card warped upright to its canonical size (or the whole image, scaled, when no outline was found). */
  image: RgbImage;
  /** The card's corners in the source image: top-left, top-right, bottom-right, bottom-left of the upright card. */
  corners: Quad;
  /** Share of the source image the card covers (0..1); 1 when no outline was found. */
  coverage: number;
  /** How far the card is turned clockwise in the photo, to the nearest quarter turn. */
  rotation: Rotation;
  /** False when no outline was found and the whole image was taken as the card. */
  outlineFound: boolean;
  /** Text regions on the upright card, found once here and reused by the field readers. */
  textBoxes: DetectedBox[];
  /**
   * Mean recognition confidence of the sample lines upright minus upside down (how sure the orientation is); when the
   * upright reading alone was confident enough, its confidence.
   */
  orientationMargin: number;
}

export interface FindCardOptions {
  format: CardFormat;
  ocr?: PaddleOcr;
}

/** Lines read both ways up to decide the orientation: a few wide lines are enough and cost little. */
const ORIENTATION_SAMPLE = 4;
/** Upright lines read this confidently settle the orientation without reading them upside down. */
const CONFIDENT_UPRIGHT = 0.93;
/**
 * Longest side for text detection on the upright card: the canonical size. At 736 px the samples still read, but the
 * real HKID specimen's number lost its last character's confidence; at 640 px MRZ lines lost their first letters.
 */
const DETECTION_SIDE: Record<CardFormat, number> = { id1: 856, td3: 1000 };

/**
 * Finds the card in a photo, warps it upright and finds its text regions.
 * Quarter turns come from the outline (the long side becomes the width) or, without an outline, from the
 * direction of the text; the half turn is decided by reading sample lines both ways up and keeping the
 * orientation the recogniser is more confident about.
 */
export async function findCard(image: RgbImage, options: FindCardOptions): Promise<FoundCard> {
  const ocr = options.ocr ?? (await getPaddleOcr());
  const outline = await findCardOutline(image);
  let corners = outline.corners;
  if (!outline.found && image.height > image.width && (await textRunsVertically(ocr, image))) {
    corners = rotateOrder(corners, 1);
  }
  const size = outline.found ? CANONICAL_SIZE[options.format] : wholeImageSize(corners, options.format);
  const upright = await rectify(image, corners, size);
  const boxes = await ocr.detect(upright, { maxSide: DETECTION_SIDE[options.format] });
  const horizontal = boxes.filter((b) => !b.vertical && b.width >= 8 && b.height >= 6);
  const sample = [...horizontal].sort((a, b) => b.width * b.score - a.width * a.score).slice(0, ORIENTATION_SAMPLE);
  let chosen = { image: upright, corners, boxes: horizontal, margin: 0 };
  if (sample.length) {
    const turned = rotate180(upright);
    const asIs = meanConfidence(await ocr.recognizeMany(upright, sample));
    const flipped =
      asIs >= CONFIDENT_UPRIGHT
        ? 0
        : meanConfidence(
            await ocr.recognizeMany(
              turned,
              sample.map((b) => mirrorBox(b, upright)),
            ),
          );
    const margin = asIs - flipped;
    chosen =
      margin >= 0
        ? { image: upright, corners, boxes: horizontal, margin }
        : {
            image: turned,
            corners: rotateOrder(corners, 2),
            boxes: horizontal.map((b) => mirrorBox(b, upright)),
            margin: -margin,
          };
  }
  return {
    image: chosen.image,
    corners: chosen.corners,
    coverage: outline.coverage,
    rotation: rotationOf(chosen.corners),
    outlineFound: outline.found,
    textBoxes: chosen.boxes.sort((a, b) => a.y - b.y || a.x - b.x),
    orientationMargin: chosen.margin,
  };
}

async function textRunsVertically(ocr: PaddleOcr, image: RgbImage): Promise<boolean> {
  const boxes = await ocr.detect(image, { maxSide: 480 });
  let vertical = 0;
  let horizontal = 0;
  for (const b of boxes) {
    if (b.vertical) vertical += b.width * b.height;
    else if (b.width > b.height * 1.5) horizontal += b.width * b.height;
  }
  return vertical > horizontal;
}

function wholeImageSize(corners: Quad, format: CardFormat): { width: number; height: number } {
  const width = Math.hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y);
  const height = Math.hypot(corners[3].x - corners[0].x, corners[3].y - corners[0].y);
  const target = CANONICAL_SIZE[format].width;
  return { width: target, height: Math.max(32, Math.round((target * height) / Math.max(1, width))) };
}

function meanConfidence(lines: Array<{ confidence: number; text: string }>): number {
  return lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
}

/** The card's quarter turn in the photo: the direction of its top edge, rounded to 0, 90, 180 or 270 degrees. */
export function rotationOf(corners: Quad): Rotation {
  const angle = (Math.atan2(corners[1].y - corners[0].y, corners[1].x - corners[0].x) * 180) / Math.PI;
  const quarter = (((Math.round(angle / 90) % 4) + 4) % 4) as 0 | 1 | 2 | 3;
  return ([0, 90, 180, 270] as const)[quarter];
}

export function rotate180(image: RgbImage): RgbImage {
  const n = image.width * image.height;
  const data = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const q = (n - 1 - p) * 3;
    data[p * 3] = image.data[q] ?? 0;
    data[p * 3 + 1] = image.data[q + 1] ?? 0;
    data[p * 3 + 2] = image.data[q + 2] ?? 0;
  }
  return { data, width: image.width, height: image.height };
}

function mirrorBox<T extends { x: number; y: number; width: number; height: number }>(box: T, image: RgbImage): T {
  return { ...box, x: image.width - box.x - box.width, y: image.height - box.y - box.height };
}

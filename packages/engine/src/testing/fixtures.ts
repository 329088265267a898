import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { type RgbImage } from '../ocr/ocr-types.js';

/** The repository root, found from this file's location (src/testing or dist/testing of packages/engine). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A file of the shared public fixtures, which live beside the repository and are never copied into it. */
export function realFixture(relative: string): string {
  return path.resolve(repoRoot, '../shared/fixtures/real', relative);
}

/** Decodes an image file to RGB, applying its EXIF orientation. */
export async function loadRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export interface TableScene {
  /** Canvas size. */
  width: number;
  height: number;
  /** Where the card's corners land (top-left, top-right, bottom-right, bottom-left of the card). */
  corners: Array<{ x: number; y: number }>;
  /** Background grey level. */
  background?: number;
}

/** Photographs a card on a plain table: warps it onto a canvas at the given corners (perspective, any turn). */
export async function placeOnTable(card: RgbImage, scene: TableScene): Promise<RgbImage> {
  const { getOpenCv } = await import('../card/opencv.js');
  const { cv } = await getOpenCv();
  const src = new cv.Mat(card.height, card.width, cv.CV_8UC3);
  const dst = new cv.Mat(
    scene.height,
    scene.width,
    cv.CV_8UC3,
    new cv.Scalar(...Array(3).fill(scene.background ?? 60), 0),
  );
  const from = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, card.width, 0, card.width, card.height, 0, card.height]);
  const to = cv.matFromArray(
    4,
    1,
    cv.CV_32FC2,
    scene.corners.flatMap((p) => [p.x, p.y]),
  );
  try {
    src.data.set(card.data);
    const m = cv.getPerspectiveTransform(from, to);
    cv.warpPerspective(src, dst, m, new cv.Size(scene.width, scene.height), cv.INTER_LINEAR, cv.BORDER_TRANSPARENT);
    m.delete();
    return { data: new Uint8Array(dst.data), width: scene.width, height: scene.height };
  } finally {
    src.delete();
    dst.delete();
    from.delete();
    to.delete();
  }
}

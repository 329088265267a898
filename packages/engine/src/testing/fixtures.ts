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

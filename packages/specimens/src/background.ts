import { createRgb, type RgbImage } from './pixels.js';
import type { Prng } from './prng.js';

export const BACKGROUND_STYLES = ['wood', 'desk-grey', 'dark-cloth', 'paper', 'blue-mat'] as const;
export type BackgroundStyle = (typeof BACKGROUND_STYLES)[number];

const BASE: Record<BackgroundStyle, [number, number, number]> = {
  wood: [150, 105, 65],
  'desk-grey': [120, 122, 126],
  'dark-cloth': [42, 44, 50],
  paper: [232, 230, 224],
  'blue-mat': [60, 92, 130],
};

/**
 * A surface under the card: base colour, a lighting gradient and low-frequency texture built from separable
 * sinusoids (grain for wood), all from `rng` so the same seed gives the same pixels.
 */
export function renderBackground(width: number, height: number, style: BackgroundStyle, rng: Prng): RgbImage {
  const img = createRgb(width, height);
  const [r0, g0, b0] = BASE[style];
  const gx = rng.range(-0.25, 0.25);
  const gy = rng.range(-0.25, 0.25);
  const grain = style === 'wood' ? 18 : style === 'paper' ? 4 : 7;
  const fRow = rng.range(0.02, 0.09);
  const fCol = rng.range(0.004, 0.02);
  const phase = rng.range(0, Math.PI * 2);
  const rowTerm = new Float32Array(height);
  const colTerm = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    rowTerm[y] = grain * Math.sin(y * fRow + phase) * (style === 'wood' ? 1 : 0.4) + gy * 60 * (y / height - 0.5);
  }
  for (let x = 0; x < width; x++) {
    colTerm[x] = grain * 0.5 * Math.sin(x * fCol + phase * 2) + gx * 60 * (x / width - 0.5);
  }
  const d = img.data;
  let i = 0;
  for (let y = 0; y < height; y++) {
    const ry = rowTerm[y]!;
    for (let x = 0; x < width; x++) {
      const v = ry + colTerm[x]!;
      d[i++] = r0 + v;
      d[i++] = g0 + v * 0.8;
      d[i++] = b0 + v * 0.6;
    }
  }
  return img;
}

import exifr from 'exifr';
import { type Quad } from '../card/card-outline.js';
import { type Rect, type RgbImage } from '../ocr/ocr-types.js';
import {
  crop,
  median,
  noiseSigma,
  quadBounds,
  quantile,
  reblurScore,
  toGrey,
  type GreyImage,
} from '../quality/pixels.js';
import { powerSpectrum } from './fft.js';

const TILE = 64;
/** Fewest textured tiles whose averaged spectrum is trusted (real scans of 250 px cards peaked at 22 with 3 or 4). */
export const MIN_GRID_TILES = 6;

/**
 * Periodic energy of a screen's pixel grid (or the moiré it beats into) on the card: for each textured 64x64 tile
 * of the photo, the strongest frequency between 0.12 and 0.5 cycles per pixel over the mean power at the same
 * radius, in luma and in the red-blue difference (sub-pixel stripes are coloured). JPEG's 8-pixel block
 * frequencies are skipped. Natural print and photos have smooth spectra there; a grid gives a sharp peak in every
 * tile, so the tiles' spectra are averaged before the peak is sought, which a few straight edges cannot raise.
 * Fewer than {@link MIN_GRID_TILES} textured tiles (a card under about 300 px) give too noisy an average: the
 * measure abstains (0).
 */
export function gridPeakiness(image: RgbImage, corners: Quad): { luma: number; chroma: number; tiles: number } {
  const box = quadBounds(corners, image.width, image.height);
  const tiles: Array<{ x: number; y: number; variance: number }> = [];
  const grey = toGrey(image);
  for (let y = box.y; y + TILE <= box.y + box.h; y += TILE) {
    for (let x = box.x; x + TILE <= box.x + box.w; x += TILE) {
      let sum = 0;
      let sumSq = 0;
      for (let r = 0; r < TILE; r += 2) {
        for (let c = 0; c < TILE; c += 2) {
          const v = grey.data[(y + r) * image.width + x + c]!;
          sum += v;
          sumSq += v * v;
        }
      }
      const n = (TILE / 2) ** 2;
      tiles.push({ x, y, variance: sumSq / n - (sum / n) ** 2 });
    }
  }
  // The most textured half (at most 16 tiles): flat areas carry no grid signal above the sensor noise.
  const chosen = tiles
    .sort((a, b) => b.variance - a.variance)
    .slice(0, Math.min(16, Math.max(1, Math.ceil(tiles.length / 2))));
  // Welch's method: the tiles' spectra (each scaled to unit total power, so no tile dominates) are averaged, which
  // keeps a grid's peak (the same frequency everywhere) and flattens what varies from tile to tile (text, edges).
  const lumaSum = new Float64Array(TILE * TILE);
  const chromaSum = new Float64Array(TILE * TILE);
  const tileLuma = new Float64Array(TILE * TILE);
  const tileChroma = new Float64Array(TILE * TILE);
  for (const t of chosen) {
    for (let r = 0; r < TILE; r++) {
      for (let c = 0; c < TILE; c++) {
        const p = (t.y + r) * image.width + t.x + c;
        tileLuma[r * TILE + c] = grey.data[p]!;
        tileChroma[r * TILE + c] = image.data[p * 3]! - image.data[p * 3 + 2]!;
      }
    }
    accumulate(lumaSum, powerSpectrum(tileLuma, TILE));
    accumulate(chromaSum, powerSpectrum(tileChroma, TILE));
  }
  return chosen.length >= MIN_GRID_TILES
    ? { luma: peakRatio(lumaSum), chroma: peakRatio(chromaSum), tiles: chosen.length }
    : { luma: 0, chroma: 0, tiles: chosen.length };
}

function accumulate(sum: Float64Array, power: Float64Array): void {
  let total = 0;
  for (let k = 1; k < power.length; k++) total += power[k]!;
  if (total <= 0) return;
  for (let k = 0; k < power.length; k++) sum[k] = sum[k]! + power[k]! / total;
}

/**
 * The most prominent spectral peak between 0.12 and 0.5 cycles per pixel: a frequency's power over the mean power
 * of its neighbours two to three bins away. Smooth spectra (print, photos, even straight edges, whose energy spreads
 * along a line) stay near 1; a periodic grid stands far above its neighbours. Rows and columns at JPEG's block
 * frequencies (multiples of 1/8) are skipped, except on the axes themselves, since a screen grid is often aligned
 * with the camera's. (Skipping only the 8x8 lattice points and their window leakage instead also removes the axis
 * bins next to them, where grids of pitch near 4 and 2.7 px put their energy: recall fell on the specimens.)
 */
function peakRatio(power: Float64Array): number {
  const n = TILE;
  const at = (u: number, v: number): number => power[(((v % n) + n) % n) * n + (((u % n) + n) % n)]!;
  let best = 0;
  const lo = 0.12 * n;
  const hi = 0.5 * n;
  for (let v = 0; v <= n / 2; v++) {
    for (let u = -n / 2 + 1; u <= n / 2; u++) {
      if ((u !== 0 && u % 8 === 0) || (v !== 0 && v % 8 === 0)) continue;
      const radius = Math.hypot(u, v);
      if (radius < lo || radius > hi) continue;
      let ring = 0;
      let count = 0;
      for (let dv = -3; dv <= 3; dv++) {
        for (let du = -3; du <= 3; du++) {
          if (Math.max(Math.abs(du), Math.abs(dv)) < 2) continue;
          ring += at(u + du, v + dv);
          count++;
        }
      }
      const mean = ring / count;
      if (mean > 0) best = Math.max(best, at(u, v) / mean);
    }
  }
  return best;
}

/**
 * How much colour the region shows beyond the light's tint. A grey print keeps one chromaticity (R, G and B as
 * shares of their sum) however bright or dark it is and whatever the tone curve, and tinted light only moves that
 * one chromaticity; so the median chromaticity of each block (light can differ across the card: sun and shade) is
 * taken as the light's, and what is left is colour printed on the document. Dark and clipped pixels carry no
 * reliable chromaticity and are skipped. Returns the share of usable pixels more than 3 chromaticity points (per
 * cent) away from their block's light, and the 95th and 99th percentiles of that distance. Callers shrink the region first
 * (about 200 px), which also averages sensor noise and JPEG chroma blocks away.
 */
export function residualColour(region: RgbImage): { colourShare: number; chromaP95: number; chromaP99: number } {
  const { data, width, height } = region;
  const blocksX = 4;
  const blocksY = 3;
  const distances: number[] = [];
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      const x0 = Math.floor((bx * width) / blocksX);
      const x1 = Math.floor(((bx + 1) * width) / blocksX);
      const y0 = Math.floor((by * height) / blocksY);
      const y1 = Math.floor(((by + 1) * height) / blocksY);
      const rs: number[] = [];
      const gs: number[] = [];
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * width + x) * 3;
          const r = data[i]!;
          const g = data[i + 1]!;
          const b = data[i + 2]!;
          const sum = r + g + b;
          if (sum < 60 || Math.max(r, g, b) >= 250) continue;
          rs.push(r / sum);
          gs.push(g / sum);
        }
      }
      if (rs.length < 8) continue;
      const r0 = median(rs);
      const g0 = median(gs);
      for (let k = 0; k < rs.length; k++) distances.push(100 * Math.hypot(rs[k]! - r0, gs[k]! - g0));
    }
  }
  if (distances.length === 0) return { colourShare: 0, chromaP95: 0, chromaP99: 0 };
  let coloured = 0;
  for (const d of distances) if (d > 3) coloured++;
  return {
    colourShare: coloured / distances.length,
    chromaP95: quantile(distances, 0.95),
    chromaP99: quantile(distances, 0.99),
  };
}

/** Phone, tablet and monitor screens (width x height in either orientation): screenshots come out at these sizes. */
export const SCREEN_SIZES: ReadonlyArray<readonly [number, number]> = [
  [540, 960],
  [640, 1136],
  [720, 1280],
  [720, 1520],
  [720, 1560],
  [720, 1600],
  [750, 1334],
  [828, 1792],
  [1080, 1920],
  [1080, 2160],
  [1080, 2280],
  [1080, 2340],
  [1080, 2400],
  [1125, 2436],
  [1170, 2532],
  [1179, 2556],
  [1242, 2208],
  [1242, 2688],
  [1284, 2778],
  [1290, 2796],
  [1440, 2560],
  [1440, 3040],
  [1440, 3200],
  [1536, 2048],
  [1620, 2160],
  [1668, 2388],
  [2048, 2732],
  [768, 1366],
  [900, 1440],
  [900, 1600],
  [1050, 1680],
  [1200, 1920],
  [1600, 2560],
];

export function isScreenSize(width: number, height: number): boolean {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  return SCREEN_SIZES.some(([a, b]) => a === short && b === long);
}

/** Camera make and model from the upload's EXIF (absent from screenshots and most edited images). */
export async function cameraExif(bytes: Uint8Array): Promise<{ make?: string; model?: string; software?: string }> {
  try {
    const tags = (await exifr.parse(Buffer.from(bytes), { pick: ['Make', 'Model', 'Software'] })) as
      { Make?: unknown; Model?: unknown; Software?: unknown } | undefined;
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const make = text(tags?.Make);
    const model = text(tags?.Model);
    const software = text(tags?.Software);
    return { ...(make ? { make } : {}), ...(model ? { model } : {}), ...(software ? { software } : {}) };
  } catch {
    return {};
  }
}

/**
 * Synthetic flatness outside the card: the share of background pixels exactly equal to the most common colour.
 * A rendered screen (viewer background, bars) repeats one exact RGB value; a photographed table, even a plain one,
 * has sensor noise and shading.
 */
export function flatBackgroundShare(image: RgbImage, corners: Quad): number {
  const box = quadBounds(corners, image.width, image.height);
  const counts = new Map<number, number>();
  let total = 0;
  for (let y = 0; y < image.height; y += 2) {
    for (let x = 0; x < image.width; x += 2) {
      if (x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h) continue;
      const i = (y * image.width + x) * 3;
      const key = (image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total++;
    }
  }
  if (total < 100) return 0;
  let best = 0;
  for (const c of counts.values()) best = Math.max(best, c);
  return best / total;
}

/**
 * Straightness of the card's edges against the frame: the largest deviation (degrees) of any edge from horizontal
 * or vertical. A screenshot shows the card exactly axis-aligned; a hand-held photo almost never does.
 */
export function edgeTilt(corners: Quad): number {
  let worst = 0;
  for (let k = 0; k < 4; k++) {
    const a = corners[k]!;
    const b = corners[(k + 1) % 4]!;
    const angle = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
    const off = Math.abs(angle - Math.round(angle / 90) * 90);
    worst = Math.max(worst, off);
  }
  return worst;
}

/**
 * Regional inconsistency on the upright card: each region's edge sharpness (1 - re-blur) and flat-area noise
 * against the median of the other regions. A field or portrait pasted from elsewhere was resampled and compressed on
 * its own, so it is blurrier (or noisier) than the print around it. Returns the largest sharpness deficit and noise
 * ratio among the regions.
 */
export function regionalInconsistency(
  card: RgbImage,
  regions: Array<{ name: string; rect: Rect }>,
): { sharpnessDeficit: number; noiseRatio: number; region: string; regions: number } {
  const stats = regions
    .filter((r) => r.rect.width >= 12 && r.rect.height >= 8)
    .map((r) => {
      const grey: GreyImage = toGrey(crop(card, r.rect.x, r.rect.y, r.rect.width, r.rect.height));
      return { name: r.name, sharpness: 1 - reblurScore(grey), noise: noiseSigma(grey) };
    });
  if (stats.length < 3) return { sharpnessDeficit: 0, noiseRatio: 1, region: '', regions: stats.length };
  let deficit = 0;
  let ratio = 1;
  let region = '';
  for (const s of stats) {
    const others = stats.filter((o) => o !== s);
    const d = median(others.map((o) => o.sharpness)) - s.sharpness;
    const r = (s.noise + 0.5) / (median(others.map((o) => o.noise)) + 0.5);
    if (d > deficit) {
      deficit = d;
      region = s.name;
    }
    ratio = Math.max(ratio, r);
  }
  return { sharpnessDeficit: deficit, noiseRatio: ratio, region, regions: stats.length };
}

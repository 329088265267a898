import sharp from 'sharp';
import { type Point, type Quad } from '../card/card-outline.js';
import { type RgbImage } from '../ocr/ocr-types.js';

/** A single-channel float image (luma 0..255 unless stated). */
export interface GreyImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** Rec. 601 luma, the weighting JPEG itself uses. */
export function toGrey(image: RgbImage): GreyImage {
  const n = image.width * image.height;
  const data = new Float32Array(n);
  const d = image.data;
  for (let p = 0, i = 0; p < n; p++, i += 3) data[p] = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
  return { data, width: image.width, height: image.height };
}

/** Scales an RGB image so its longer side is at most `maxSide` (never enlarges). */
export async function shrink(image: RgbImage, maxSide: number): Promise<RgbImage> {
  const scale = maxSide / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data, width, height };
}

export function crop(image: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const x0 = Math.max(0, Math.min(image.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.floor(y)));
  const cw = Math.max(1, Math.min(image.width - x0, Math.round(w)));
  const ch = Math.max(1, Math.min(image.height - y0, Math.round(h)));
  const data = new Uint8Array(cw * ch * 3);
  for (let r = 0; r < ch; r++) {
    const from = ((y0 + r) * image.width + x0) * 3;
    data.set(image.data.subarray(from, from + cw * 3), r * cw * 3);
  }
  return { data, width: cw, height: ch };
}

/** Length of the card's top and left edges averaged with their opposites: its size in source pixels. */
export function quadSize(corners: Quad): { width: number; height: number } {
  const d = (a: Point, b: Point): number => Math.hypot(b.x - a.x, b.y - a.y);
  return {
    width: (d(corners[0], corners[1]) + d(corners[3], corners[2])) / 2,
    height: (d(corners[0], corners[3]) + d(corners[1], corners[2])) / 2,
  };
}

/** The axis-aligned box around the quad, clipped to the image. */
export function quadBounds(
  corners: Quad,
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number } {
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const x = Math.max(0, Math.floor(Math.min(...xs)));
  const y = Math.max(0, Math.floor(Math.min(...ys)));
  const x1 = Math.min(width, Math.ceil(Math.max(...xs)));
  const y1 = Math.min(height, Math.ceil(Math.max(...ys)));
  return { x, y, w: Math.max(1, x1 - x), h: Math.max(1, y1 - y) };
}

/** True when (x, y) lies inside the convex quad. */
export function insideQuad(corners: Quad, x: number, y: number): boolean {
  let sign = 0;
  for (let k = 0; k < 4; k++) {
    const a = corners[k]!;
    const b = corners[(k + 1) % 4]!;
    const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (cross !== 0) {
      const s = Math.sign(cross);
      if (sign === 0) sign = s;
      else if (s !== sign) return false;
    }
  }
  return true;
}

/** The q-quantile (0..1) of the values; sorts a copy. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const pos = Math.min(sorted.length - 1, Math.max(0, q * (sorted.length - 1)));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Variance of the 4-neighbour Laplacian over the image's interior. */
export function laplacianVariance(grey: GreyImage): number {
  const { data, width, height } = grey;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const l = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/**
 * Perceptual blur (Crété-Roffet et al. 2007): how much of the image's neighbour-to-neighbour variation survives a
 * 9-pixel box blur. 0 for a sharp image, towards 1 for a blurred one; unlike the Laplacian's variance it does not
 * grow with the amount of text or texture, only with the width of the edges.
 */
export function reblurScore(grey: GreyImage): number {
  const { data, width, height } = grey;
  const along = (horizontal: boolean): number => {
    const outer = horizontal ? height : width;
    const inner = horizontal ? width : height;
    const at = (o: number, k: number): number => (horizontal ? data[o * width + k]! : data[k * width + o]!);
    const line = new Float32Array(inner);
    const blurred = new Float32Array(inner);
    let sumF = 0;
    let sumV = 0;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < inner; k++) line[k] = at(o, k);
      let acc = 0;
      for (let k = 0; k < inner; k++) {
        acc += line[k]!;
        if (k >= 9) acc -= line[k - 9]!;
        blurred[k] = acc / Math.min(9, k + 1);
      }
      for (let k = 9; k < inner; k++) {
        const dF = Math.abs(line[k]! - line[k - 1]!);
        const dB = Math.abs(blurred[k]! - blurred[k - 1]!);
        sumF += dF;
        sumV += Math.max(0, dF - dB);
      }
    }
    return sumF > 0 ? (sumF - sumV) / sumF : 1;
  };
  return Math.max(along(true), along(false));
}

/**
 * Noise standard deviation (Immerkær 1996) measured only where the image is locally flat (Sobel magnitude below
 * its median), so that text and edges are not counted as noise. Every second pixel in each direction.
 */
export function noiseSigma(grey: GreyImage): number {
  const { data, width, height } = grey;
  const responses: number[] = [];
  const gradients: number[] = [];
  for (let y = 1; y < height - 1; y += 2) {
    for (let x = 1; x < width - 1; x += 2) {
      const i = y * width + x;
      const n = data[i - width]!;
      const s = data[i + width]!;
      const w = data[i - 1]!;
      const e = data[i + 1]!;
      const nw = data[i - width - 1]!;
      const ne = data[i - width + 1]!;
      const sw = data[i + width - 1]!;
      const se = data[i + width + 1]!;
      responses.push(Math.abs(4 * data[i]! - 2 * (n + s + w + e) + nw + ne + sw + se));
      gradients.push(Math.abs(ne + 2 * e + se - nw - 2 * w - sw) + Math.abs(sw + 2 * s + se - nw - 2 * n - ne));
    }
  }
  if (responses.length === 0) return 0;
  const flatLimit = histogramQuantile(gradients, 0.5, 4 * 255 * 2);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < responses.length; k++) {
    if (gradients[k]! <= flatLimit) {
      sum += responses[k]!;
      count++;
    }
  }
  return count ? (Math.sqrt(Math.PI / 2) * sum) / (6 * count) : 0;
}

/** Quantile of values in 0..max by a 1-wide histogram: linear time for the large arrays of pixel statistics. */
export function histogramQuantile(values: ArrayLike<number>, q: number, max: number): number {
  const bins = new Uint32Array(Math.ceil(max) + 1);
  for (let k = 0; k < values.length; k++) bins[Math.min(bins.length - 1, Math.max(0, Math.round(values[k]!)))]!++;
  const target = q * values.length;
  let seen = 0;
  for (let b = 0; b < bins.length; b++) {
    seen += bins[b]!;
    if (seen >= target) return b;
  }
  return bins.length - 1;
}

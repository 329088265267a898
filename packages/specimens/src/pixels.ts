import type { Prng } from './prng.js';

/** An RGB raster that clamps on write (Uint8ClampedArray over a Buffer). */
export interface RgbImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export function createRgb(width: number, height: number): RgbImage {
  return { data: new Uint8ClampedArray(width * height * 3), width, height };
}

export const asBuffer = (img: RgbImage): Buffer => Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length);

const GAUSS_TABLE_SIZE = 4096;
let gaussTable: Float32Array | undefined;

/** Standard normal samples at fixed quantiles, indexed by random bits: cheap per-pixel noise without Math.random. */
function gaussianTable(): Float32Array {
  if (!gaussTable) {
    gaussTable = new Float32Array(GAUSS_TABLE_SIZE);
    for (let i = 0; i < GAUSS_TABLE_SIZE; i++) gaussTable[i] = inverseNormal((i + 0.5) / GAUSS_TABLE_SIZE);
  }
  return gaussTable;
}

/** Acklam's rational approximation of the normal quantile function. */
function inverseNormal(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q0 = Math.min(p, 1 - p);
  let x: number;
  if (q0 < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(q0));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < 0.5 ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Adds zero-mean Gaussian noise of deviation `sigma`, mostly luminance with a little chroma. */
export function addNoise(img: RgbImage, sigma: number, rng: Prng): void {
  const table = gaussianTable();
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) {
    const bits = rng.nextUint32();
    const n = table[bits & 4095]! * sigma;
    const c = table[(bits >>> 12) & 4095]! * sigma * 0.35;
    d[i] = d[i]! + n + c;
    d[i + 1] = d[i + 1]! + n;
    d[i + 2] = d[i + 2]! + n - c;
  }
}

/** Gain then gamma on every channel: gain < 1 underexposes, gain > 1 clips highlights. */
export function applyExposure(img: RgbImage, gain: number, gamma: number): void {
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) lut[v] = 255 * Math.pow(Math.min(1, (v / 255) * gain), gamma);
  const d = img.data;
  for (let i = 0; i < d.length; i++) d[i] = lut[d[i]!]!;
}

export interface GlareSpot {
  x: number;
  y: number;
  radius: number;
  strength: number;
}

/** Specular highlights: white light added with a Gaussian fall-off around each spot. */
export function addGlare(img: RgbImage, spots: readonly GlareSpot[]): void {
  const { data, width, height } = img;
  for (const s of spots) {
    const r3 = s.radius * 3;
    const x0 = Math.max(0, Math.floor(s.x - r3));
    const x1 = Math.min(width - 1, Math.ceil(s.x + r3));
    const y0 = Math.max(0, Math.floor(s.y - r3));
    const y1 = Math.min(height - 1, Math.ceil(s.y + r3));
    const k = 1 / (2 * s.radius * s.radius);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - s.x;
        const dy = y + 0.5 - s.y;
        const a = s.strength * Math.exp(-(dx * dx + dy * dy) * k);
        if (a < 0.004) continue;
        const i = (y * width + x) * 3;
        data[i] = data[i]! + (255 - data[i]!) * a;
        data[i + 1] = data[i + 1]! + (255 - data[i + 1]!) * a;
        data[i + 2] = data[i + 2]! + (255 - data[i + 2]!) * a;
      }
    }
  }
}

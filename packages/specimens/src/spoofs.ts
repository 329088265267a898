import sharp from 'sharp';
import type { DocumentContent } from './documents.js';
import { escapeXml, Font } from './fonts.js';
import type { RgbImage } from './pixels.js';
import type { Prng } from './prng.js';
import type { RawImage } from './render-card.js';
import type { Corners, Rect } from './specimen-types.js';
import { TEMPLATES } from './templates.js';
import { warpOnto } from './warp.js';

const round2 = (v: number): number => Math.round(v * 100) / 100;

export interface ScreenRecaptureParams {
  /** Screen pixel pitch in card pixels: the grid is drawn in the screen's plane, so it follows the perspective. */
  pixelPitch: number;
  /** Dark screen margin around the displayed card, as a fraction of the card width. */
  margin: number;
  moireFrequency: number;
  moireAngle: number;
  moireDepth: number;
  gamma: number;
  tint: string;
}

export function screenRecaptureParams(rng: Prng): ScreenRecaptureParams {
  return {
    pixelPitch: round2(rng.range(2.2, 3.6)),
    margin: round2(rng.range(0.03, 0.08)),
    moireFrequency: round2(rng.range(0.035, 0.09)),
    moireAngle: round2(rng.range(-40, 40)),
    moireDepth: round2(rng.range(0.03, 0.08)),
    gamma: round2(rng.range(0.75, 0.9)),
    tint: rng.pick(['cool', 'warm']),
  };
}

/**
 * The display: the card drawn on a dark screen area with the screen's pixel grid (dark rows between pixel rows,
 * RGB sub-pixel stripes). Photographing this raster makes the grid alias against the camera's pixels (moiré).
 * Returns the raster and where the card sits in it.
 */
export function screenRaster(card: RawImage, p: ScreenRecaptureParams): { raster: RawImage; cardRect: Rect } {
  const m = Math.round(card.width * p.margin);
  const width = card.width + 2 * m;
  const height = card.height + 2 * m;
  const data = Buffer.alloc(width * height * 4);
  const pitch = p.pixelPitch;
  for (let y = 0; y < height; y++) {
    const rowGap = (y % pitch) / pitch < 0.25 ? 0.68 : 1;
    for (let x = 0; x < width; x++) {
      const sub = Math.floor(((x % pitch) / pitch) * 3);
      const di = (y * width + x) * 4;
      const cx = x - m;
      const cy = y - m;
      let r = 12;
      let g = 12;
      let b = 14;
      if (cx >= 0 && cy >= 0 && cx < card.width && cy < card.height) {
        const si = (cy * card.width + cx) * 4;
        const a = card.data[si + 3]! / 255;
        r = card.data[si]! * a + r * (1 - a);
        g = card.data[si + 1]! * a + g * (1 - a);
        b = card.data[si + 2]! * a + b * (1 - a);
      }
      data[di] = Math.min(255, r * rowGap * (sub === 0 ? 1.08 : 0.9));
      data[di + 1] = Math.min(255, g * rowGap * (sub === 1 ? 1.08 : 0.9));
      data[di + 2] = Math.min(255, b * rowGap * (sub === 2 ? 1.08 : 0.9));
      data[di + 3] = 255;
    }
  }
  return { raster: { data, width, height, channels: 4 }, cardRect: { x: m, y: m, w: card.width, h: card.height } };
}

/**
 * What the camera adds when it photographs a display, inside the screen's outline (`screen`, clockwise image
 * corners): display gamma and white point, raised blacks, a moiré beat.
 */
export function applyScreenLight(img: RgbImage, p: ScreenRecaptureParams, screen: Corners): void {
  const { data, width, height } = img;
  // Edge functions of the convex screen quad: a pixel is on the screen when it is on the inner side of all four.
  const edges = screen.map((a, i) => {
    const b = screen[(i + 1) % 4]!;
    return { ax: a.x, ay: a.y, dx: b.x - a.x, dy: b.y - a.y };
  });
  const orientation = Math.sign(edges[0]!.dx * edges[1]!.dy - edges[0]!.dy * edges[1]!.dx);
  const tint = p.tint === 'cool' ? [0.9, 0.98, 1.1] : [1.08, 1.0, 0.86];
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = 14 + 232 * Math.pow(v / 255, p.gamma);
  const a = (p.moireAngle * Math.PI) / 180;
  const fx = p.moireFrequency * Math.cos(a) * 2 * Math.PI;
  const fy = p.moireFrequency * Math.sin(a) * 2 * Math.PI;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      if (!edges.every((e) => Math.sign(e.dx * (py - e.ay) - e.dy * (px - e.ax)) !== -orientation)) continue;
      const k = 1 + p.moireDepth * Math.cos(fx * x + fy * y);
      const i = (y * width + x) * 3;
      data[i] = lut[data[i]!]! * tint[0]! * k;
      data[i + 1] = lut[data[i + 1]!]! * tint[1]! * k;
      data[i + 2] = lut[data[i + 2]!]! * tint[2]! * k;
    }
  }
}

export interface PhotocopyParams {
  contrast: number;
  brightness: number;
  halftonePeriod: number;
  halftoneDepth: number;
  tonerSpeckRate: number;
}

export function photocopyParams(rng: Prng): PhotocopyParams {
  return {
    contrast: round2(rng.range(0.55, 0.75)),
    brightness: round2(rng.range(55, 85)),
    halftonePeriod: rng.pick([3, 4]),
    halftoneDepth: round2(rng.range(22, 40)),
    tonerSpeckRate: round2(rng.range(0.002, 0.006) * 1000) / 1000,
  };
}

// 4x4 Bayer matrix, normalised to -0.5..0.5 below.
const BAYER4 = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];

/** A grey, faded photocopy: luminance only, low contrast, ordered-dither halftone, paper grain and toner specks. */
export function applyPhotocopy(img: RgbImage, p: PhotocopyParams, rng: Prng): void {
  const { data, width, height } = img;
  const period = p.halftonePeriod;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const lum = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      let v = p.brightness + lum * p.contrast;
      const b = BAYER4[((y % period) % 4) * 4 + ((x % period) % 4)]! / 16 - 0.47;
      v += b * p.halftoneDepth * (1 - Math.abs(lum - 128) / 160);
      const bits = rng.nextUint32();
      v += ((bits & 255) / 255 - 0.5) * 10;
      if ((bits >>> 8) / 16777216 < p.tonerSpeckRate) v = 30 + ((bits >>> 4) & 63);
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v * 0.98;
    }
  }
}

export interface ScreenshotParams {
  screenWidth: number;
  screenHeight: number;
  theme: 'light' | 'dark';
  app: string;
  clock: string;
}

/** Phone screen sizes (portrait) in physical pixels. */
const SCREENS: readonly [number, number][] = [
  [540, 960],
  [720, 1280],
  [750, 1334],
  [720, 1600],
];

export function screenshotParams(rng: Prng, screen?: [number, number]): ScreenshotParams {
  const [screenWidth, screenHeight] = screen ?? rng.pick(SCREENS);
  return {
    screenWidth,
    screenHeight,
    theme: rng.chance(0.5) ? 'light' : 'dark',
    app: rng.pick(['相册', 'Photos', 'Gallery', '文件']),
    clock: `${rng.int(7, 23)}:${String(rng.int(0, 59)).padStart(2, '0')}`,
  };
}

/**
 * A phone screenshot of the card in a photo viewer: exact screen size, status bar and app bar, card axis-aligned,
 * lossless PNG without camera metadata.
 */
export async function renderScreenshot(
  card: RawImage,
  p: ScreenshotParams,
): Promise<{ data: Buffer; corners: Corners }> {
  const W = p.screenWidth;
  const H = p.screenHeight;
  const bar = Math.round(W * 0.067);
  const appBar = Math.round(W * 0.15);
  const bg = p.theme === 'dark' ? '#000000' : '#f2f2f2';
  const fg = p.theme === 'dark' ? '#ffffff' : '#111111';
  const fs = Math.round(bar * 0.55);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">` +
    `<rect width="${W}" height="${H}" fill="${bg}"/>` +
    `<text x="${Math.round(W * 0.05)}" y="${Math.round(bar * 0.72)}" font-family=${Font.Latin} font-size="${fs}" fill="${fg}">${p.clock}</text>` +
    `<rect x="${W - Math.round(W * 0.1)}" y="${Math.round(bar * 0.3)}" width="${Math.round(W * 0.06)}" height="${Math.round(bar * 0.4)}" rx="3" fill="none" stroke="${fg}" stroke-width="2"/>` +
    `<rect x="${W - Math.round(W * 0.1) + 3}" y="${Math.round(bar * 0.3) + 3}" width="${Math.round(W * 0.04)}" height="${Math.round(bar * 0.4) - 6}" fill="${fg}"/>` +
    `<path d="M ${Math.round(W * 0.05)} ${bar + appBar / 2} l ${Math.round(appBar * 0.2)} -${Math.round(appBar * 0.2)} M ${Math.round(W * 0.05)} ${bar + appBar / 2} l ${Math.round(appBar * 0.2)} ${Math.round(appBar * 0.2)}" stroke="${fg}" stroke-width="4" fill="none"/>` +
    `<text x="${W / 2}" y="${Math.round(bar + appBar * 0.62)}" font-family=${Font.SansSc} font-size="${Math.round(appBar * 0.36)}" fill="${fg}" text-anchor="middle">${escapeXml(p.app)}</text>` +
    `<rect x="0" y="${H - appBar}" width="${W}" height="${appBar}" fill="${p.theme === 'dark' ? '#111' : '#fafafa'}"/>` +
    `</svg>`;
  const base = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  const scale = (W * 0.94) / card.width;
  const cw = card.width * scale;
  const ch = card.height * scale;
  const x0 = Math.round((W - cw) / 2);
  const y0 = Math.round((H - ch) / 2);
  const corners: Corners = [
    { x: x0, y: y0 },
    { x: x0 + Math.round(cw), y: y0 },
    { x: x0 + Math.round(cw), y: y0 + Math.round(ch) },
    { x: x0, y: y0 + Math.round(ch) },
  ];
  const data = new Uint8ClampedArray(base.buffer, base.byteOffset, base.length);
  warpOnto(data, W, H, card.data, card.width, card.height, corners);
  const png = await sharp(base, { raw: { width: W, height: H, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { data: png, corners };
}

export interface TamperParams {
  region: string;
  rect: Rect;
  resampleFactor: number;
  patchJpegQuality: number;
  offsetX: number;
  offsetY: number;
}

/**
 * Pastes one field (or the portrait) of a donor card into `card`, as an edit would: the patch is resampled and
 * JPEG-recompressed on its own, and lands a pixel or two off. Returns the parameters and, for a text field, the
 * value now printed there.
 */
export async function applyTamper(
  card: RawImage,
  donor: RawImage,
  doc: DocumentContent,
  donorDoc: DocumentContent,
  rng: Prng,
): Promise<{ params: TamperParams; field?: string; value?: string }> {
  const t = TEMPLATES[doc.kind];
  const candidates = Object.keys(t.fields).filter(
    (k) => k in doc.ocrIdInfo && doc.printed[k] && doc.printed[k] !== donorDoc.printed[k],
  );
  const usePortrait = t.portrait !== undefined && (candidates.length === 0 || rng.chance(0.5));
  const region = usePortrait ? 'portrait' : rng.pick(candidates);
  const r0 = usePortrait ? t.portrait! : t.fields[region]!;
  const pad = usePortrait ? 0 : 3;
  const rect: Rect = {
    x: Math.max(0, r0.x - pad),
    y: Math.max(0, r0.y - pad),
    w: Math.min(card.width - Math.max(0, r0.x - pad), r0.w + 2 * pad),
    h: Math.min(card.height - Math.max(0, r0.y - pad), r0.h + 2 * pad),
  };
  const params: TamperParams = {
    region,
    rect,
    resampleFactor: round2(rng.range(0.55, 0.8)),
    patchJpegQuality: rng.int(45, 70),
    offsetX: rng.int(-2, 2),
    offsetY: rng.int(-2, 2),
  };
  const patch = await sharp(donor.data, { raw: { width: donor.width, height: donor.height, channels: 4 } })
    .extract({ left: rect.x, top: rect.y, width: rect.w, height: rect.h })
    .resize(
      Math.max(1, Math.round(rect.w * params.resampleFactor)),
      Math.max(1, Math.round(rect.h * params.resampleFactor)),
    )
    .jpeg({ quality: params.patchJpegQuality })
    .toBuffer();
  const restored = await sharp(patch).resize(rect.w, rect.h, { kernel: 'cubic' }).removeAlpha().raw().toBuffer();
  const left = Math.min(Math.max(0, rect.x + params.offsetX), card.width - rect.w);
  const top = Math.min(Math.max(0, rect.y + params.offsetY), card.height - rect.h);
  for (let y = 0; y < rect.h; y++) {
    for (let x = 0; x < rect.w; x++) {
      const si = (y * rect.w + x) * 3;
      const di = ((top + y) * card.width + left + x) * 4;
      card.data[di] = restored[si]!;
      card.data[di + 1] = restored[si + 1]!;
      card.data[di + 2] = restored[si + 2]!;
      card.data[di + 3] = 255;
    }
  }
  return usePortrait ? { params } : { params, field: region, value: donorDoc.ocrIdInfo[region] ?? '' };
}

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
  pixelPitch: number;
  moireFrequency: number;
  moireAngle: number;
  moireDepth: number;
  gamma: number;
  tint: string;
}

export function screenRecaptureParams(rng: Prng): ScreenRecaptureParams {
  return {
    pixelPitch: round2(rng.range(2.6, 4.2)),
    moireFrequency: round2(rng.range(0.035, 0.09)),
    moireAngle: round2(rng.range(-40, 40)),
    moireDepth: round2(rng.range(0.08, 0.16)),
    gamma: round2(rng.range(0.75, 0.9)),
    tint: rng.pick(['cool', 'warm']),
  };
}

/**
 * A card shown on a display and photographed: display gamma and white point, raised blacks, the screen's pixel grid
 * with RGB sub-pixel stripes, and a moiré beat between the grid and the camera sensor.
 */
export function applyScreenRecapture(img: RgbImage, p: ScreenRecaptureParams): void {
  const { data, width, height } = img;
  const tint = p.tint === 'cool' ? [0.9, 0.98, 1.1] : [1.08, 1.0, 0.86];
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = 14 + 232 * Math.pow(v / 255, p.gamma);
  const a = (p.moireAngle * Math.PI) / 180;
  const fx = p.moireFrequency * Math.cos(a) * 2 * Math.PI;
  const fy = p.moireFrequency * Math.sin(a) * 2 * Math.PI;
  const pitch = p.pixelPitch;
  for (let y = 0; y < height; y++) {
    const rowPhase = (y % pitch) / pitch;
    const rowGap = rowPhase < 0.22 ? 0.72 : 1;
    for (let x = 0; x < width; x++) {
      const colPhase = (x % pitch) / pitch;
      const sub = Math.floor(colPhase * 3);
      const moire = 1 + p.moireDepth * Math.cos(fx * x + fy * y);
      const k = rowGap * moire;
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const stripe = c === sub ? 1.08 : 0.9;
        data[i + c] = lut[data[i + c]!]! * tint[c]! * stripe * k;
      }
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

import sharp from 'sharp';
import { BACKGROUND_STYLES, renderBackground, type BackgroundStyle } from './background.js';
import { addGlare, addNoise, applyExposure, asBuffer, type GlareSpot, type RgbImage } from './pixels.js';
import type { Prng } from './prng.js';
import type { RawImage } from './render-card.js';
import {
  CONDITION_PARAMS,
  CONDITION_TYPES,
  type AppliedCondition,
  type ConditionRequest,
  type ConditionType,
  type Corners,
  type Point,
} from './specimen-types.js';
import { warpOnto } from './warp.js';

export type ImageFormat = 'png' | 'jpeg';

/** A scene-level effect applied between placing the card and the camera effects (spoofs use it). */
export type SceneEffect = (scene: RgbImage, corners: Corners) => void;

export interface CaptureOptions {
  width: number;
  height: number;
  conditions: readonly ConditionRequest[];
  format: ImageFormat;
  rng: Prng;
  background?: BackgroundStyle;
  sceneEffect?: SceneEffect;
  /** Extra blur/JPEG choices a spoof imposes (e.g. recapture softness), applied if no condition sets them. */
  defaultBlur?: number;
  defaultJpegQuality?: number;
  /** Write camera-like EXIF (Make/Model) into JPEG output. */
  cameraExif?: boolean;
  /** 'phone' (default) adds a phone camera's mild vignetting, white balance shift, softness and sensor noise. */
  camera?: 'phone' | 'ideal';
}

/** The baseline imperfections of a phone camera applied to every photographed image ('phone' camera). */
export interface CameraModel {
  /** Darkening at the image corners relative to the centre (0.1 = 10%). */
  vignette: number;
  /** White balance: red gain 1 + warmth, blue gain 1 - warmth. */
  warmth: number;
  /** Lens/focus softness, replaced by a stronger 'blur' condition. */
  blurSigma: number;
  /** Sensor noise, added to JPEG output only (a PNG "photo" is already an unusual artefact). */
  noiseSigma: number;
}

function applyVignetteAndWhiteBalance(img: RgbImage, vignette: number, warmth: number): void {
  const { data, width, height } = img;
  const cx = width / 2;
  const cy = height / 2;
  const r2max = cx * cx + cy * cy;
  const rGain = 1 + warmth;
  const bGain = 1 - warmth;
  for (let y = 0; y < height; y++) {
    const dy2 = (y + 0.5 - cy) * (y + 0.5 - cy);
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - cx;
      const k = 1 - (vignette * (dx * dx + dy2)) / r2max;
      const i = (y * width + x) * 3;
      data[i] = data[i]! * k * rGain;
      data[i + 1] = data[i + 1]! * k;
      data[i + 2] = data[i + 2]! * k * bGain;
    }
  }
}

/** How the image file was written: what a forensic or quality check may look at. */
export interface Encoding {
  /** JPEG quality, absent for PNG. */
  jpegQuality?: number;
  /** Gaussian blur applied to the whole image (camera softness, a spoof's, or the blur condition), absent when none. */
  blurSigma?: number;
  /** Camera-like EXIF (Make 'dococr', Model 'specimen camera') present. */
  cameraExif: boolean;
}

export interface CaptureResult {
  data: Buffer;
  /** Absent for the 'ideal' camera. */
  camera?: CameraModel;
  encoding: Encoding;
  width: number;
  height: number;
  format: ImageFormat;
  corners: Corners;
  conditions: AppliedCondition[];
}

const CORNER_NAMES = ['top-left', 'top-right', 'bottom-right', 'bottom-left'] as const;

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Where the card lands: area share, centre, in-plane angle and a perspective tilt about each axis. */
interface Placement {
  coverage: number;
  cx: number;
  cy: number;
  angle: number;
  tiltX: number;
  tiltY: number;
}

function cornersFor(card: RawImage, W: number, H: number, p: Placement): Corners {
  const s = Math.sqrt((p.coverage * W * H) / (card.width * card.height));
  const hw = (card.width * s) / 2;
  const hh = (card.height * s) / 2;
  // Tilt about the vertical axis shortens the far vertical edge; about the horizontal axis, the far horizontal edge.
  const local: Point[] = [
    { x: -hw * (1 - p.tiltY), y: -hh * (1 - p.tiltX) },
    { x: hw * (1 - p.tiltY), y: -hh * (1 + p.tiltX) },
    { x: hw * (1 + p.tiltY), y: hh * (1 + p.tiltX) },
    { x: -hw * (1 + p.tiltY), y: hh * (1 - p.tiltX) },
  ];
  const a = (p.angle * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return local.map(({ x, y }) => ({ x: p.cx + x * cos - y * sin, y: p.cy + x * sin + y * cos })) as Corners;
}

const inside = (c: Corners, W: number, H: number, margin: number): boolean =>
  c.every((p) => p.x >= margin && p.y >= margin && p.x <= W - margin && p.y <= H - margin);

/** Maps a point of a W x H image through a clockwise rotation by `deg` (multiple of 90), pixel-edge coordinates. */
export function rotatePoint(p: Point, deg: number, W: number, H: number): Point {
  switch (((deg % 360) + 360) % 360) {
    case 90:
      return { x: H - p.y, y: p.x };
    case 180:
      return { x: W - p.x, y: H - p.y };
    case 270:
      return { x: p.y, y: W - p.x };
    default:
      return { ...p };
  }
}

/** Conditions by type with any fixed parameters; throws RangeError on unknown types or parameter names. */
export function normaliseConditions(
  requests: readonly ConditionRequest[],
): Map<ConditionType, Record<string, number | string>> {
  const out = new Map<ConditionType, Record<string, number | string>>();
  for (const r of requests) {
    const type = typeof r === 'string' ? r : r.type;
    if (!CONDITION_TYPES.includes(type)) throw new RangeError(`unknown condition '${String(type)}'`);
    const params = typeof r === 'string' ? {} : (r.params ?? {});
    for (const name of Object.keys(params)) {
      if (!CONDITION_PARAMS[type].includes(name)) {
        throw new RangeError(
          `condition '${type}' has no parameter '${name}' (has: ${CONDITION_PARAMS[type].join(', ')})`,
        );
      }
    }
    out.set(type, { ...out.get(type), ...params });
  }
  return out;
}

/** Photographs the card: places it on a surface, then applies the requested capture conditions. */
export async function captureCard(card: RawImage, o: CaptureOptions): Promise<CaptureResult> {
  const { width: W, height: H, rng } = o;
  const requested = normaliseConditions(o.conditions);
  const has = (t: ConditionType): boolean => requested.has(t);
  // The random value is drawn even when the caller fixed it, so fixing one parameter leaves the others unchanged.
  const num = (t: ConditionType, name: string, draw: number): number => {
    const v = requested.get(t)?.[name];
    if (v === undefined) return draw;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${t}.${name} must be a number`);
    return v;
  };
  const applied: AppliedCondition[] = [];
  const placement: Placement = { coverage: rng.range(0.62, 0.8), cx: W / 2, cy: H / 2, angle: 0, tiltX: 0, tiltY: 0 };
  if (has('small-card')) {
    placement.coverage = num('small-card', 'coverage', rng.range(0.18, 0.45));
    placement.cx += rng.range(-0.15, 0.15) * W;
    placement.cy += rng.range(-0.12, 0.12) * H;
  }
  let rotate90 = 0;
  if (has('rotation')) {
    const quarter = rng.chance(0.5);
    const turn = rng.pick([90, 180, 270]);
    const free = round2(rng.range(5, 25) * (rng.chance(0.5) ? -1 : 1));
    const degrees = num('rotation', 'degrees', quarter ? turn : free);
    const normalised = ((degrees % 360) + 360) % 360;
    if (normalised % 90 === 0) {
      rotate90 = normalised;
      applied.push({ type: 'rotation', params: { quarterTurns: rotate90 / 90, degrees: rotate90 } });
    } else {
      placement.angle = degrees;
      applied.push({ type: 'rotation', params: { degrees } });
    }
  }
  if (has('perspective')) {
    placement.tiltX = num('perspective', 'tiltX', round2(rng.range(0.06, 0.18) * (rng.chance(0.5) ? -1 : 1)));
    placement.tiltY = num('perspective', 'tiltY', round2(rng.range(0.06, 0.2) * (rng.chance(0.5) ? -1 : 1)));
    applied.push({ type: 'perspective', params: { tiltX: placement.tiltX, tiltY: placement.tiltY } });
  }
  let corners = cornersFor(card, W, H, placement);
  for (let i = 0; i < 40 && !inside(corners, W, H, 4); i++) {
    placement.coverage *= 0.93;
    placement.cx += (W / 2 - placement.cx) * 0.2;
    placement.cy += (H / 2 - placement.cy) * 0.2;
    corners = cornersFor(card, W, H, placement);
  }
  if (has('corner-cut')) {
    let k = rng.int(0, 3);
    const named = requested.get('corner-cut')?.corner;
    if (named !== undefined) {
      k = CORNER_NAMES.indexOf(named as (typeof CORNER_NAMES)[number]);
      if (k < 0) throw new RangeError(`corner-cut.corner must be one of ${CORNER_NAMES.join(', ')}`);
    }
    const c = corners[k]!;
    const overshoot = num('corner-cut', 'overshootPx', round2(rng.range(0.06, 0.14) * Math.min(W, H)));
    // Move the card so that corner k lies `overshoot` pixels beyond the nearest image edges.
    const dx = c.x < W / 2 ? -overshoot - c.x : W + overshoot - c.x;
    const dy = c.y < H / 2 ? -overshoot - c.y : H + overshoot - c.y;
    corners = corners.map((p) => ({ x: p.x + dx, y: p.y + dy })) as Corners;
    applied.push({ type: 'corner-cut', params: { corner: CORNER_NAMES[k]!, overshootPx: overshoot } });
  }
  if (has('small-card')) {
    applied.push({ type: 'small-card', params: { coverage: round2(placement.coverage) } });
  }

  // Rounded first so that the reported corners are exactly the ones the warp used.
  corners = corners.map((p) => ({ x: round3(p.x), y: round3(p.y) })) as Corners;
  const style = o.background ?? rng.pick(BACKGROUND_STYLES);
  const scene = renderBackground(W, H, style, rng.fork('background'));
  warpOnto(scene.data, W, H, card.data, card.width, card.height, corners);
  o.sceneEffect?.(scene, corners);
  const camRng = rng.fork('camera');
  const camera: CameraModel | undefined =
    o.camera === 'ideal'
      ? undefined
      : {
          vignette: round2(camRng.range(0.04, 0.16)),
          warmth: round2(camRng.range(-0.04, 0.04)),
          blurSigma: round2(camRng.range(0.4, 0.7)),
          noiseSigma: round2(camRng.range(1.2, 2.5)),
        };
  if (camera) applyVignetteAndWhiteBalance(scene, camera.vignette, camera.warmth);

  if (has('underexposed')) {
    const gain = num('underexposed', 'gain', round2(rng.range(0.3, 0.5)));
    const gamma = num('underexposed', 'gamma', round2(rng.range(1.2, 1.6)));
    applyExposure(scene, gain, gamma);
    applied.push({ type: 'underexposed', params: { gain, gamma } });
  }
  if (has('overexposed')) {
    const gain = num('overexposed', 'gain', round2(rng.range(1.6, 2.3)));
    const gamma = num('overexposed', 'gamma', round2(rng.range(0.6, 0.85)));
    applyExposure(scene, gain, gamma);
    applied.push({ type: 'overexposed', params: { gain, gamma } });
  }
  if (has('glare')) {
    const spots: GlareSpot[] = [];
    const n = num('glare', 'count', rng.int(1, 3));
    const xs = corners.map((p) => p.x);
    const ys = corners.map((p) => p.y);
    for (let i = 0; i < n; i++) {
      spots.push({
        x: round2(rng.range(Math.min(...xs), Math.max(...xs))),
        y: round2(rng.range(Math.min(...ys), Math.max(...ys))),
        radius: num('glare', 'radius', round2(rng.range(0.07, 0.16) * Math.min(W, H))),
        strength: num('glare', 'strength', round2(rng.range(0.75, 0.98))),
      });
    }
    addGlare(scene, spots);
    applied.push({ type: 'glare', params: { spots: JSON.stringify(spots) } });
  }
  let format = o.format;
  if (has('jpeg')) format = 'jpeg';
  if (camera && format === 'jpeg' && !has('noise')) addNoise(scene, camera.noiseSigma, camRng.fork('sensor'));
  if (has('noise')) {
    const sigma = num('noise', 'sigma', round2(rng.range(8, 22)));
    addNoise(scene, sigma, rng.fork('noise'));
    applied.push({ type: 'noise', params: { sigma } });
  }

  let pipeline = sharp(asBuffer(scene), { raw: { width: W, height: H, channels: 3 } });
  let blur = Math.max(o.defaultBlur ?? 0, camera?.blurSigma ?? 0);
  if (has('blur')) {
    blur = num('blur', 'sigma', round2(rng.range(1.6, 4)));
    applied.push({ type: 'blur', params: { sigma: blur } });
  }
  if (blur && blur >= 0.3) pipeline = pipeline.blur(blur);
  let outW = W;
  let outH = H;
  if (rotate90) {
    pipeline = pipeline.rotate(rotate90);
    corners = corners.map((p) => {
      const r = rotatePoint(p, rotate90, W, H);
      return { x: round3(r.x), y: round3(r.y) };
    }) as Corners;
    if (rotate90 !== 180) [outW, outH] = [H, W];
  }
  let quality = o.defaultJpegQuality ?? 92;
  if (has('jpeg')) {
    quality = Math.round(num('jpeg', 'quality', rng.int(12, 40)));
    if (quality < 1 || quality > 100) throw new RangeError('jpeg.quality must be 1..100');
    applied.push({ type: 'jpeg', params: { quality } });
  }
  const encoding: Encoding = { cameraExif: false };
  if (blur && blur >= 0.3) encoding.blurSigma = blur;
  if (format === 'jpeg') {
    pipeline = pipeline.jpeg({ quality, chromaSubsampling: '4:2:0' });
    encoding.jpegQuality = quality;
    if (o.cameraExif) {
      pipeline = pipeline.withExif({ IFD0: { Make: 'dococr', Model: 'specimen camera' } });
      encoding.cameraExif = true;
    }
  } else {
    pipeline = pipeline.png({ compressionLevel: 9, adaptiveFiltering: true });
  }
  const data = await pipeline.toBuffer();
  const order: ConditionType[] = [...requested.keys()];
  applied.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return {
    data,
    ...(camera ? { camera } : {}),
    encoding,
    width: outW,
    height: outH,
    format,
    corners,
    conditions: applied,
  };
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

import sharp from 'sharp';
import { type RgbImage } from '../ocr/ocr-types.js';
import { getOpenCv, type OpenCv } from './opencv.js';

export interface Point {
  x: number;
  y: number;
}

/** Corners in image pixels, in reading order of the card: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export type Rotation = 0 | 90 | 180 | 270;

/** Card shapes the engine rectifies to: ISO/IEC 7810 ID-1 cards and the ID-3 passport data page. */
export type CardFormat = 'id1' | 'td3';

/** Canonical rectified sizes (px). ID-1 is 85.6 x 54 mm at 10 px/mm; the TD3 page 125 x 88 mm at 8 px/mm. */
export const CANONICAL_SIZE: Record<CardFormat, { width: number; height: number }> = {
  id1: { width: 856, height: 540 },
  td3: { width: 1000, height: 704 },
};

export interface CardOutline {
  /** True when a four-sided outline was found; false means the whole image is taken as the card. */
  found: boolean;
  /** The card's corners in the source image, top-left first, with the card's long side as its width. */
  corners: Quad;
  /** Share of the image area the card covers (0..1). */
  coverage: number;
}

/** Longest side the outline search works at: enough for straight edges, cheap for contours. */
const SEARCH_SIDE = 640;

/**
 * Finds the card's outline: edges, contours, the largest convex four-sided contour with a card-like aspect ratio.
 * Corners are ordered so that the card's long edge runs from corner 0 to corner 1; which long edge is the top
 * (0 or 180 degrees) is decided later from the text ({@link rectify} plus an orientation check).
 */
export async function findCardOutline(image: RgbImage): Promise<CardOutline> {
  const { cv } = await getOpenCv();
  const scale = Math.min(1, SEARCH_SIDE / Math.max(image.width, image.height));
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const small =
    scale < 1
      ? await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .resize(w, h, { fit: 'fill' })
          .greyscale()
          .raw()
          .toBuffer()
      : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .greyscale()
          .raw()
          .toBuffer();
  const quad = findQuad(cv, small, w, h);
  if (!quad) {
    const corners: Quad = [
      { x: 0, y: 0 },
      { x: image.width, y: 0 },
      { x: image.width, y: image.height },
      { x: 0, y: image.height },
    ];
    return { found: false, corners, coverage: 1 };
  }
  const corners = quad.map((p) => ({ x: p.x / scale, y: p.y / scale })) as Quad;
  return { found: true, corners, coverage: Math.min(1, polygonArea(corners) / (image.width * image.height)) };
}

function findQuad(cv: OpenCv, grey: Buffer, w: number, h: number): Quad | undefined {
  const mats: Array<{ delete(): void }> = [];
  const track = <T extends { delete(): void }>(m: T): T => {
    mats.push(m);
    return m;
  };
  try {
    const src = track(new cv.Mat(h, w, cv.CV_8UC1));
    src.data.set(grey);
    const blur = track(new cv.Mat());
    cv.GaussianBlur(src, blur, new cv.Size(5, 5), 0);
    const median = medianOf(grey);
    const imageArea = w * h;
    let best: { quad: Quad; area: number } | undefined;
    // A strong and a weak edge threshold: a light card on white paper only shows faint edges.
    for (const [lo, hi] of [
      [0.66 * median, 1.33 * median],
      [10, 40],
    ] as const) {
      const edges = track(new cv.Mat());
      cv.Canny(blur, edges, Math.max(5, lo), Math.max(20, hi));
      const kernel = track(cv.Mat.ones(3, 3, cv.CV_8U));
      cv.dilate(edges, edges, kernel, new cv.Point(-1, -1), 2);
      const contours = track(new cv.MatVector());
      const hierarchy = track(new cv.Mat());
      cv.findContours(edges, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
      for (let i = 0; i < contours.size(); i++) {
        const contour = contours.get(i);
        const hull = new cv.Mat();
        const approx = new cv.Mat();
        try {
          if (cv.contourArea(contour) < 0.08 * imageArea) continue;
          cv.convexHull(contour, hull, false, true);
          const perimeter = cv.arcLength(hull, true);
          cv.approxPolyDP(hull, approx, 0.02 * perimeter, true);
          if (approx.rows !== 4 || !cv.isContourConvex(approx)) continue;
          const pts = Array.from({ length: 4 }, (_, k) => ({
            x: approx.data32S[k * 2] ?? 0,
            y: approx.data32S[k * 2 + 1] ?? 0,
          }));
          const quad = orderCorners(pts);
          const area = polygonArea(quad);
          // The frame itself (a scan that is all card) is not an outline; nor is a shape that is no card, nor one
          // resting on the frame's edges, which in a tightly cropped scan is a printed line, not the card's edge.
          if (area > 0.97 * imageArea || !cardLikeAspect(quad) || cornersOnBorder(quad, w, h) >= 2) continue;
          if (!best || area > best.area) best = { quad, area };
        } finally {
          contour.delete();
          hull.delete();
          approx.delete();
        }
      }
      if (best) break;
    }
    return best?.quad;
  } finally {
    for (const m of mats) m.delete();
  }
}

/** Orders four corners clockwise from the top-left and turns them so the long side comes first. */
export function orderCorners(points: Point[]): Quad {
  const cx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const cy = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sorted = [...points].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  // atan2 order with y pointing down is clockwise on screen; start at the corner nearest the top-left.
  let start = 0;
  sorted.forEach((p, i) => {
    const q = sorted[start] as Point;
    if (p.x + p.y < q.x + q.y) start = i;
  });
  const quad = [0, 1, 2, 3].map((k) => sorted[(start + k) % 4] as Point) as Quad;
  const top = dist(quad[0], quad[1]) + dist(quad[3], quad[2]);
  const side = dist(quad[0], quad[3]) + dist(quad[1], quad[2]);
  return top >= side ? quad : rotateOrder(quad, 1);
}

/** Shifts the corner order by `steps` quarter turns: the card's top-left becomes the old bottom-left, and so on. */
export function rotateOrder(quad: Quad, steps: number): Quad {
  const s = ((steps % 4) + 4) % 4;
  return [0, 1, 2, 3].map((k) => quad[(k - s + 4) % 4] as Point) as Quad;
}

function cornersOnBorder(quad: Quad, w: number, h: number): number {
  const mx = Math.max(3, 0.015 * w);
  const my = Math.max(3, 0.015 * h);
  return quad.filter((p) => p.x <= mx || p.y <= my || p.x >= w - 1 - mx || p.y >= h - 1 - my).length;
}

function cardLikeAspect(quad: Quad): boolean {
  const long = (dist(quad[0], quad[1]) + dist(quad[3], quad[2])) / 2;
  const short = (dist(quad[0], quad[3]) + dist(quad[1], quad[2])) / 2;
  const ratio = long / Math.max(1, short);
  // Perspective on a hand-held card shortens the far edge by a third at most; more is some other shape.
  const skew = Math.max(
    dist(quad[0], quad[1]) / Math.max(1, dist(quad[3], quad[2])),
    dist(quad[3], quad[2]) / Math.max(1, dist(quad[0], quad[1])),
    dist(quad[0], quad[3]) / Math.max(1, dist(quad[1], quad[2])),
    dist(quad[1], quad[2]) / Math.max(1, dist(quad[0], quad[3])),
  );
  if (skew > 1.5) return false;
  // ID-1 is 1.586 and the passport page 1.42; perspective squeezes either way, but a portrait photo (1.29) must not pass.
  return ratio >= 1.32 && ratio <= 2.2;
}

export function polygonArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i] as Point;
    const b = points[(i + 1) % points.length] as Point;
    sum += a.x * b.y - b.x * a.y;
  }
  return Math.abs(sum) / 2;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function medianOf(grey: Uint8Array): number {
  const hist = new Uint32Array(256);
  for (let i = 0; i < grey.length; i++) hist[grey[i] ?? 0]!++;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v] ?? 0;
    if (seen * 2 >= grey.length) return v;
  }
  return 128;
}

/**
 * Perspective-warps the card to `size`, corner 0 landing top-left. Large photos are first scaled to about twice
 * the target so the warp does not alias.
 */
export async function rectify(
  image: RgbImage,
  corners: Quad,
  size: { width: number; height: number },
): Promise<RgbImage> {
  const { cv } = await getOpenCv();
  const limit = 2 * Math.max(size.width, size.height);
  const scale = Math.min(1, limit / Math.max(image.width, image.height));
  let source = image;
  if (scale < 1) {
    const width = Math.round(image.width * scale);
    const height = Math.round(image.height * scale);
    const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
    source = { data, width, height };
  }
  const src = new cv.Mat(source.height, source.width, cv.CV_8UC3);
  const dst = new cv.Mat();
  const from = cv.matFromArray(
    4,
    1,
    cv.CV_32FC2,
    corners.flatMap((p) => [p.x * scale, p.y * scale]),
  );
  const to = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, size.width, 0, size.width, size.height, 0, size.height]);
  try {
    src.data.set(source.data);
    const m = cv.getPerspectiveTransform(from, to);
    try {
      cv.warpPerspective(src, dst, m, new cv.Size(size.width, size.height), cv.INTER_LINEAR, cv.BORDER_REPLICATE);
    } finally {
      m.delete();
    }
    return { data: new Uint8Array(dst.data), width: size.width, height: size.height };
  } finally {
    src.delete();
    dst.delete();
    from.delete();
    to.delete();
  }
}

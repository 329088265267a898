import type { Corners, Point, Rect } from './specimen-types.js';

/** Row-major 3x3 projective matrix. */
export type Homography = [number, number, number, number, number, number, number, number, number];

/**
 * The homography that maps the four `src` points onto the four `dst` points (direct linear transform with h33 = 1,
 * solved by Gaussian elimination with partial pivoting).
 */
export function homographyFromPoints(src: readonly Point[], dst: readonly Point[]): Homography {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = src[i]!;
    const { x: u, y: v } = dst[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) throw new RangeError('degenerate corner quadrilateral');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const other = a[r]!;
      const k = other[col]! / row[col]!;
      if (k === 0) continue;
      for (let c = col; c < 9; c++) other[c]! -= k * row[c]!;
    }
  }
  const h = a.map((row, i) => row[8]! / row[i]!);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/** The corners of a rectangle in card order: top-left, top-right, bottom-right, bottom-left. */
export function rectPoints(r: Rect): Corners {
  return [
    { x: r.x, y: r.y },
    { x: r.x + r.w, y: r.y },
    { x: r.x + r.w, y: r.y + r.h },
    { x: r.x, y: r.y + r.h },
  ];
}

/** A rectangle's corners mapped through `h`, rounded to `decimals` places. */
export function projectRect(h: Homography, r: Rect, decimals: number): Corners {
  const k = 10 ** decimals;
  return rectPoints(r).map((p) => {
    const q = applyHomography(h, p);
    return { x: Math.round(q.x * k) / k, y: Math.round(q.y * k) / k };
  }) as Corners;
}

export function applyHomography(h: Homography, p: Point): Point {
  const w = h[6] * p.x + h[7] * p.y + h[8];
  return { x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w };
}

export function invertHomography(h: Homography): Homography {
  const [a, b, c, d, e, f, g, k, l] = h;
  const A = e * l - f * k;
  const B = -(d * l - f * g);
  const C = d * k - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) throw new RangeError('singular homography');
  const inv: Homography = [
    A / det,
    -(b * l - c * k) / det,
    (b * f - c * e) / det,
    B / det,
    (a * l - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * k - b * g) / det,
    (a * e - b * d) / det,
  ];
  const s = inv[8];
  return inv.map((v) => v / s) as Homography;
}

/**
 * Draws an RGBA source (the card) onto an RGB destination through the projective map taking the source's corners
 * to `corners`, with bilinear sampling and alpha blending. Only the quad's bounding box is visited.
 */
export function warpOnto(
  dst: Uint8ClampedArray,
  dstWidth: number,
  dstHeight: number,
  srcBytes: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  corners: Corners,
): void {
  // A plain Uint8Array view: element access on Buffer (a subclass) is not always as fast in V8.
  const src = new Uint8Array(srcBytes.buffer, srcBytes.byteOffset, srcBytes.length);
  // Inverse map: destination pixel centre -> source coordinates.
  const inv = homographyFromPoints(corners, rectPoints({ x: 0, y: 0, w: srcWidth, h: srcHeight }));
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(dstWidth - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(dstHeight - 1, Math.ceil(Math.max(...ys)));
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = inv;
  const maxX = srcWidth - 1;
  const maxY = srcHeight - 1;
  const stride = srcWidth * 4;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    // Numerators and denominator are affine in x: step them instead of recomputing.
    let nx = h0 * (x0 + 0.5) + h1 * py + h2;
    let ny = h3 * (x0 + 0.5) + h4 * py + h5;
    let nw = h6 * (x0 + 0.5) + h7 * py + h8;
    for (let x = x0; x <= x1; x++, nx += h0, ny += h3, nw += h6) {
      const sx = nx / nw - 0.5;
      const sy = ny / nw - 0.5;
      if (sx < -1 || sy < -1 || sx > srcWidth || sy > srcHeight) continue;
      const fx = Math.floor(sx);
      const fy = Math.floor(sy);
      const ax = sx - fx;
      const ay = sy - fy;
      const di = (y * dstWidth + x) * 3;
      if (fx >= 0 && fy >= 0 && fx < maxX && fy < maxY) {
        const i00 = fy * stride + fx * 4;
        const i01 = i00 + stride;
        const w00 = (1 - ax) * (1 - ay);
        const w10 = ax * (1 - ay);
        const w01 = (1 - ax) * ay;
        const w11 = ax * ay;
        const a00 = src[i00 + 3]!;
        const a10 = src[i00 + 7]!;
        const a01 = src[i01 + 3]!;
        const a11 = src[i01 + 7]!;
        if ((a00 & a10 & a01 & a11) === 255) {
          // Interior of the card: all four taps opaque, plain bilinear.
          dst[di] = src[i00]! * w00 + src[i00 + 4]! * w10 + src[i01]! * w01 + src[i01 + 4]! * w11;
          dst[di + 1] = src[i00 + 1]! * w00 + src[i00 + 5]! * w10 + src[i01 + 1]! * w01 + src[i01 + 5]! * w11;
          dst[di + 2] = src[i00 + 2]! * w00 + src[i00 + 6]! * w10 + src[i01 + 2]! * w01 + src[i01 + 6]! * w11;
          continue;
        }
      }
      blendEdgePixel(dst, di, src, srcWidth, maxX, maxY, fx, fy, ax, ay);
    }
  }
}

/** Bilinear sample with per-tap alpha (card edges and rounded corners), composited "over" the destination. */
function blendEdgePixel(
  dst: Uint8ClampedArray,
  di: number,
  src: Uint8Array,
  srcWidth: number,
  maxX: number,
  maxY: number,
  fx: number,
  fy: number,
  ax: number,
  ay: number,
): void {
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let j = 0; j < 4; j++) {
    const cx = fx + (j & 1);
    const cy = fy + (j >> 1);
    if (cx < 0 || cy < 0 || cx > maxX || cy > maxY) continue;
    const wgt = ((j & 1) === 1 ? ax : 1 - ax) * (j >> 1 === 1 ? ay : 1 - ay);
    const si = (cy * srcWidth + cx) * 4;
    const sa = (src[si + 3]! / 255) * wgt;
    r += src[si]! * sa;
    g += src[si + 1]! * sa;
    b += src[si + 2]! * sa;
    a += sa;
  }
  if (a <= 0) return;
  // r, g, b are premultiplied by the sampled alpha: blend as "over".
  dst[di] = r + dst[di]! * (1 - a);
  dst[di + 1] = g + dst[di + 1]! * (1 - a);
  dst[di + 2] = b + dst[di + 2]! * (1 - a);
}

import { type Rect } from './ocr-types.js';

export interface DbOptions {
  /** Pixel probability above which a pixel is text. PaddleOCR: 0.3. */
  pixelThreshold?: number;
  /** Minimum mean probability of a region. PaddleOCR: 0.6. */
  boxThreshold?: number;
  /** How far a region grows back out, relative to area / perimeter. PaddleOCR: 1.5. */
  unclipRatio?: number;
  /** Regions with a shorter side are noise. */
  minSide?: number;
}

/**
 * DB (differentiable binarisation) post-processing: the text probability map becomes axis-aligned boxes.
 * The model predicts shrunken text kernels, so each connected region is grown back by area * ratio / perimeter,
 * as PaddleOCR does; we keep axis-aligned rectangles because the engine reads rectified cards.
 */
export function postprocessDetection(
  prob: Float32Array,
  width: number,
  height: number,
  options: DbOptions = {},
): Array<Rect & { score: number }> {
  const pixelThreshold = options.pixelThreshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.5;
  const minSide = options.minSide ?? 3;
  const labels = new Int32Array(width * height);
  const stack: number[] = [];
  const boxes: Array<Rect & { score: number }> = [];
  let next = 0;
  for (let start = 0; start < width * height; start++) {
    if (labels[start] !== 0 || (prob[start] ?? 0) <= pixelThreshold) continue;
    next++;
    labels[start] = next;
    stack.push(start);
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let sum = 0;
    let count = 0;
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      sum += prob[p] ?? 0;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      // 4-connectivity keeps neighbouring lines apart where their kernels touch at a corner.
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < height - 1) visit(p + width);
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < minSide) continue;
    const score = sum / count;
    if (score < boxThreshold) continue;
    const grow = (w * h * unclipRatio) / (2 * (w + h));
    const x0 = Math.max(0, minX - grow);
    const y0 = Math.max(0, minY - grow);
    const x1 = Math.min(width, maxX + 1 + grow);
    const y1 = Math.min(height, maxY + 1 + grow);
    boxes.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score });
  }
  return boxes;

  function visit(q: number): void {
    if (labels[q] === 0 && (prob[q] ?? 0) > pixelThreshold) {
      labels[q] = next;
      stack.push(q);
    }
  }
}

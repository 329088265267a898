import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { type RgbImage } from '../ocr/ocr-types.js';

/** Where the model ships: packages/engine/assets/blazeface (see its README for origin and licence). */
export const BLAZEFACE_MODEL_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../assets/blazeface/face_detection_back_256x256_barracuda.onnx',
);

const INPUT = 256;

export interface FaceDetection {
  /** Box in the coordinates of the image given to {@link detectFaces}. */
  box: { x: number; y: number; width: number; height: number };
  /** 0..1 */
  confidence: number;
  /** Right eye, left eye, nose tip, mouth, right ear, left ear (as seen in the image: subject's right is image left). */
  keypoints: Array<{ x: number; y: number }>;
}

let session: Promise<ort.InferenceSession> | undefined;

/** The ONNX session, created once per process. */
export function blazeFaceSession(): Promise<ort.InferenceSession> {
  session ??= ort.InferenceSession.create(BLAZEFACE_MODEL_PATH, {
    logSeverityLevel: 3,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  return session;
}

/**
 * Finds faces with BlazeFace (back-camera model, 256x256, for faces that fill little of the frame). The image is
 * letterboxed into the square input, so faces keep their shape. Detections above `minConfidence` after
 * non-maximum suppression, best first.
 */
export async function detectFaces(image: RgbImage, minConfidence = 0.5): Promise<FaceDetection[]> {
  const scale = INPUT / Math.max(image.width, image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const padX = Math.floor((INPUT - w) / 2);
  const padY = Math.floor((INPUT - h) / 2);
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer();
  const input = new Float32Array(INPUT * INPUT * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = ((y + padY) * INPUT + x + padX) * 3;
      input[d] = resized[s]! / 127.5 - 1;
      input[d + 1] = resized[s + 1]! / 127.5 - 1;
      input[d + 2] = resized[s + 2]! / 127.5 - 1;
    }
  }
  const model = await blazeFaceSession();
  const out = await model.run({ [model.inputNames[0]!]: new ort.Tensor('float32', input, [1, INPUT, INPUT, 3]) });
  const [s1, s2, b1, b2] = model.outputNames.map((n) => out[n]!.data as Float32Array);
  const raw = [...decode(s1!, b1!, 16, 2, minConfidence), ...decode(s2!, b2!, 8, 6, minConfidence)];
  const toImage = (u: number, v: number): { x: number; y: number } => ({
    x: (u * INPUT - padX) / scale,
    y: (v * INPUT - padY) / scale,
  });
  return suppress(raw).map((d) => {
    const tl = toImage(d.cx - d.w / 2, d.cy - d.h / 2);
    const br = toImage(d.cx + d.w / 2, d.cy + d.h / 2);
    return {
      box: { x: tl.x, y: tl.y, width: br.x - tl.x, height: br.y - tl.y },
      confidence: d.score,
      keypoints: d.keypoints.map((k) => toImage(k.x, k.y)),
    };
  });
}

interface RawDetection {
  cx: number;
  cy: number;
  w: number;
  h: number;
  score: number;
  keypoints: Array<{ x: number; y: number }>;
}

/** Anchors sit at cell centres of a cells x cells grid, `anchors` per cell; offsets are in input pixels. */
function decode(
  scores: Float32Array,
  boxes: Float32Array,
  cells: number,
  anchors: number,
  min: number,
): RawDetection[] {
  const found: RawDetection[] = [];
  for (let k = 0; k < scores.length; k++) {
    const score = 1 / (1 + Math.exp(-Math.max(-80, Math.min(80, scores[k]!))));
    if (score < min) continue;
    const cell = Math.floor(k / anchors);
    const ax = ((cell % cells) + 0.5) / cells;
    const ay = (Math.floor(cell / cells) + 0.5) / cells;
    const o = k * 16;
    const keypoints = [];
    for (let p = 0; p < 6; p++) {
      keypoints.push({ x: ax + boxes[o + 4 + 2 * p]! / INPUT, y: ay + boxes[o + 5 + 2 * p]! / INPUT });
    }
    found.push({
      cx: ax + boxes[o]! / INPUT,
      cy: ay + boxes[o + 1]! / INPUT,
      w: boxes[o + 2]! / INPUT,
      h: boxes[o + 3]! / INPUT,
      score,
      keypoints,
    });
  }
  return found;
}

/** MediaPipe's weighted suppression: overlapping detections are averaged, weighted by score. */
function suppress(detections: RawDetection[]): RawDetection[] {
  const left = [...detections].sort((a, b) => b.score - a.score);
  const kept: RawDetection[] = [];
  while (left.length) {
    const best = left[0]!;
    const group = left.filter((d) => iou(best, d) > 0.3);
    const total = group.reduce((s, d) => s + d.score, 0);
    const avg = (f: (d: RawDetection) => number): number => group.reduce((s, d) => s + f(d) * d.score, 0) / total;
    kept.push({
      cx: avg((d) => d.cx),
      cy: avg((d) => d.cy),
      w: avg((d) => d.w),
      h: avg((d) => d.h),
      score: best.score,
      keypoints: best.keypoints.map((_, p) => ({
        x: avg((d) => d.keypoints[p]!.x),
        y: avg((d) => d.keypoints[p]!.y),
      })),
    });
    for (const d of group) left.splice(left.indexOf(d), 1);
  }
  return kept;
}

function iou(a: RawDetection, b: RawDetection): number {
  const x0 = Math.max(a.cx - a.w / 2, b.cx - b.w / 2);
  const x1 = Math.min(a.cx + a.w / 2, b.cx + b.w / 2);
  const y0 = Math.max(a.cy - a.h / 2, b.cy - b.h / 2);
  const y1 = Math.min(a.cy + a.h / 2, b.cy + b.h / 2);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.w * a.h + b.w * b.h - inter);
}

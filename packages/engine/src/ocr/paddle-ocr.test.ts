import { describe, expect, it } from 'vitest';
import { loadRgb, realFixture } from '../testing/fixtures.js';
import { postprocessDetection } from './db-postprocess.js';
import { ctcDecode, getPaddleOcr } from './paddle-ocr.js';

describe('ctcDecode', () => {
  it('merges repeats, drops blanks and reports per-character confidence', () => {
    const alphabet = ['', 'A', 'B', ' '];
    // steps: A A blank A B B
    const rows = [
      [0.1, 0.9, 0, 0],
      [0.2, 0.8, 0, 0],
      [0.7, 0.3, 0, 0],
      [0.4, 0.6, 0, 0],
      [0, 0, 1, 0],
      [0, 0.1, 0.9, 0],
    ];
    const decoded = ctcDecode(new Float32Array(rows.flat()), 0, rows.length, 4, alphabet);
    expect(decoded.text).toBe('AAB');
    expect(decoded.charConfidences.map((c) => Number(c.toFixed(2)))).toEqual([0.9, 0.6, 1]);
    expect(decoded.confidence).toBeCloseTo((0.9 + 0.6 + 1) / 3, 5);
  });
});

describe('postprocessDetection', () => {
  it('turns two separate probability blobs into two grown boxes', () => {
    const w = 40;
    const h = 20;
    const prob = new Float32Array(w * h);
    for (let y = 4; y < 8; y++) for (let x = 2; x < 20; x++) prob[y * w + x] = 0.9;
    for (let y = 12; y < 16; y++) for (let x = 25; x < 38; x++) prob[y * w + x] = 0.8;
    prob[0] = 0.95; // a single-pixel speck is noise
    const boxes = postprocessDetection(prob, w, h);
    expect(boxes).toHaveLength(2);
    const [a, b] = boxes;
    expect(a?.x).toBeLessThan(2);
    expect(a?.width).toBeGreaterThan(18);
    expect(a?.score).toBeCloseTo(0.9, 5);
    expect(b?.y).toBeLessThan(12);
  });
});

describe('PaddleOcr on a real card', () => {
  it('detects and reads the lines of the mainland ID sample', async () => {
    const ocr = await getPaddleOcr();
    expect(await getPaddleOcr()).toBe(ocr);
    const image = await loadRgb(realFixture('cn_resident_id/cardocr__test1_weixiaobao_front.png'));
    const lines = await ocr.readAll(image, { maxSide: 960 });
    const texts = lines.map((l) => l.text);
    expect(texts).toContain('11204416541220243X');
    expect(texts.some((t) => t.includes('韦小宝'))).toBe(true);
    const number = lines.find((l) => l.text === '11204416541220243X');
    expect(number?.confidence).toBeGreaterThan(0.9);
    expect(number?.charConfidences).toHaveLength(18);
    // the ID number sits in the bottom third, right of the label
    expect((number?.y ?? 0) / image.height).toBeGreaterThan(0.66);
  });

  it('recognises a given region without detection', async () => {
    const ocr = await getPaddleOcr();
    const image = await loadRgb(realFixture('cn_resident_id/cardocr__test1_weixiaobao_front.png'));
    const read = await ocr.recognize(image, { x: 168, y: 258, width: 262, height: 28 });
    expect(read.text).toBe('11204416541220243X');
  });
});

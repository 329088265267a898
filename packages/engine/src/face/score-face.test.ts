import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { type RgbImage } from '../ocr/ocr-types.js';
import { loadRgb, realFixture } from '../testing/fixtures.js';
import { loadSample } from '../testing/samples.js';
import { detectFaces } from './blazeface.js';
import { scoreFace } from './score-face.js';

async function edited(image: RgbImage, edit: (s: Sharp) => Sharp): Promise<RgbImage> {
  const raw = { raw: { width: image.width, height: image.height, channels: 3 as const } };
  const { data, info } = await edit(sharp(image.data, raw)).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Adds deterministic uniform noise of the given standard deviation. */
function withNoise(image: RgbImage, sigma: number): RgbImage {
  const data = new Uint8Array(image.data.length);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const u = state / 2 ** 32 - 0.5;
    data[i] = Math.max(0, Math.min(255, Math.round(image.data[i]! + u * sigma * Math.sqrt(12))));
  }
  return { data, width: image.width, height: image.height };
}

describe('scoreFace', () => {
  it('finds the portrait on a genuine sample with its eyes inside the box', async () => {
    const s = await loadSample('passport-td3.png');
    const r = await scoreFace({ image: s.image });
    expect(r.faceFound).toBe(true);
    expect(r.score).toBeGreaterThan(50);
    const { box, keypoints } = r.detection!;
    for (const eye of keypoints.slice(0, 2)) {
      expect(eye.x).toBeGreaterThan(box.x);
      expect(eye.x).toBeLessThan(box.x + box.width);
      expect(eye.y).toBeGreaterThan(box.y);
      expect(eye.y).toBeLessThan(box.y + box.height);
    }
  });

  it('falls monotonically with blur, darkness and noise', async () => {
    const s = await loadSample('passport-td3.png');
    const blurred = [];
    for (const sigma of [0.3, 1.5, 3, 5])
      blurred.push((await scoreFace({ image: await edited(s.image, (p) => p.blur(sigma)) })).score);
    for (let k = 1; k < blurred.length; k++) expect(blurred[k]).toBeLessThan(blurred[k - 1]!);
    const dark = [];
    for (const gain of [1, 0.5, 0.3])
      dark.push((await scoreFace({ image: await edited(s.image, (p) => p.linear(gain, 0)) })).score);
    for (let k = 1; k < dark.length; k++) expect(dark[k]).toBeLessThan(dark[k - 1]!);
    const noisy = [];
    for (const sigma of [0, 20, 40]) noisy.push((await scoreFace({ image: withNoise(s.image, sigma) })).factors!.noise);
    for (let k = 1; k < noisy.length; k++) expect(noisy[k]).toBeLessThan(noisy[k - 1]!);
  });

  it('scores the portrait region only, and a side without a face as 0 with faceFound false', async () => {
    const emblem = await loadSample('cn-id-emblem.png');
    expect(await scoreFace({ image: emblem.image })).toEqual({ score: 0, faceFound: false });
    const s = await loadSample('passport-td3.png');
    const r = await scoreFace({ image: s.image, portraitRegion: { x: 0, y: 0, w: 80, h: 80 } });
    expect(r.faceFound).toBe(false);
  });

  it('scores the real mainland ID sample photo high and a heavily blurred copy of it low', async () => {
    const image = await loadRgb(realFixture('cn_resident_id/cardocr__test1_weixiaobao_front.png'));
    const sharpScore = await scoreFace({ image });
    expect(sharpScore.score).toBeGreaterThan(80);
    const blurred = await scoreFace({ image: await edited(image, (p) => p.blur(4)) });
    expect(blurred.score).toBeLessThan(sharpScore.score / 2);
  });

  it('finds nothing in a flat grey image', async () => {
    const flat = await edited({ data: new Uint8Array(300 * 200 * 3).fill(128), width: 300, height: 200 }, (p) => p);
    expect(await detectFaces(flat)).toEqual([]);
  });
});

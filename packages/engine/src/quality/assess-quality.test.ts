import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { findCardOutline, type Quad } from '../card/card-outline.js';
import { type RgbImage } from '../ocr/ocr-types.js';
import { loadRgb, realFixture } from '../testing/fixtures.js';
import { loadSample } from '../testing/samples.js';
import { assessQuality, judgeQuality, measureQuality, QUALITY_THRESHOLDS } from './assess-quality.js';
import { estimateJpegQuality } from './jpeg-quality.js';
import { type QualityMeasurements } from './quality-types.js';

async function transform(image: RgbImage, edit: (s: Sharp) => Sharp): Promise<RgbImage> {
  const data = await edit(sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }))
    .raw()
    .toBuffer();
  return { data, width: image.width, height: image.height };
}

/** A specular highlight: pixels blended towards white, fully at the centre and fading out at `radius`. */
function withSpot(image: RgbImage, cx: number, cy: number, radius: number): RgbImage {
  const data = new Uint8Array(image.data);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const k = Math.max(0, 1 - Math.hypot(x - cx, y - cy) / radius) ** 0.5;
      for (let c = 0; c < 3; c++) {
        const i = (y * image.width + x) * 3 + c;
        data[i] = Math.round(data[i]! + k * (255 - data[i]!));
      }
    }
  }
  return { data, width: image.width, height: image.height };
}

describe('assessQuality', () => {
  it('passes a clean labelled sample in every mode and measures nothing in mode 3', async () => {
    const s = await loadSample('hkid-2018.png');
    const input = { image: s.image, card: { corners: s.corners, coverage: s.coverage } };
    for (const mode of ['0', '1', '2'] as const) {
      const q = await assessQuality(input, mode);
      expect(q.failures, `mode ${mode}`).toEqual([]);
      expect(q.passed).toBe(true);
    }
    const off = await assessQuality(input, '3');
    expect(off).toEqual({ passed: true, mode: '3', failures: [] });
  });

  it('rejects blur, darkness, overexposure and a small card for the right reason', async () => {
    const s = await loadSample('passport-td3.png');
    const card = { corners: s.corners, coverage: s.coverage };
    const check = async (image: RgbImage, expected: string, c = card): Promise<void> => {
      const q = await assessQuality({ image, card: c }, '0');
      expect(q.passed).toBe(false);
      expect(q.failures.map((f) => f.check)).toContain(expected);
    };
    await check(await transform(s.image, (p) => p.blur(3)), 'sharpness');
    await check(await transform(s.image, (p) => p.linear(0.35, 0).gamma(2.2, 1)), 'exposureLow');
    await check(await transform(s.image, (p) => p.linear(2.2, 0)), 'brightClipping');
    await check(withSpot(s.image, 420, 260, 45), 'glare');
    const small = await transform(s.image, (p) =>
      p.resize(320, 240).extend({ right: 320, bottom: 240, background: '#404040' }),
    );
    const half = s.corners.map((p) => ({ x: p.x / 2, y: p.y / 2 })) as Quad;
    await check(small, 'coverage', { corners: half, coverage: s.coverage / 4 });
  });

  it('rejects heavy JPEG compression from the upload bytes', async () => {
    const s = await loadSample('hkid-2018.png');
    const raw = { raw: { width: s.image.width, height: s.image.height, channels: 3 as const } };
    const bytes = new Uint8Array(await sharp(s.image.data, raw).jpeg({ quality: 20 }).toBuffer());
    const q = await assessQuality(
      { image: s.image, card: { corners: s.corners, coverage: s.coverage }, original: { bytes } },
      '0',
    );
    expect(q.failures.map((f) => f.check)).toEqual(['jpegQuality']);
  });

  it('fails each check just past its threshold and passes it just inside', async () => {
    const s = await loadSample('hkid-2018.png');
    const m = await measureQuality({ image: s.image, card: { corners: s.corners, coverage: s.coverage } });
    const t = QUALITY_THRESHOLDS['0'];
    const cases: Array<[keyof QualityMeasurements, number, number, string]> = [
      ['sharpness', t.minSharpness + 1e-6, t.minSharpness - 1e-6, 'sharpness'],
      ['noiseSigma', t.maxNoiseSigma, t.maxNoiseSigma + 1e-6, 'noise'],
      ['glareFraction', t.maxGlareFraction, t.maxGlareFraction + 1e-6, 'glare'],
      ['coverage', t.minCoverage, t.minCoverage - 1e-6, 'coverage'],
      ['cardWidthPx', t.minCardWidthPx, t.minCardWidthPx - 1, 'resolution'],
      ['skewDegrees', t.maxSkewDegrees, t.maxSkewDegrees + 0.01, 'skew'],
      ['ocrConfidence', t.minOcrConfidence, t.minOcrConfidence - 0.01, 'ocrConfidence'],
    ];
    for (const [key, inside, outside, check] of cases) {
      expect(
        judgeQuality({ ...m, [key]: inside }, '0').failures.map((f) => f.check),
        key,
      ).not.toContain(check);
      expect(judgeQuality({ ...m, [key]: outside }, '0').failures, key).toContainEqual({
        check,
        value: outside,
        threshold: expect.any(Number) as number,
      });
    }
  });

  it('orders the modes: strict rejects what standard accepts, loose accepts what standard rejects', async () => {
    const s = await loadSample('hkid-2018.png');
    const m = await measureQuality({ image: s.image, card: { corners: s.corners, coverage: s.coverage } });
    const mild = { ...m, sharpness: (QUALITY_THRESHOLDS['1'].minSharpness + QUALITY_THRESHOLDS['0'].minSharpness) / 2 };
    expect(judgeQuality(mild, '1').passed).toBe(false);
    expect(judgeQuality(mild, '0').passed).toBe(true);
    const rough = { ...m, coverage: 0.4 };
    expect(judgeQuality(rough, '0').passed).toBe(false);
    expect(judgeQuality(rough, '2').passed).toBe(true);
    expect(judgeQuality({ ...m, quarterTurns: 1 }, '1').failures.map((f) => f.check)).toEqual(['upright']);
  });

  it('accepts the real HKID specimen photo in loose mode and finds its low resolution in strict mode', async () => {
    const image = await loadRgb(realFixture('hkid_2003/alucard001__hkid_sample.jpg'));
    const outline = await findCardOutline(image);
    const input = { image, card: { corners: outline.corners, coverage: outline.coverage } };
    const loose = await assessQuality(input, '2');
    expect(loose.failures).toEqual([]);
    const strict = await assessQuality(input, '1');
    expect(strict.failures.map((f) => f.check)).toContain('resolution');
  });
});

describe('estimateJpegQuality', () => {
  it('recovers the libjpeg quality setting and ignores PNG', async () => {
    const img = sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } });
    for (const quality of [20, 50, 75, 92]) {
      const bytes = new Uint8Array(await img.clone().jpeg({ quality }).toBuffer());
      expect(Math.abs(estimateJpegQuality(bytes)! - quality)).toBeLessThanOrEqual(2);
    }
    expect(estimateJpegQuality(new Uint8Array(await img.clone().png().toBuffer()))).toBeUndefined();
  });
});

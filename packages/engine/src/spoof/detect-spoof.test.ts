import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findCardOutline, rectify, type Quad } from '../card/card-outline.js';
import { decodeImage } from '../image/load-image.js';
import { type RgbImage } from '../ocr/ocr-types.js';
import { realFixture } from '../testing/fixtures.js';
import { loadSample, type LabelledSample } from '../testing/samples.js';
import { detectSpoof, greyScore, photoCopy, screenRemark, shortcut, SPOOF_THRESHOLDS } from './detect-spoof.js';
import { type SpoofFinding, type SpoofInput, type SpoofKind } from './spoof-types.js';

const inputOf = (s: LabelledSample, extra: Partial<SpoofInput> = {}): SpoofInput => ({
  image: s.image,
  original: { bytes: s.bytes, mediaType: s.mediaType },
  card: { corners: s.corners, coverage: s.coverage },
  docType: s.docType,
  ...extra,
});
const detected = (findings: SpoofFinding[]): SpoofKind[] => findings.filter((f) => f.detected).map((f) => f.type);

async function realInput(relative: string, docType = '01000000'): Promise<SpoofInput> {
  const bytes = new Uint8Array(await readFile(realFixture(relative)));
  const rgb = await decodeImage({ bytes }, { maxSide: 1600 });
  const image = { data: rgb.data, width: rgb.width, height: rgb.height };
  const outline = await findCardOutline(image);
  const mediaType = bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
  return {
    image,
    original: { bytes, mediaType },
    card: { corners: outline.corners, coverage: outline.coverage },
    docType,
  };
}

/** Adds a sinusoidal grating (period in pixels, amplitude in grey levels): a screen grid that is not the generator's. */
function withGrating(image: RgbImage, period: number, amplitude: number): RgbImage {
  const data = new Uint8Array(image.data);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = amplitude * Math.sin((2 * Math.PI * (x * 0.94 + y * 0.34)) / period);
      for (let c = 0; c < 3; c++) {
        const i = (y * image.width + x) * 3 + c;
        data[i] = Math.max(0, Math.min(255, data[i]! + v));
      }
    }
  }
  return { data, width: image.width, height: image.height };
}

/** Blends every pixel towards its own grey by `keep` (1 = unchanged colour, 0 = grey). */
function desaturate(image: RgbImage, keep: number): RgbImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i += 3) {
    const l = 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
    for (let c = 0; c < 3; c++) data[i + c] = Math.round(l + keep * (image.data[i + c]! - l));
  }
  return { data, width: image.width, height: image.height };
}

describe('detectSpoof on labelled samples', () => {
  it('finds nothing on genuine samples and returns one finding per type', async () => {
    for (const name of ['hkid-2018.png', 'passport-td3.jpg', 'cn-id-face.png', 'mainland-permit-taiwan.png']) {
      const { findings } = await detectSpoof(inputOf(await loadSample(name)));
      expect(findings.map((f) => f.type)).toEqual(['SCREEN_REMARK', 'PHOTO_COPY', 'SHORTCUT', 'TAMPER']);
      expect(detected(findings), name).toEqual([]);
    }
  });

  it('catches each labelled spoof sample as its own type only', async () => {
    const cases: Array<[string, SpoofKind, Partial<SpoofInput>]> = [
      ['spoof-screen-remark.jpg', 'SCREEN_REMARK', {}],
      ['spoof-photo-copy.jpg', 'PHOTO_COPY', {}],
      ['spoof-shortcut.png', 'SHORTCUT', {}],
      // TAMPER is decided by the reading step's MRZ / check-character consistency (see tamper()).
      ['spoof-tamper.jpg', 'TAMPER', { mrzConsistent: false }],
    ];
    for (const [name, type, extra] of cases) {
      const { findings } = await detectSpoof(inputOf(await loadSample(name), extra));
      expect(detected(findings), name).toEqual([type]);
    }
  });
});

describe('detector thresholds', () => {
  it('SCREEN_REMARK rises with the amplitude of a fine grating and crosses its threshold', async () => {
    const s = await loadSample('hkid-2018.png');
    const scores: number[] = [];
    for (const amplitude of [0, 8, 16, 32]) {
      scores.push(screenRemark(inputOf(s, { image: withGrating(s.image, 3.3, amplitude) })).score);
    }
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeGreaterThan(scores[k - 1]!);
    expect(scores[0]).toBeLessThan(SPOOF_THRESHOLDS.SCREEN_REMARK.threshold);
    expect(scores[3]).toBeGreaterThanOrEqual(SPOOF_THRESHOLDS.SCREEN_REMARK.threshold);
  });

  it('PHOTO_COPY rises as colour is taken away and flips between some colour and none', async () => {
    const s = await loadSample('cn-id-face.png');
    const results: SpoofFinding[] = [];
    for (const keep of [1, 0.3, 0.1, 0]) {
      const image = desaturate(s.image, keep);
      results.push(
        await photoCopy(inputOf(s, { image }), await rectify(image, s.corners, { width: 856, height: 540 })),
      );
    }
    for (let k = 1; k < results.length; k++) expect(results[k]!.score).toBeGreaterThan(results[k - 1]!.score);
    expect(results[0]!.detected).toBe(false);
    expect(results[3]!.detected).toBe(true);
    // Just inside and just past the limit (scores are rounded to 3 decimals before the comparison).
    const limit = SPOOF_THRESHOLDS.PHOTO_COPY.chromaLimit;
    const threshold = SPOOF_THRESHOLDS.PHOTO_COPY.threshold;
    expect(greyScore(limit * 0.99, limit)).toBeGreaterThan(threshold);
    expect(greyScore(limit, limit)).toBe(threshold);
    expect(greyScore(limit * 1.01, limit)).toBeLessThan(threshold);
  });

  it('SHORTCUT reaches its threshold exactly with PNG, no camera, flat background and an axis-aligned card', async () => {
    const width = 700;
    const height = 500;
    const base = new Uint8Array(width * height * 3).fill(242);
    const corners: Quad = [
      { x: 100, y: 100 },
      { x: 600, y: 100 },
      { x: 600, y: 415 },
      { x: 100, y: 415 },
    ];
    for (let y = 100; y < 415; y++)
      for (let x = 100; x < 600; x++)
        base.fill(90 + ((x * 7 + y * 3) % 60), (y * width + x) * 3, (y * width + x) * 3 + 3);
    const image = { data: base, width, height };
    const png = new Uint8Array(
      await sharp(base, { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const input: SpoofInput = {
      image,
      original: { bytes: png, mediaType: 'image/png' },
      card: { corners, coverage: 0.45 },
      docType: '01000000',
    };
    const aligned = await shortcut(input);
    expect(aligned.score).toBeCloseTo(SPOOF_THRESHOLDS.SHORTCUT.threshold, 6);
    expect(aligned.detected).toBe(true);
    const tilted: Quad = [corners[0], { x: 600, y: 110 }, corners[2], corners[3]];
    const notAligned = await shortcut({ ...input, card: { corners: tilted, coverage: 0.45 } });
    expect(notAligned.score).toBeLessThan(SPOOF_THRESHOLDS.SHORTCUT.threshold);
    expect(notAligned.detected).toBe(false);
  });
});

describe('detectSpoof on real fixtures', () => {
  it('calls real grey photocopies PHOTO_COPY', async () => {
    for (const file of [
      'photocopy/dlc2021__srb_passport__00.cg0001__000139.jpg',
      'photocopy/dlc2021__aze_passport__00.cg0001__000021.jpg',
      'photocopy/dlc2021__lva_passport__00.cg0001__000031.jpg',
    ]) {
      const input = await realInput(file);
      const { findings } = await detectSpoof(input);
      expect(detected(findings), file).toEqual(['PHOTO_COPY']);
    }
  });

  it('leaves real genuine specimens unflagged, and calls the in-app screenshot SHORTCUT', async () => {
    for (const [file, docType] of [
      ['cn_resident_id/cardocr__test1_weixiaobao_front.png', '00000001'],
      ['hkid_2003/alucard001__hkid_sample.jpg', '00000006'],
      ['passport_td3/passporteye__passport-td3.png', '01000000'],
      ['passport_td3/passporteye__100_pass-cze.jpg', '01000000'],
    ] as const) {
      const { findings } = await detectSpoof(await realInput(file, docType));
      expect(detected(findings), file).toEqual([]);
    }
    const shot = await detectSpoof(await realInput('passport_td3/passporteye__62_pass-aus.png'));
    expect(detected(shot.findings)).toEqual(['SHORTCUT']);
  });
});

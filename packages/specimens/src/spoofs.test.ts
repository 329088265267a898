import { SpoofType } from '@dococr/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderSpecimen } from './generate.js';
import { TEMPLATES } from './templates.js';

async function rgb(data: Buffer): Promise<{ d: Buffer; w: number; h: number }> {
  const { data: d, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { d, w: info.width, h: info.height };
}

describe('spoofs', () => {
  it('SHORTCUT is a lossless PNG at a phone screen size with no camera metadata; genuine photos carry EXIF', async () => {
    const shot = await renderSpecimen({ seed: 's', kind: 'hkid-2003', spoof: SpoofType.Shortcut });
    const meta = await sharp(shot.data).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([shot.spoofParams!.screenWidth, shot.spoofParams!.screenHeight]);
    expect(meta.exif).toBeUndefined();
    expect(shot.encoding.cameraExif).toBe(false);
    const genuine = await renderSpecimen({ seed: 's', kind: 'hkid-2003' });
    expect((await sharp(genuine.data).metadata()).exif).toBeDefined();
    expect(genuine.encoding).toMatchObject({ cameraExif: true, jpegQuality: 92 });
  });

  it('PHOTO_COPY is grey', async () => {
    const s = await renderSpecimen({
      seed: 'p',
      kind: 'cn-id-face',
      spoof: SpoofType.PhotoCopy,
      format: 'png',
      camera: 'ideal',
    });
    const { d } = await rgb(s.data);
    let chroma = 0;
    for (let i = 0; i < d.length; i += 3) chroma += Math.abs(d[i]! - d[i + 1]!);
    expect(chroma / (d.length / 3)).toBeLessThan(2);
  });

  it('SCREEN_REMARK shows the screen grid: far more row-to-row change inside the card than a genuine capture', async () => {
    const rowChange = async (spoof?: SpoofType): Promise<number> => {
      const s = await renderSpecimen({ seed: 'r', kind: 'macao-id', format: 'png', ...(spoof ? { spoof } : {}) });
      const { d, w } = await rgb(s.data);
      const [tl, , br] = s.corners;
      // The middle half of the card (clean captures are axis-aligned).
      const x0 = Math.round(tl.x + (br.x - tl.x) * 0.25);
      const x1 = Math.round(tl.x + (br.x - tl.x) * 0.75);
      const y0 = Math.round(tl.y + (br.y - tl.y) * 0.25);
      const y1 = Math.round(tl.y + (br.y - tl.y) * 0.75);
      let sum = 0;
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          sum += Math.abs(d[(y * w + x) * 3 + 1]! - d[((y + 1) * w + x) * 3 + 1]!);
          n++;
        }
      }
      return sum / n;
    };
    expect(await rowChange(SpoofType.ScreenRemark)).toBeGreaterThan(1.8 * (await rowChange()));
  });

  it('TAMPER changes only the pasted region and updates the ground truth of a pasted field', async () => {
    let sawField = false;
    for (let i = 0; i < 6; i++) {
      const opts = { seed: `t-${i}`, kind: 'exit-entry-permit' as const, format: 'png' as const };
      const genuine = await renderSpecimen(opts);
      const tampered = await renderSpecimen({ ...opts, spoof: SpoofType.Tamper });
      expect(tampered.corners).toEqual(genuine.corners);
      const region = String(tampered.spoofParams!.region);
      const rect = tampered.spoofParams!.rect as { x: number; y: number; w: number; h: number };
      const a = await rgb(genuine.data);
      const b = await rgb(tampered.data);
      // Clean captures are axis-aligned: card pixel (u, v) sits at corner0 + (u, v) * scale.
      const t = TEMPLATES['exit-entry-permit'];
      const [c0, c1] = tampered.corners;
      const scale = (c1.x - c0.x) / t.width;
      const x0 = c0.x + (rect.x - 3) * scale;
      const x1 = c0.x + (rect.x + rect.w + 3) * scale;
      const y0 = c0.y + (rect.y - 3) * scale;
      const y1 = c0.y + (rect.y + rect.h + 3) * scale;
      let outside = 0;
      let inside = 0;
      for (let y = 0; y < a.h; y++) {
        for (let x = 0; x < a.w; x++) {
          const k = (y * a.w + x) * 3;
          const diff = Math.abs(a.d[k]! - b.d[k]!) + Math.abs(a.d[k + 1]! - b.d[k + 1]!);
          if (diff < 24) continue;
          if (x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1) inside++;
          else outside++;
        }
      }
      expect(outside).toBe(0);
      expect(inside).toBeGreaterThan(20);
      if (region !== 'portrait') {
        sawField = true;
        expect(tampered.groundTruth.ocrIdInfo[region]).not.toBe(genuine.groundTruth.ocrIdInfo[region]);
      }
    }
    expect(sawField).toBe(true);
  });
});

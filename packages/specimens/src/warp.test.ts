import { describe, expect, it } from 'vitest';
import { rotatePoint } from './capture.js';
import { applyHomography, homographyFromPoints, invertHomography, warpOnto } from './warp.js';

describe('homography', () => {
  const src = [
    { x: 0, y: 0 },
    { x: 856, y: 0 },
    { x: 856, y: 540 },
    { x: 0, y: 540 },
  ];
  const dst = [
    { x: 101.5, y: 80.25 },
    { x: 560, y: 60 },
    { x: 600.125, y: 420 },
    { x: 70, y: 390 },
  ];

  it('maps each source corner onto its destination corner', () => {
    const h = homographyFromPoints(src, dst);
    src.forEach((p, i) => {
      const q = applyHomography(h, p);
      expect(q.x).toBeCloseTo(dst[i]!.x, 6);
      expect(q.y).toBeCloseTo(dst[i]!.y, 6);
    });
    const inv = invertHomography(h);
    const back = applyHomography(inv, dst[2]!);
    expect(back.x).toBeCloseTo(856, 6);
    expect(back.y).toBeCloseTo(540, 6);
  });

  it('draws an opaque card exactly inside an axis-aligned quad', () => {
    const W = 40;
    const H = 30;
    const dstImg = new Uint8ClampedArray(W * H * 3);
    const card = Buffer.alloc(20 * 10 * 4, 255);
    warpOnto(dstImg, W, H, card, 20, 10, [
      { x: 10, y: 10 },
      { x: 30, y: 10 },
      { x: 30, y: 20 },
      { x: 10, y: 20 },
    ]);
    const at = (x: number, y: number): number => dstImg[(y * W + x) * 3]!;
    expect(at(15, 15)).toBe(255);
    expect(at(10, 10)).toBeGreaterThan(100);
    expect(at(5, 15)).toBe(0);
    expect(at(31, 15)).toBe(0);
    expect(at(15, 21)).toBe(0);
  });
});

describe('rotatePoint', () => {
  it('follows a clockwise quarter turn of a 640x480 image', () => {
    expect(rotatePoint({ x: 0, y: 0 }, 90, 640, 480)).toEqual({ x: 480, y: 0 });
    expect(rotatePoint({ x: 640, y: 0 }, 90, 640, 480)).toEqual({ x: 480, y: 640 });
    expect(rotatePoint({ x: 10, y: 20 }, 180, 640, 480)).toEqual({ x: 630, y: 460 });
    expect(rotatePoint({ x: 10, y: 20 }, 270, 640, 480)).toEqual({ x: 20, y: 630 });
  });
});

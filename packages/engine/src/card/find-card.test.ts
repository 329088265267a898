import { describe, expect, it } from 'vitest';
import { loadRgb, placeOnTable, realFixture } from '../testing/fixtures.js';
import { findCardOutline, orderCorners, rotateOrder, type Quad } from './card-outline.js';
import { findCard, rotate180, rotationOf } from './find-card.js';

const CN_SAMPLE = 'cn_resident_id/cardocr__test1_weixiaobao_front.png';

function maxCornerError(found: Quad, expected: Array<{ x: number; y: number }>): number {
  return Math.max(...found.map((p, i) => Math.hypot(p.x - (expected[i]?.x ?? 0), p.y - (expected[i]?.y ?? 0))));
}

describe('card geometry helpers', () => {
  it('orders corners clockwise from the top-left with the long side first', () => {
    const tall = orderCorners([
      { x: 10, y: 200 },
      { x: 110, y: 0 },
      { x: 10, y: 0 },
      { x: 110, y: 200 },
    ]);
    // a card standing on its side: its top edge is one of the long, vertical edges
    expect(Math.abs(tall[0].x - tall[1].x)).toBe(0);
    expect(rotationOf(tall) === 90 || rotationOf(tall) === 270).toBe(true);
    const flat: Quad = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 60 },
      { x: 0, y: 60 },
    ];
    expect(rotationOf(flat)).toBe(0);
    expect(rotationOf(rotateOrder(flat, 2))).toBe(180);
  });

  it('turns an image by half a turn', () => {
    const image = { data: new Uint8Array([1, 2, 3, 4, 5, 6]), width: 2, height: 1 };
    expect(Array.from(rotate180(image).data)).toEqual([4, 5, 6, 1, 2, 3]);
  });
});

describe('findCardOutline', () => {
  it('takes a tightly cropped scan as the whole card', async () => {
    const outline = await findCardOutline(await loadRgb(realFixture(CN_SAMPLE)));
    expect(outline.found).toBe(false);
    expect(outline.coverage).toBe(1);
  });

  it('finds the photocopied card on a sheet within 1% of the annotated corners', async () => {
    const image = await loadRgb(realFixture('photocopy/dlc2021__esp_id__00.cg0001__000041.jpg'));
    const outline = await findCardOutline(image);
    const expected = [
      { x: 125, y: 203 },
      { x: 914, y: 228 },
      { x: 900, y: 716 },
      { x: 102, y: 692 },
    ];
    expect(outline.found).toBe(true);
    expect(maxCornerError(outline.corners, expected) / Math.hypot(image.width, image.height)).toBeLessThan(0.01);
    expect(outline.coverage).toBeGreaterThan(0.15);
    expect(outline.coverage).toBeLessThan(0.25);
  });
});

describe('findCard on a card photographed on a table', () => {
  const scenes = {
    straight: {
      rotation: 0,
      corners: [
        { x: 70, y: 80 },
        { x: 570, y: 80 },
        { x: 570, y: 396 },
        { x: 70, y: 396 },
      ],
    },
    upsideDown: {
      rotation: 180,
      corners: [
        { x: 570, y: 396 },
        { x: 70, y: 396 },
        { x: 70, y: 80 },
        { x: 570, y: 80 },
      ],
    },
    perspective: {
      rotation: 0,
      corners: [
        { x: 120, y: 90 },
        { x: 540, y: 60 },
        { x: 590, y: 420 },
        { x: 60, y: 380 },
      ],
    },
    turned90: {
      rotation: 90,
      corners: [
        { x: 480, y: 40 },
        { x: 480, y: 440 },
        { x: 200, y: 440 },
        { x: 200, y: 40 },
      ],
    },
  } as const;

  for (const [name, scene] of Object.entries(scenes)) {
    it(`${name}: finds the corners, the coverage and the turn`, async () => {
      const card = await loadRgb(realFixture(CN_SAMPLE));
      const photo = await placeOnTable(card, { width: 640, height: 480, corners: [...scene.corners] });
      const found = await findCard(photo, { format: 'id1' });
      expect(found.outlineFound).toBe(true);
      expect(found.rotation).toBe(scene.rotation);
      expect(maxCornerError(found.corners, [...scene.corners])).toBeLessThan(8);
      expect(found.image.width).toBe(856);
      expect(found.coverage).toBeGreaterThan(0.3);
      expect(found.coverage).toBeLessThan(0.6);
      expect(found.orientationMargin).toBeGreaterThan(0.2);
    });
  }
});

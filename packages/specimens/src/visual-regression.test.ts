import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { missingFonts } from './fonts.js';
import { SPECIMEN_KINDS } from './layouts.js';
import { visualFixturePng } from './visual-fixture.js';

const FIXTURES = new URL('../test/fixtures/', import.meta.url);

async function rgba(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

// Regenerate after an intended change with: node scripts/update-visual-fixtures.mjs (after a build).
describe('visual regression: one clean card per DocType and side', () => {
  it('has the fonts the templates name', () => {
    expect(missingFonts()).toEqual([]);
  });

  for (const kind of SPECIMEN_KINDS) {
    it(`${kind} stays within a mean absolute difference of 2 grey levels`, async () => {
      const expected = await rgba(await readFile(new URL(`${kind}.png`, FIXTURES)));
      const actual = await rgba(await visualFixturePng(kind));
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      let sum = 0;
      for (let i = 0; i < actual.data.length; i++) sum += Math.abs(actual.data[i]! - expected.data[i]!);
      const mad = sum / actual.data.length;
      expect(mad).toBeLessThan(2);
    });
  }
});

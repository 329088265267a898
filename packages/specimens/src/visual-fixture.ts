import sharp from 'sharp';
import { createDocument } from './documents.js';
import { Prng } from './prng.js';
import { renderCard } from './render-card.js';
import type { SpecimenKind } from './specimen-types.js';

/** Seed of the committed visual-regression fixtures (test/fixtures/<kind>.png). */
export const VISUAL_FIXTURE_SEED = 'visual-regression-v1';

/** One clean card side, rendered flat and halved in size: the image the visual-regression test compares. */
export async function visualFixturePng(kind: SpecimenKind): Promise<Buffer> {
  const doc = createDocument(kind, new Prng(`${VISUAL_FIXTURE_SEED}/${kind}`));
  const card = await renderCard(doc, { portrait: { kind: 'face', index: 0 } });
  return sharp(card.data, { raw: { width: card.width, height: card.height, channels: 4 } })
    .resize(Math.round(card.width / 2), Math.round(card.height / 2))
    .png({ compressionLevel: 9 })
    .toBuffer();
}

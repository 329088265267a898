// Regenerates assets/faces/*.jpg: head-and-shoulders crops of the demo photos shipped in @vladmandic/face-api 1.7.15
// (MIT; its README says the photos were taken by the author). See FACES.md for the licence record.
// Run: node scripts/extract-faces.mjs
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
const demo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const out = new URL('../assets/faces/', import.meta.url);
mkdirSync(out, { recursive: true });

// [sample file, left, top] of a 420x525 crop in the 1920-pixel-wide original.
export const CROPS = [
  ['sample3.jpg', 950, 110],
  ['sample3.jpg', 1390, 180],
  ['sample3.jpg', 470, 210],
  ['sample6.jpg', 150, 350],
  ['sample6.jpg', 540, 230],
  ['sample6.jpg', 1390, 160],
  ['sample5.jpg', 650, 0],
  ['sample1.jpg', 310, 210],
];

let i = 0;
for (const [file, left, top] of CROPS) {
  const name = `face-${String(i++).padStart(2, '0')}.jpg`;
  await sharp(path.join(demo, file))
    .extract({ left, top, width: 420, height: 525 })
    .resize(240, 300)
    .jpeg({ quality: 85 })
    .toFile(new URL(name, out).pathname);
  console.log(`${name} <- ${file} (${left},${top})`);
}

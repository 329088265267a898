// Rewrites test/fixtures/<kind>.png, the references of the visual-regression test, from the built package.
// Run after an intended rendering change: npx nx run @dococr/specimens:build && node scripts/update-visual-fixtures.mjs
import { writeFile } from 'node:fs/promises';
import { SPECIMEN_KINDS } from '../dist/index.js';
import { visualFixturePng } from '../dist/visual-fixture.js';

for (const kind of SPECIMEN_KINDS) {
  await writeFile(new URL(`../test/fixtures/${kind}.png`, import.meta.url), await visualFixturePng(kind));
  console.log(`test/fixtures/${kind}.png`);
}

// Writes docs/specimens-contact-sheet.png (one clean capture per DocType and side) from the built package.
// Run: npx nx run @dococr/specimens:build && node packages/specimens/scripts/make-contact-sheet.mjs
import { writeFile } from 'node:fs/promises';
import { contactSheetPng } from '../dist/index.js';

const out = new URL('../../../docs/specimens-contact-sheet.png', import.meta.url);
await writeFile(out, await contactSheetPng());
console.log(out.pathname);

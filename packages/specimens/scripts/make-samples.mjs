// Regenerates the repository's samples/ folder (build the package first: npx nx run @dococr/specimens:build).
// Usage: node packages/specimens/scripts/make-samples.mjs [outDir]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSamples } from '../dist/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'samples'));
const entries = await makeSamples(outDir);
for (const e of entries)
  console.log(`${e.image}\t${e.width}x${e.height}\t${e.kind}\t${e.spoofTypes.join(',') || 'genuine'}`);

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { polygonArea, type Quad } from '../card/card-outline.js';
import { decodeImage } from '../image/load-image.js';
import { type RgbImage } from '../ocr/ocr-types.js';
import { repoRoot } from './fixtures.js';

/** One of the repository's labelled `samples/` images (made by @dococr/specimens) with its manifest record. */
export interface LabelledSample {
  name: string;
  bytes: Uint8Array;
  mediaType: 'image/jpeg' | 'image/png';
  image: RgbImage;
  corners: Quad;
  coverage: number;
  docType: string;
  spoofTypes: string[];
}

interface ManifestLine {
  image: string;
  docType: string;
  corners: Quad;
  spoofTypes: string[];
}

let manifest: Promise<ManifestLine[]> | undefined;

export async function loadSample(name: string): Promise<LabelledSample> {
  manifest ??= readFile(path.join(repoRoot, 'samples/manifest.jsonl'), 'utf8').then((text) =>
    text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as ManifestLine),
  );
  const line = (await manifest).find((l) => l.image === name);
  if (!line) throw new Error(`samples/${name} is not in samples/manifest.jsonl`);
  const bytes = new Uint8Array(await readFile(path.join(repoRoot, 'samples', name)));
  const rgb = await decodeImage({ bytes });
  const image = { data: rgb.data, width: rgb.width, height: rgb.height };
  return {
    name,
    bytes,
    mediaType: name.endsWith('.png') ? 'image/png' : 'image/jpeg',
    image,
    corners: line.corners,
    coverage: Math.min(1, polygonArea(line.corners) / (image.width * image.height)),
    docType: line.docType,
    spoofTypes: line.spoofTypes,
  };
}

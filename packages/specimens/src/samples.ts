import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SpoofType } from '@dococr/core';
import { renderSpecimen, type SpecimenOptions, type SpecimenRecord } from './generate.js';
import { SPECIMEN_KINDS } from './layouts.js';

/** The seed of the committed samples/ set. */
export const SAMPLES_SEED = 'dococr-samples-v1';

export interface SampleSpec {
  file: string;
  options: SpecimenOptions;
}

/** The sample set: one clean PNG per DocType and side, a JPEG passport, and one image per spoof type. */
export function sampleSpecs(): SampleSpec[] {
  const clean: SampleSpec[] = SPECIMEN_KINDS.map((kind) => ({
    file: `${kind}.png`,
    // The 'ideal' camera (no vignetting) keeps these lossless files small; the JPEG passport uses the phone camera.
    options: { seed: SAMPLES_SEED, kind, format: 'png', background: 'desk-grey', camera: 'ideal' },
  }));
  const spoof = (file: string, kind: SpecimenOptions['kind'], s: SpoofType): SampleSpec => ({
    file,
    options: { seed: SAMPLES_SEED, kind, spoof: s, format: 'jpeg' },
  });
  return [
    ...clean,
    { file: 'passport-td3.jpg', options: { seed: SAMPLES_SEED, kind: 'passport-td3', format: 'jpeg' } },
    spoof('spoof-screen-remark.jpg', 'cn-id-face', SpoofType.ScreenRemark),
    spoof('spoof-photo-copy.jpg', 'hkid-2018', SpoofType.PhotoCopy),
    {
      file: 'spoof-shortcut.png',
      options: { seed: SAMPLES_SEED, kind: 'passport-td3', spoof: SpoofType.Shortcut, screen: [540, 960] },
    },
    spoof('spoof-tamper.jpg', 'exit-entry-permit', SpoofType.Tamper),
  ];
}

/**
 * Writes the sample set and its `manifest.jsonl` into `outDir` (the repository's `samples/`), returning the entries.
 * Deterministic, so re-running it changes no bytes.
 */
export async function makeSamples(outDir: string): Promise<(SpecimenRecord & { image: string })[]> {
  await mkdir(outDir, { recursive: true });
  const entries: (SpecimenRecord & { image: string })[] = [];
  for (const spec of sampleSpecs()) {
    const { data, ...record } = await renderSpecimen(spec.options);
    await writeFile(path.join(outDir, spec.file), data);
    entries.push({ image: spec.file, ...record });
  }
  await writeFile(path.join(outDir, 'manifest.jsonl'), entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return entries;
}

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestEntry, ManifestMeta } from './generate.js';

/** A manifest line that does not match its image. */
export interface ManifestIssue {
  line: number;
  image?: string;
  problem: string;
}

/**
 * Reads `manifest.jsonl` (and `manifest.meta.json` when present) from a folder written by `generate`, for
 * benchmarks and accuracy runs. With `check: true` it also confirms that every image exists with the recorded size.
 * @example const { entries } = await readManifest('out/specimens'); // entries[i].groundTruth.ocrIdInfo
 */
export async function readManifest(
  dir: string,
  options: { check?: boolean } = {},
): Promise<{ entries: ManifestEntry[]; meta?: ManifestMeta; issues: ManifestIssue[] }> {
  const text = await readFile(path.join(dir, 'manifest.jsonl'), 'utf8');
  const entries: ManifestEntry[] = [];
  const issues: ManifestIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      const e = JSON.parse(raw) as ManifestEntry;
      if (typeof e.image !== 'string' || typeof e.docType !== 'string' || !e.groundTruth?.ocrIdInfo) {
        issues.push({ line: i + 1, problem: 'missing image, docType or groundTruth.ocrIdInfo' });
        return;
      }
      entries.push(e);
    } catch {
      issues.push({ line: i + 1, problem: 'not valid JSON' });
    }
  });
  let meta: ManifestMeta | undefined;
  try {
    meta = JSON.parse(await readFile(path.join(dir, 'manifest.meta.json'), 'utf8')) as ManifestMeta;
  } catch {
    meta = undefined;
  }
  if (options.check) {
    for (const [i, e] of entries.entries()) {
      try {
        const s = await stat(path.join(dir, e.image));
        if (s.size !== e.bytes)
          issues.push({ line: i + 1, image: e.image, problem: `size ${s.size}, manifest says ${e.bytes}` });
      } catch {
        issues.push({ line: i + 1, image: e.image, problem: 'image file missing' });
      }
    }
    if (meta && meta.count !== entries.length) {
      issues.push({
        line: 0,
        problem: `manifest.meta.json counts ${meta.count} images, manifest.jsonl has ${entries.length}`,
      });
    }
  }
  return meta ? { entries, meta, issues } : { entries, issues };
}

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOC_TYPES, parseMrz, parsePermitMrz, SpoofType } from '@dococr/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, MIX_PLAN, renderSpecimen, type ManifestEntry } from './generate.js';
import { readManifest } from './manifest.js';
import { CONDITION_TYPES } from './specimen-types.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('generate (unfiltered run of one full plan cycle)', () => {
  let dir: string;
  let entries: ManifestEntry[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'specimens-'));
    entries = (await generate({ seed: 'test-run', count: MIX_PLAN.length, outDir: dir })).entries;
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a manifest line per image that matches the file on disk', async () => {
    const lines = (await readFile(path.join(dir, 'manifest.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(MIX_PLAN.length);
    for (const line of lines) {
      const e = JSON.parse(line) as ManifestEntry;
      const meta = await sharp(path.join(dir, e.image)).metadata();
      expect(meta.format).toBe(e.format);
      expect(meta.width).toBe(e.width);
      expect(meta.height).toBe(e.height);
      expect(e.corners).toHaveLength(4);
      expect(Object.keys(e.groundTruth.ocrIdInfo).length).toBeGreaterThan(0);
      expect(e.groundTruth.spoofInfo.spoofResult).toBe(e.spoofTypes.length ? 'Y' : 'N');
    }
    const meta = JSON.parse(await readFile(path.join(dir, 'manifest.meta.json'), 'utf8')) as { counts: object };
    expect(Object.values(meta.counts).reduce((a: number, b: number) => a + b, 0)).toBe(MIX_PLAN.length);
    const read = await readManifest(dir, { check: true });
    expect(read.issues).toEqual([]);
    expect(read.entries).toEqual(JSON.parse(JSON.stringify(entries)));
    const first = path.join(dir, entries[0]!.image);
    const original = await readFile(first);
    await writeFile(first, Buffer.from('truncated'));
    expect((await readManifest(dir, { check: true })).issues).toHaveLength(1);
    await writeFile(first, original);
  });

  it('covers every DocType and side, condition and spoof type', () => {
    const docTypes = new Set(entries.map((e) => e.docType));
    for (const d of DOC_TYPES) expect(docTypes).toContain(d);
    expect(new Set(entries.map((e) => e.side))).toEqual(new Set(['face', 'emblem']));
    const conditions = new Set(entries.flatMap((e) => e.conditions.map((c) => c.type)));
    for (const c of CONDITION_TYPES) expect(conditions).toContain(c);
    const spoofs = new Set(entries.flatMap((e) => e.spoofTypes));
    for (const s of Object.values(SpoofType)) expect(spoofs).toContain(s);
    expect(entries.some((e) => e.deliberateErrors.length > 0)).toBe(true);
    expect(entries.some((e) => e.portrait.kind === 'silhouette')).toBe(true);
  });

  it('keeps every image within the API limits', async () => {
    for (const e of entries) {
      expect(Math.min(e.width, e.height)).toBeGreaterThanOrEqual(200);
      expect(Math.max(e.width, e.height)).toBeLessThanOrEqual(8192);
      const bytes = await readFile(path.join(dir, e.image));
      expect(bytes.length).toBe(e.bytes);
      expect(bytes.length).toBeLessThan(1_048_576);
    }
  });
});

describe('corners', () => {
  /** Brightness just inside and just outside each reported corner, on a dark surface. */
  async function contrastAtCorners(conditions: ('perspective' | 'rotation')[], seed: string) {
    const s = await renderSpecimen({ seed, kind: 'cn-id-emblem', conditions, background: 'dark-cloth', format: 'png' });
    const { data, info } = await sharp(s.data).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number): number => {
      const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
      return data[i]! + data[i + 1]! + data[i + 2]!;
    };
    const cx = s.corners.reduce((a, p) => a + p.x, 0) / 4;
    const cy = s.corners.reduce((a, p) => a + p.y, 0) / 4;
    const result = s.corners.map((p) => {
      const dx = cx - p.x;
      const dy = cy - p.y;
      const n = Math.hypot(dx, dy);
      // 25 px towards the centre is on the card (past its rounded corner); 6 px outwards is the surface.
      return {
        inside: px(p.x + (dx / n) * 25, p.y + (dy / n) * 25),
        outside: px(p.x - (dx / n) * 6, p.y - (dy / n) * 6),
      };
    });
    return { s, result };
  }

  it('puts the card inside the reported corners and the surface outside, also after perspective and rotation', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12 && seen.size < 3; i++) {
      const { s, result } = await contrastAtCorners(['perspective', 'rotation'], `corners-${i}`);
      const rot = s.conditions.find((c) => c.type === 'rotation')!;
      seen.add(rot.params.quarterTurns !== undefined ? `q${String(rot.params.quarterTurns)}` : 'free');
      for (const r of result) expect(r.inside - r.outside).toBeGreaterThan(200);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });

  it('places the MRZ region over the machine-readable lines and not over blank page', async () => {
    const s = await renderSpecimen({ seed: 'reg', kind: 'passport-td3', format: 'png', camera: 'ideal' });
    const { data, info } = await sharp(s.data).greyscale().raw().toBuffer({ resolveWithObject: true });
    const darkShare = (x0: number, y0: number, x1: number, y1: number): number => {
      let dark = 0;
      let n = 0;
      for (let y = Math.ceil(y0); y < y1; y++) {
        for (let x = Math.ceil(x0); x < x1; x++) {
          n++;
          if (data[y * info.width + x]! < 100) dark++;
        }
      }
      return dark / n;
    };
    const mrz = s.regions.mrz!;
    const portrait = s.regions.portrait!;
    // Clean captures are axis-aligned: corner 0 is top-left, corner 2 bottom-right.
    expect(darkShare(mrz[0].x, mrz[0].y, mrz[2].x, mrz[2].y)).toBeGreaterThan(0.05);
    // The page between the portrait and the MRZ is empty.
    expect(darkShare(portrait[0].x, portrait[2].y + 3, portrait[2].x, mrz[0].y - 3)).toBeLessThan(0.005);
    expect(Object.keys(s.regions)).toEqual(expect.arrayContaining(['surname', 'passportNo', 'portrait', 'mrz']));
  });
});

describe('ground truth', () => {
  it('gives passports an MRZ that core parseMrz validates and that agrees with the ground truth', async () => {
    for (let i = 0; i < 8; i++) {
      const s = await renderSpecimen({ seed: `mrz-${i}`, kind: 'passport-td3' });
      const r = parseMrz(s.mrz!, { referenceDate: '2026-01-01' });
      expect(r.errors).toEqual([]);
      expect(r.valid).toBe(true);
      const gt = s.groundTruth.ocrIdInfo;
      expect(r.fields.documentNumber).toBe(gt.passportNo);
      expect(r.fields.birthDate).toBe(gt.birthDate);
      expect(r.fields.expiryDate).toBe(gt.expiryDate);
      expect(r.fields.surname).toBe(gt.surname);
      expect(r.fields.givenNames).toBe(gt.givenname);
      expect(r.fields.sex).toBe(gt.sex);
      expect(r.fields.nationality).toBe(gt.nationality);
      expect(r.fields.issuingState).toBe(gt.countryCode);
    }
  });

  it('gives exit-entry permits a machine-readable line consistent with the visual zone', async () => {
    const s = await renderSpecimen({ seed: 'eep', kind: 'exit-entry-permit' });
    const r = parsePermitMrz(s.mrz!, { referenceDate: '2026-01-01' });
    expect(r.valid).toBe(true);
    expect(r.fields.documentNumber).toBe(s.groundTruth.ocrIdInfo.idNumber);
    expect(r.fields.birthDate).toBe(s.groundTruth.ocrIdInfo.birthDate);
    expect(r.fields.expiryDate).toBe(s.groundTruth.ocrIdInfo.expiryDate);
  });

  it('makes deliberate MRZ errors that the parser rejects or that contradict the visual zone', async () => {
    for (let i = 0; i < 6; i++) {
      const s = await renderSpecimen({ seed: `bad-${i}`, kind: 'passport-td3', deliberateError: true });
      const err = s.deliberateErrors[0]!;
      const r = parseMrz(s.mrz!, { referenceDate: '2026-01-01' });
      if (err.kind === 'mrz-check-digit') expect(r.valid).toBe(false);
      else expect(r.fields.documentNumber).not.toBe(s.groundTruth.ocrIdInfo.passportNo);
    }
  });

  it('labels a planted error and prints it', async () => {
    const s = await renderSpecimen({ seed: 'err', kind: 'cn-id-face', deliberateError: true });
    expect(s.deliberateErrors).toHaveLength(1);
    const e = s.deliberateErrors[0]!;
    expect(e.printed).not.toBe(e.expected);
    expect(s.groundTruth.ocrIdInfo.idNumber).toBe(e.printed);
  });
});

describe('conditions with fixed parameters', () => {
  it('honours the parameters given and draws the rest from the seed', async () => {
    const turned = await renderSpecimen({
      seed: 'c',
      kind: 'hkid-2003',
      conditions: [{ type: 'rotation', params: { degrees: 90 } }],
    });
    expect([turned.width, turned.height]).toEqual([480, 640]);
    expect(turned.conditions).toEqual([{ type: 'rotation', params: { quarterTurns: 1, degrees: 90 } }]);
    const q = await renderSpecimen({
      seed: 'c',
      kind: 'hkid-2003',
      conditions: [{ type: 'jpeg', params: { quality: 30 } }],
    });
    expect(q.encoding.jpegQuality).toBe(30);
    const cut = await renderSpecimen({
      seed: 'c',
      kind: 'hkid-2003',
      conditions: [{ type: 'corner-cut', params: { corner: 'bottom-right', overshootPx: 40 } }],
    });
    const br = cut.corners[2];
    expect(br.x).toBeCloseTo(640 + 40, 2);
    expect(br.y).toBeCloseTo(480 + 40, 2);
    await expect(renderSpecimen({ seed: 'c', conditions: [{ type: 'blur', params: { radius: 3 } }] })).rejects.toThrow(
      /no parameter 'radius'/,
    );
  });
});

describe('identitySeed', () => {
  it('puts one holder on several documents: both mainland ID sides and an HKID agree', async () => {
    const face = await renderSpecimen({ seed: 1, kind: 'cn-id-face', identitySeed: 'holder-1' });
    const emblem = await renderSpecimen({ seed: 2, kind: 'cn-id-emblem', identitySeed: 'holder-1' });
    const hk = await renderSpecimen({ seed: 3, kind: 'hkid-2018', identitySeed: 'holder-1' });
    const f = face.groundTruth.ocrIdInfo;
    expect(hk.groundTruth.ocrIdInfo.birthDate).toBe(f.birthDate);
    expect(hk.groundTruth.ocrIdInfo.sex).toBe(f.sex === '男' ? 'M' : 'F');
    // Same characters, simplified on the mainland card and traditional on the HKID.
    expect(hk.groundTruth.ocrIdInfo.name!.length).toBe(f.name!.length);
    // The emblem's authority is the public security bureau of the district in the ID number's region code.
    expect(
      f.address!.includes(emblem.groundTruth.ocrIdInfo.originOfIssue!.replace(/^.*公安局/, '').replace(/分局$/, '')),
    ).toBe(true);
    const other = await renderSpecimen({ seed: 1, kind: 'cn-id-face', identitySeed: 'holder-2' });
    expect(other.groundTruth.ocrIdInfo.idNumber).not.toBe(f.idNumber);
  });
});

describe('filters', () => {
  it('keeps to the DocTypes, sides, conditions and spoofs asked for', async () => {
    const { entries, meta } = await generate({
      seed: 'f',
      count: 12,
      docTypes: ['00000001'],
      sides: ['OCR_ID_NATIONAL_EMBLEM'],
      conditions: ['blur'],
      spoofs: [],
      deliberateErrors: false,
    });
    expect(meta.kinds).toEqual(['cn-id-emblem']);
    for (const e of entries) {
      expect(e.side).toBe('emblem');
      expect(e.spoofTypes).toEqual([]);
      expect(e.conditions.every((c) => c.type === 'blur')).toBe(true);
    }
    expect(Object.keys(meta.plannedShares).sort()).toEqual(['blur', 'clean', 'no-face']);
    await expect(generate({ seed: 1, count: 1, docTypes: ['01000000'], sides: ['emblem'] })).rejects.toThrow(
      RangeError,
    );
    await expect(renderSpecimen({ seed: 1, width: 100 })).rejects.toThrow(RangeError);
  });
});

describe('determinism', () => {
  it('gives byte-identical images for the same seed and options', async () => {
    const opts = { seed: 'same', kind: 'hkid-2018' as const, conditions: ['perspective', 'noise', 'glare'] as const };
    const a = await renderSpecimen({ ...opts, conditions: [...opts.conditions] });
    const b = await renderSpecimen({ ...opts, conditions: [...opts.conditions] });
    expect(sha(a.data)).toBe(sha(b.data));
    expect(a.corners).toEqual(b.corners);
    const c = await renderSpecimen({ ...opts, seed: 'other', conditions: [...opts.conditions] });
    expect(sha(c.data)).not.toBe(sha(a.data));
  });

  it('writes byte-identical files for identical generate() runs, and shards that match one run', async () => {
    const dirs = await Promise.all([0, 1, 2].map(() => mkdtemp(path.join(tmpdir(), 'specimens-det-'))));
    try {
      const a = await generate({ seed: 9, count: 10, outDir: dirs[0] });
      const b = await generate({ seed: 9, count: 10, outDir: dirs[1] });
      const shard = await generate({ seed: 9, count: 4, startIndex: 6, outDir: dirs[2] });
      expect(JSON.stringify(a.entries)).toBe(JSON.stringify(b.entries));
      expect(JSON.stringify(shard.entries)).toBe(JSON.stringify(a.entries.slice(6)));
      for (const e of a.entries) {
        const bytes = await readFile(path.join(dirs[0]!, e.image));
        expect(sha(await readFile(path.join(dirs[1]!, e.image)))).toBe(sha(bytes));
        if (e.index >= 6) expect(sha(await readFile(path.join(dirs[2]!, e.image)))).toBe(sha(bytes));
      }
    } finally {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    }
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CardSide, IMAGE_REQUIREMENTS, SpoofType, type DocType } from '@dococr/core';
import type { BackgroundStyle } from './background.js';
import {
  captureCard,
  normaliseConditions,
  type CameraModel,
  type Encoding,
  type ImageFormat,
  type SceneEffect,
} from './capture.js';
import { createDocument, KINDS_WITH_CHECK_CHARACTERS, randomPerson, type DocumentContent } from './documents.js';
import { faceCount, type PortraitSource } from './faces.js';
import { cardSideOf, kindFor, SPECIMEN_KINDS } from './layouts.js';
import { Prng } from './prng.js';
import { renderCard, type RawImage } from './render-card.js';
import { homographyFromPoints, projectRect, rectPoints } from './warp.js';
import {
  type AppliedCondition,
  type ConditionRequest,
  type ConditionType,
  type Corners,
  type DeliberateError,
  type Rect,
  type SpecimenKind,
  type SpecimenSide,
} from './specimen-types.js';
import {
  applyPhotocopy,
  applyScreenLight,
  applyTamper,
  photocopyParams,
  renderScreenshot,
  screenRaster,
  screenRecaptureParams,
  screenshotParams,
} from './spoofs.js';
import { TEMPLATES } from './templates.js';

export const SPOOF_TYPES: readonly SpoofType[] = [
  SpoofType.ScreenRemark,
  SpoofType.PhotoCopy,
  SpoofType.Shortcut,
  SpoofType.Tamper,
];

/** One image's recipe. */
export interface SpecimenOptions {
  seed: number | string;
  /** A specimen kind, or docType (+ side) to pick one. Default: passport. */
  kind?: SpecimenKind;
  docType?: DocType;
  side?: SpecimenSide;
  /**
   * The holder's seed: images with the same identitySeed show the same person (name, sex, date of birth, home
   * region) on whatever documents they are, e.g. both sides of a mainland ID or a passport plus an HKID for a KYC
   * case. Default: a holder drawn from `seed`.
   */
  identitySeed?: number | string;
  /** Capture conditions, by name or with parameters fixed (see {@link ConditionRequest}). */
  conditions?: readonly ConditionRequest[];
  spoof?: SpoofType;
  /** Plant one labelled check-character or MRZ mismatch (kinds that have check characters only). */
  deliberateError?: boolean;
  /** 'silhouette' renders the no-face control. Default: a face chosen by the seed. */
  portrait?: 'face' | 'silhouette';
  width?: number;
  height?: number;
  /** Output format; SHORTCUT is always PNG and the 'jpeg' condition always JPEG. Default 'jpeg'. */
  format?: ImageFormat;
  /** The surface under the card; default chosen by seed (PHOTO_COPY always uses paper). */
  background?: BackgroundStyle;
  /** 'phone' (default): mild vignetting, white balance shift, softness and sensor noise; 'ideal': none. */
  camera?: 'phone' | 'ideal';
  /** SHORTCUT only: the screen size in pixels (portrait); default one of a few phone screens by seed. */
  screen?: [number, number];
}

/** The ground truth and recipe of one image (manifest.jsonl holds one per line, plus `image`). */
export interface SpecimenRecord {
  kind: SpecimenKind;
  docType: DocType;
  side: SpecimenSide;
  cardSide: CardSide;
  width: number;
  height: number;
  format: ImageFormat;
  /** File size; the API refuses images over 1 MB (IMAGE_REQUIREMENTS.maxBytes). */
  bytes: number;
  encoding: Encoding;
  /** The baseline camera imperfections applied (absent for SHORTCUT and the 'ideal' camera). */
  camera?: CameraModel;
  /** ExtIdInfo the engine should return (spoofInfo as when Spoof=T is requested). */
  groundTruth: {
    ocrIdInfo: Record<string, string>;
    spoofInfo: { spoofResult: 'Y' | 'N'; spoofType: SpoofType[] };
  };
  mrz?: string[];
  spoofTypes: SpoofType[];
  spoofParams?: Record<string, unknown>;
  conditions: AppliedCondition[];
  /** Card corners in image pixels (pixel-edge coordinates): card top-left, top-right, bottom-right, bottom-left. */
  corners: Corners;
  deliberateErrors: DeliberateError[];
  /**
   * Every layout region (fields, `portrait`, `mrz`) as a quadrilateral in image pixels, in the corner order of
   * `corners`: where each printed field actually is in this image.
   */
  regions: Record<string, Corners>;
  portrait: { kind: 'face'; file: string } | { kind: 'silhouette' } | { kind: 'none' };
  seed: string;
}

export interface SpecimenImage extends SpecimenRecord {
  data: Buffer;
}

/** Layout regions of the card projected into the image through the card-to-image map given by `corners`. */
function imageRegions(kind: SpecimenKind, corners: Corners): Record<string, Corners> {
  const t = TEMPLATES[kind];
  const h = homographyFromPoints(rectPoints({ x: 0, y: 0, w: t.width, h: t.height }), corners);
  const out: Record<string, Corners> = {};
  for (const [name, r] of Object.entries(t.fields)) out[name] = projectRect(h, r, 1);
  if (t.portrait) out.portrait = projectRect(h, t.portrait, 1);
  if (t.mrz) out.mrz = projectRect(h, t.mrz, 1);
  return out;
}

/** Where a rectangle of the captured raster (the card inside a screen) ends up, through the same projective map. */
function innerCorners(outer: Corners, raster: RawImage, r: Rect): Corners {
  const h = homographyFromPoints(rectPoints({ x: 0, y: 0, w: raster.width, h: raster.height }), outer);
  return projectRect(h, r, 3);
}

function resolveKind(o: Pick<SpecimenOptions, 'kind' | 'docType' | 'side'>): SpecimenKind {
  if (o.kind) return o.kind;
  if (o.docType) return kindFor(o.docType, o.side ?? 'face');
  return 'passport-td3';
}

/** Renders one labelled specimen image in memory. Same options, same bytes. */
export async function renderSpecimen(options: SpecimenOptions): Promise<SpecimenImage> {
  const kind = resolveKind(options);
  const t = TEMPLATES[kind];
  const seed = String(options.seed);
  const rng = new Prng(`${seed}/${kind}`);
  const conditions = [...(options.conditions ?? [])];
  normaliseConditions(conditions);
  const withError = options.deliberateError === true && KINDS_WITH_CHECK_CHARACTERS.includes(kind);
  const holder =
    options.identitySeed === undefined ? undefined : randomPerson(new Prng(`${String(options.identitySeed)}/holder`));
  let doc: DocumentContent = createDocument(kind, rng.fork('identity'), withError, holder);
  const faceIndex = rng.int(0, faceCount() - 1);
  const portrait: PortraitSource =
    options.portrait === 'silhouette' ? { kind: 'silhouette' } : { kind: 'face', index: faceIndex };
  const card = await renderCard(doc, { portrait });
  const spoofRng = rng.fork('spoof');
  const spoof = options.spoof;
  let spoofParams: Record<string, unknown> | undefined;
  if (spoof === SpoofType.Tamper) {
    const donorDoc = createDocument(kind, spoofRng.fork('donor'));
    const donorFace = (faceIndex + 1 + spoofRng.int(0, faceCount() - 2)) % faceCount();
    const donor = await renderCard(donorDoc, { portrait: { kind: 'face', index: donorFace } });
    const result = await applyTamper(card, donor, doc, donorDoc, spoofRng);
    spoofParams = { ...result.params };
    // A passport's ocrIdInfo comes from the MRZ, which the pasted visual-zone patch leaves unchanged.
    if (result.field && kind !== 'passport-td3') {
      doc = { ...doc, ocrIdInfo: { ...doc.ocrIdInfo, [result.field]: result.value ?? '' } };
    }
  }

  const width = options.width ?? 640;
  const height = options.height ?? 480;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < IMAGE_REQUIREMENTS.minSide || v > IMAGE_REQUIREMENTS.maxSide) {
      throw new RangeError(
        `${name} must be a whole number from ${IMAGE_REQUIREMENTS.minSide} to ${IMAGE_REQUIREMENTS.maxSide}`,
      );
    }
  }
  const captureRng = rng.fork('capture');
  let data: Buffer;
  let corners: Corners;
  let outW: number;
  let outH: number;
  let format: ImageFormat = options.format ?? 'jpeg';
  let applied: AppliedCondition[] = [];
  let encoding: Encoding = { cameraExif: false };
  let camera: CameraModel | undefined;
  if (spoof === SpoofType.Shortcut) {
    const p = screenshotParams(spoofRng, options.screen);
    spoofParams = { ...p };
    const shot = await renderScreenshot(card, p);
    data = shot.data;
    corners = shot.corners;
    outW = p.screenWidth;
    outH = p.screenHeight;
    format = 'png';
    if (conditions.length) throw new RangeError('SHORTCUT screenshots take no capture conditions');
  } else {
    let sceneEffect: SceneEffect | undefined;
    let defaultBlur: number | undefined;
    let defaultJpegQuality: number | undefined;
    let background: BackgroundStyle | undefined = options.background;
    let subject = card;
    let cardRect: Rect | undefined;
    if (spoof === SpoofType.ScreenRemark) {
      const p = screenRecaptureParams(spoofRng);
      spoofParams = { ...p };
      ({ raster: subject, cardRect } = screenRaster(card, p));
      sceneEffect = (scene, screen) => applyScreenLight(scene, p, screen);
      defaultBlur = 0.6;
      defaultJpegQuality = 88;
    } else if (spoof === SpoofType.PhotoCopy) {
      const p = photocopyParams(spoofRng);
      spoofParams = { ...p };
      const noiseRng = spoofRng.fork('toner');
      sceneEffect = (scene) => applyPhotocopy(scene, p, noiseRng);
      background = 'paper';
      defaultJpegQuality = 90;
    }
    const shot = await captureCard(subject, {
      width,
      height,
      conditions,
      format,
      rng: captureRng,
      cameraExif: true,
      ...(options.camera ? { camera: options.camera } : {}),
      ...(background ? { background } : {}),
      ...(sceneEffect ? { sceneEffect } : {}),
      ...(defaultBlur !== undefined ? { defaultBlur } : {}),
      ...(defaultJpegQuality !== undefined ? { defaultJpegQuality } : {}),
    });
    data = shot.data;
    corners = cardRect ? innerCorners(shot.corners, subject, cardRect) : shot.corners;
    outW = shot.width;
    outH = shot.height;
    format = shot.format;
    applied = shot.conditions;
    encoding = shot.encoding;
    camera = shot.camera;
  }
  const spoofTypes = spoof ? [spoof] : [];
  return {
    data,
    kind,
    docType: t.docType,
    side: t.side,
    cardSide: cardSideOf(t.side),
    width: outW,
    height: outH,
    format,
    bytes: data.length,
    encoding,
    ...(camera ? { camera } : {}),
    groundTruth: {
      ocrIdInfo: doc.ocrIdInfo,
      spoofInfo: { spoofResult: spoof ? 'Y' : 'N', spoofType: spoofTypes },
    },
    ...(doc.mrz ? { mrz: doc.mrz } : {}),
    spoofTypes,
    ...(spoofParams ? { spoofParams } : {}),
    conditions: applied,
    corners,
    deliberateErrors: doc.deliberateErrors,
    regions: imageRegions(kind, corners),
    portrait: !t.portrait
      ? { kind: 'none' }
      : portrait.kind === 'face'
        ? { kind: 'face', file: `face-${String(portrait.index).padStart(2, '0')}.jpg` }
        : { kind: 'silhouette' },
    seed,
  };
}

/** One slot of the mixing plan. */
export interface Scenario {
  name: string;
  conditions: ConditionType[];
  spoof?: SpoofType;
  deliberateError?: boolean;
  silhouette?: boolean;
}

const S = (
  name: string,
  extra: Omit<Scenario, 'name' | 'conditions'> & { conditions?: ConditionType[] } = {},
): Scenario => ({
  name,
  conditions: extra.conditions ?? [],
  ...(extra.spoof ? { spoof: extra.spoof } : {}),
  ...(extra.deliberateError ? { deliberateError: true } : {}),
  ...(extra.silhouette ? { silhouette: true } : {}),
});
const C = (c: ConditionType): Scenario => S(c, { conditions: [c] });

/**
 * The fixed mixing plan of an unfiltered run, cycled: 40 slots in two halves that differ only in their combined
 * capture, so every condition and spoof type appears in any 20 consecutive images. Shares: clean 15%, no-face control 5%, each of the ten conditions 5%, two combined
 * captures 5%, each spoof type 5%, deliberate errors 5%.
 */
function planHalf(combined: ConditionType[]): Scenario[] {
  return [
    S('clean'),
    C('perspective'),
    S('spoof-screen-remark', { spoof: SpoofType.ScreenRemark }),
    C('blur'),
    S('spoof-photo-copy', { spoof: SpoofType.PhotoCopy }),
    C('rotation'),
    S('deliberate-error', { deliberateError: true }),
    S('spoof-shortcut', { spoof: SpoofType.Shortcut }),
    C('noise'),
    S('spoof-tamper', { spoof: SpoofType.Tamper }),
    S('clean'),
    C('small-card'),
    C('jpeg'),
    S('no-face', { silhouette: true }),
    C('underexposed'),
    C('corner-cut'),
    C('overexposed'),
    C('glare'),
    S('combined', { conditions: combined }),
    S('clean'),
  ];
}

export const MIX_PLAN: readonly Scenario[] = [
  ...planHalf(['perspective', 'glare', 'noise']),
  ...planHalf(['rotation', 'blur', 'jpeg']),
];

export interface GenerateOptions {
  seed: number | string;
  count: number;
  docTypes?: readonly DocType[];
  /** 'face' / 'emblem', or the API's CardSide values. */
  sides?: readonly (SpecimenSide | CardSide)[];
  /** Only scenarios whose conditions are all in this list (clean ones always qualify). */
  conditions?: readonly ConditionType[];
  /** Only these spoof types; [] for genuine documents only. */
  spoofs?: readonly SpoofType[];
  /** Include the deliberate-error slots. Default true. */
  deliberateErrors?: boolean;
  /** Write images, manifest.jsonl and manifest.meta.json here. */
  outDir?: string;
  width?: number;
  height?: number;
  format?: ImageFormat;
  /**
   * Index of the first image (default 0): image i of a run depends only on the seed and i, so processes can split
   * one run into shards ({ startIndex: 0, count: 500 }, { startIndex: 500, count: 500 }) and concatenate manifests.
   */
  startIndex?: number;
  /** Called after each image (and its file) is done, e.g. for progress output. */
  onImage?: (entry: ManifestEntry) => void;
}

export interface ManifestEntry extends SpecimenRecord {
  /** Path of the image relative to outDir. */
  image: string;
  scenario: string;
  index: number;
}

export interface GenerateResult {
  entries: ManifestEntry[];
  meta: ManifestMeta;
}

export interface ManifestMeta {
  seed: string;
  startIndex: number;
  count: number;
  width: number;
  height: number;
  kinds: SpecimenKind[];
  /** The planned share of each scenario name in the cycle. */
  plannedShares: Record<string, number>;
  /** How many images each scenario actually got in this run. */
  counts: Record<string, number>;
}

/** The plan after the filters; throws if nothing is left. */
export function planFor(o: Pick<GenerateOptions, 'conditions' | 'spoofs' | 'deliberateErrors'>): Scenario[] {
  const plan = MIX_PLAN.filter(
    (s) =>
      (o.conditions === undefined || s.conditions.every((c) => o.conditions!.includes(c))) &&
      (s.spoof === undefined || o.spoofs === undefined || o.spoofs.includes(s.spoof)) &&
      (!s.deliberateError || o.deliberateErrors !== false),
  );
  if (plan.length === 0) throw new RangeError('the filters leave no scenario');
  return plan;
}

const ext = (f: ImageFormat): string => (f === 'png' ? 'png' : 'jpg');

/**
 * Generates `count` labelled images. Without filters it covers every DocType and side and cycles through
 * {@link MIX_PLAN}. With `outDir` it writes the images, `manifest.jsonl` (one entry per line) and
 * `manifest.meta.json`. Deterministic: the same options give byte-identical files.
 * @example await generate({ seed: 7, count: 80, outDir: 'out/specimens' })
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError('count must be a whole number');
  const start = options.startIndex ?? 0;
  if (!Number.isInteger(start) || start < 0) throw new RangeError('startIndex must be a whole number');
  const sides = options.sides?.map((s) => (s === 'emblem' || s === CardSide.NationalEmblem ? 'emblem' : 'face'));
  const kinds = SPECIMEN_KINDS.filter(
    (k) =>
      (!options.docTypes || options.docTypes.includes(TEMPLATES[k].docType)) &&
      (!sides || sides.includes(TEMPLATES[k].side)),
  );
  if (kinds.length === 0) throw new RangeError('no DocType/side matches the filters');
  const plan = planFor(options);
  const seed = String(options.seed);
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  if (options.outDir) await mkdir(options.outDir, { recursive: true });
  const entries: ManifestEntry[] = [];
  const counts: Record<string, number> = {};
  for (let i = start; i < start + options.count; i++) {
    const scenario = plan[i % plan.length]!;
    let kind = kinds[i % kinds.length]!;
    if (scenario.deliberateError && !KINDS_WITH_CHECK_CHARACTERS.includes(kind)) {
      // Error slots go to the next kind that has a check character to get wrong.
      for (let j = 1; j < kinds.length; j++) {
        const k = kinds[(i + j) % kinds.length]!;
        if (KINDS_WITH_CHECK_CHARACTERS.includes(k)) {
          kind = k;
          break;
        }
      }
    }
    const img = await renderSpecimen({
      seed: `${seed}:${i}`,
      kind,
      conditions: scenario.conditions,
      ...(scenario.spoof ? { spoof: scenario.spoof } : {}),
      deliberateError: scenario.deliberateError === true,
      portrait: scenario.silhouette ? 'silhouette' : 'face',
      width,
      height,
      ...(options.format ? { format: options.format } : {}),
    });
    const { data, ...record } = img;
    const image = `${String(i).padStart(5, '0')}-${kind}-${scenario.name}.${ext(img.format)}`;
    if (options.outDir) await writeFile(path.join(options.outDir, image), data);
    const entry: ManifestEntry = { image, scenario: scenario.name, index: i, ...record };
    entries.push(entry);
    options.onImage?.(entry);
    counts[scenario.name] = (counts[scenario.name] ?? 0) + 1;
  }
  const plannedShares: Record<string, number> = {};
  for (const s of plan) plannedShares[s.name] = (plannedShares[s.name] ?? 0) + 1 / plan.length;
  for (const k of Object.keys(plannedShares)) plannedShares[k] = Math.round(plannedShares[k]! * 10000) / 10000;
  const meta: ManifestMeta = {
    seed,
    startIndex: start,
    count: options.count,
    width,
    height,
    kinds,
    plannedShares,
    counts,
  };
  if (options.outDir) {
    await writeFile(
      path.join(options.outDir, 'manifest.jsonl'),
      entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : ''),
    );
    await writeFile(path.join(options.outDir, 'manifest.meta.json'), JSON.stringify(meta, null, 2) + '\n');
  }
  return { entries, meta };
}

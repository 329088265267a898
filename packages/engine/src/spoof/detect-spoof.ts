import { rectify } from '../card/card-outline.js';
import { detectFaces } from '../face/blazeface.js';
import { type RgbImage } from '../ocr/ocr-types.js';
import { crop, quadBounds, shrink } from '../quality/pixels.js';
import {
  cameraExif,
  edgeTilt,
  flatBackgroundShare,
  gridPeakiness,
  isScreenSize,
  regionalInconsistency,
  residualColour,
} from './spoof-features.js';
import { type SpoofFinding, type SpoofInput, type SpoofKind, type SpoofResult } from './spoof-types.js';

/**
 * Each detector's score is 0..1 and it reports a spoof at `threshold` or above. Where a detector compares a raw
 * measurement with a limit, the score is `x / (x + limit)` (or its mirror), so 0.5 sits exactly at the limit.
 *
 * | type | measurement | limit |
 * |---|---|---|
 * | SCREEN_REMARK | spectral peak prominence of the textured tiles' averaged spectrum (luma); abstains under 6 tiles | 14 |
 * | PHOTO_COPY | residual chromaticity (%), the lower of the card's 99th and the portrait surroundings' 95th percentile (the card's alone when the outlined card shows twice the limit) | by DocType: 2.5; 3.0 for the mainland ID |
 * | SHORTCUT | weighted evidence: PNG 0.35, screen size 0.35, no camera EXIF 0.1, exact flat background 0.1, axis-aligned card 0.1 | 0.65 |
 * | TAMPER | the reading step found the MRZ or a check character disagreeing with the visual zone (score 1, else 0); the text fields' sharpness and noise comparison is recorded as evidence only (see below) | 0.5 |
 */
export const SPOOF_THRESHOLDS = {
  SCREEN_REMARK: { threshold: 0.5, peakLimit: 14 },
  PHOTO_COPY: {
    threshold: 0.5,
    chromaLimit: 2.5,
    chromaLimitByDocType: { '00000001': 3.0 } as Record<string, number>,
  },
  SHORTCUT: { threshold: 0.65 },
  TAMPER: { threshold: 0.5 },
} as const;

/** Width the card is rectified to for the colour and field comparisons when the caller did not pass it. */
const CARD_WIDTH = 856;

/**
 * Runs the four anti-spoofing detectors (Spoof=T, SubCode 212) and returns one finding per type, detected or not,
 * with the evidence behind its score.
 * @example
 * const { findings } = await detectSpoof({ image: rgb, original: { bytes, mediaType }, card: { ...card, rectified: card.image }, docType });
 * const spoofType = findings.filter((f) => f.detected).map((f) => f.type);
 */
export async function detectSpoof(input: SpoofInput): Promise<SpoofResult> {
  const card = input.card.rectified ?? (await rectifyCard(input));
  const findings: SpoofFinding[] = [
    screenRemark(input),
    await photoCopy(input, card),
    await shortcut(input),
    tamper(input, card),
  ];
  return { findings };
}

async function rectifyCard(input: SpoofInput): Promise<RgbImage> {
  const [a, b, , d] = input.card.corners;
  const ratio = Math.hypot(d.x - a.x, d.y - a.y) / Math.max(1, Math.hypot(b.x - a.x, b.y - a.y));
  return rectify(input.image, input.card.corners, { width: CARD_WIDTH, height: Math.round(CARD_WIDTH * ratio) });
}

const ratioScore = (value: number, limit: number): number => value / (value + limit);

/** PHOTO_COPY's score: 0.5 when the colour left is exactly the DocType's limit, towards 1 as it vanishes. */
export const greyScore = (chroma: number, limit: number): number => limit / (limit + chroma);

function finding(type: SpoofKind, score: number, threshold: number, evidence: SpoofFinding['evidence']): SpoofFinding {
  const rounded = Math.round(score * 1000) / 1000;
  return { type, score: rounded, threshold, detected: rounded >= threshold, evidence };
}

/** SCREEN_REMARK: the display's pixel grid or its moiré, as sharp periodic peaks in every textured tile. */
export function screenRemark(input: SpoofInput): SpoofFinding {
  const t = SPOOF_THRESHOLDS.SCREEN_REMARK;
  const grid = gridPeakiness(input.image, input.card.corners);
  return finding('SCREEN_REMARK', ratioScore(grid.luma, t.peakLimit), t.threshold, {
    lumaPeak: round(grid.luma),
    chromaPeak: round(grid.chroma),
    tiles: grid.tiles,
    peakLimit: t.peakLimit,
  });
}

/**
 * PHOTO_COPY: colour missing where the genuine document prints it. Measured on the upright card and around the
 * portrait (found by the face detector on the card, or on the whole photo when the card was not outlined); the
 * lower of the two counts, since a grey copy is grey everywhere and a photo's background can add colour that is
 * not on the document.
 */
export async function photoCopy(input: SpoofInput, card: RgbImage): Promise<SpoofFinding> {
  const t = SPOOF_THRESHOLDS.PHOTO_COPY;
  const limit = t.chromaLimitByDocType[input.docType] ?? t.chromaLimit;
  const cardColour = residualColour(await shrink(card, 200));
  const portrait = await portraitSurroundings(input, card);
  const portraitColour = portrait ? residualColour(await shrink(portrait, 128)) : undefined;
  // The card's colour often sits in a few per cent of it (a seal, a band, the photo): its 99th percentile; the
  // portrait's surroundings are mostly face, so their 95th.
  // A grey copy cannot print strong colour on the card: when the outlined card itself shows twice the limit, a grey
  // portrait reading is the face detector's or the exposure's mistake (a false face on a blurred card, a portrait
  // under glare), not evidence. Without an outline the "card" is the whole photo and its colour may be the table.
  const outlined = input.card.coverage < 0.98;
  const cardDecides = outlined && cardColour.chromaP99 >= 2 * limit;
  const chroma = cardDecides
    ? cardColour.chromaP99
    : Math.min(cardColour.chromaP99, portraitColour?.chromaP95 ?? Infinity);
  return finding('PHOTO_COPY', greyScore(chroma, limit), t.threshold, {
    cardChromaP99: round(cardColour.chromaP99),
    cardColourShare: round(cardColour.colourShare),
    ...(portraitColour
      ? { portraitChromaP95: round(portraitColour.chromaP95), portraitColourShare: round(portraitColour.colourShare) }
      : { portraitFound: false }),
    chromaLimit: limit,
  });
}

async function portraitSurroundings(input: SpoofInput, card: RgbImage): Promise<RgbImage | undefined> {
  const p = input.card.portrait;
  if (p) return crop(card, p.x, p.y, p.width, p.height);
  const box = quadBounds(input.card.corners, input.image.width, input.image.height);
  const framed = box.w * box.h < 0.98 * input.image.width * input.image.height;
  const region = framed ? crop(input.image, box.x, box.y, box.w, box.h) : input.image;
  const face = await findPortrait(region);
  if (!face) return undefined;
  return crop(region, face.x - face.width / 2, face.y - face.height / 2, face.width * 2, face.height * 2);
}

/**
 * The most confident face in the region; when the whole region shows none, its four overlapping quarters are
 * searched too, since BlazeFace sees the region at 256 px and a portrait in a wide scene (a card on a desk) shrinks
 * below the size it finds.
 */
async function findPortrait(
  region: RgbImage,
): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  const [face] = await detectFaces(region, 0.6);
  if (face) return face.box;
  const w = Math.round(region.width * 0.6);
  const h = Math.round(region.height * 0.6);
  let best: { confidence: number; box: { x: number; y: number; width: number; height: number } } | undefined;
  for (const [x, y] of [
    [0, 0],
    [region.width - w, 0],
    [0, region.height - h],
    [region.width - w, region.height - h],
  ] as const) {
    const [found] = await detectFaces(crop(region, x, y, w, h), 0.6);
    if (found && (!best || found.confidence > best.confidence)) {
      best = { confidence: found.confidence, box: { ...found.box, x: found.box.x + x, y: found.box.y + y } };
    }
  }
  return best?.box;
}

/** SHORTCUT: a screenshot, judged from the file and the frame rather than from the card itself. */
export async function shortcut(input: SpoofInput): Promise<SpoofFinding> {
  const t = SPOOF_THRESHOLDS.SHORTCUT;
  const { image, original, card } = input;
  const lossless = original.mediaType === 'image/png' || (original.bytes[0] === 0x89 && original.bytes[1] === 0x50);
  const screenSize = isScreenSize(image.width, image.height);
  const exif = await cameraExif(original.bytes);
  const camera = Boolean(exif.make || exif.model);
  const flat = flatBackgroundShare(image, card.corners);
  const outlined = card.coverage < 0.98;
  const tilt = edgeTilt(card.corners);
  const score =
    (lossless ? 0.35 : 0) +
    (screenSize ? 0.35 : 0) +
    (camera ? 0 : 0.1) +
    (flat >= 0.5 ? 0.1 : 0) +
    (outlined && tilt < 0.5 ? 0.1 : 0);
  return finding('SHORTCUT', score, t.threshold, {
    lossless,
    screenSize,
    size: `${image.width}x${image.height}`,
    cameraExif: camera,
    ...(exif.software ? { software: exif.software } : {}),
    flatBackgroundShare: round(flat),
    edgeTiltDegrees: round(tilt),
  });
}

/**
 * TAMPER: decided by the reading step's consistency checks (`mrzConsistent === false`: the machine-readable zone or
 * a check character disagrees with the visual zone). The pixel-level comparison of the text fields (edge sharpness
 * and flat-area noise of each field against the others) is recorded as evidence but does not decide: measured on
 * the specimens it did not separate pasted fields from genuine ones at 640x480, and on real documents heterogeneous
 * print (titles, microprint, guilloche) gives genuine cards larger deficits than any pasted field
 * (bench/results/detectors.md).
 */
export function tamper(input: SpoofInput, card: RgbImage): SpoofFinding {
  const t = SPOOF_THRESHOLDS.TAMPER;
  const boxes = input.card.textBoxes ?? [];
  const local = regionalInconsistency(
    card,
    boxes.map((rect, k) => ({ name: `text${k}`, rect })),
  );
  return finding('TAMPER', input.mrzConsistent === false ? 1 : 0, t.threshold, {
    mrzConsistent: input.mrzConsistent ?? 'unknown',
    fieldsCompared: local.regions,
    sharpnessDeficit: round(local.sharpnessDeficit),
    softestField: local.region,
    noiseRatio: round(local.noiseRatio),
  });
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

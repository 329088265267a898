import type { DocType, SpoofType } from '@dococr/core';

/** Which printed side: every document's data side is 'face'; only the mainland resident ID has an 'emblem' side. */
export type SpecimenSide = 'face' | 'emblem';

/** Short stable names for each DocType and side, used in file names (`samples/<kind>.png`). */
export const SpecimenKind = {
  Passport: 'passport-td3',
  HongKongId2003: 'hkid-2003',
  HongKongId2018: 'hkid-2018',
  ExitEntryPermit: 'exit-entry-permit',
  MainlandPermitHkMacao: 'mainland-permit-hk-macao',
  MacaoId: 'macao-id',
  MainlandPermitTaiwan: 'mainland-permit-taiwan',
  CnIdFace: 'cn-id-face',
  CnIdEmblem: 'cn-id-emblem',
} as const;
export type SpecimenKind = (typeof SpecimenKind)[keyof typeof SpecimenKind];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A point in image pixel coordinates (x to the right, y down). */
export interface Point {
  x: number;
  y: number;
}

/** Card corners in image coordinates, in card order: top-left, top-right, bottom-right, bottom-left of the card. */
export type Corners = [Point, Point, Point, Point];

export interface MrzLayout extends Rect {
  lines: number;
  charsPerLine: number;
}

/** Named regions in card coordinates, for an engine that reads known fields by position. */
export interface CardLayout {
  width: number;
  height: number;
  fields: Record<string, Rect>;
  portrait?: Rect;
  /** A second, smaller copy of the portrait (HKID ghost image): a face detector may find two faces. */
  secondaryPortrait?: Rect;
  mrz?: MrzLayout;
}

/** A mismatch planted on purpose: the printed value is not what the document's rules require. */
export interface DeliberateError {
  field: string;
  kind: 'check-digit' | 'mrz-check-digit' | 'mrz-field-mismatch';
  printed: string;
  expected: string;
}

/** What the engine should return for the image, and how the image was made. */
export interface GroundTruth {
  docType: DocType;
  side: SpecimenSide;
  /** ExtIdInfo as the engine should return it (spec field names for this DocType and side). */
  extIdInfo: { ocrIdInfo: Record<string, string> };
  /** The machine-readable lines as printed (absent where the document has none). */
  mrz?: string[];
}

export const CONDITION_TYPES = [
  'perspective',
  'small-card',
  'corner-cut',
  'rotation',
  'blur',
  'noise',
  'jpeg',
  'underexposed',
  'overexposed',
  'glare',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Parameters a caller may fix for each condition; any left out are drawn from the seed. */
export const CONDITION_PARAMS: Readonly<Record<ConditionType, readonly string[]>> = {
  perspective: ['tiltX', 'tiltY'],
  'small-card': ['coverage'],
  'corner-cut': ['corner', 'overshootPx'],
  rotation: ['degrees'],
  blur: ['sigma'],
  noise: ['sigma'],
  jpeg: ['quality'],
  underexposed: ['gain', 'gamma'],
  overexposed: ['gain', 'gamma'],
  glare: ['count', 'radius', 'strength'],
};

/**
 * A condition by name, or with some parameters fixed: `{ type: 'rotation', params: { degrees: 90 } }` (a multiple
 * of 90 turns the whole image; other angles turn the card), `{ type: 'jpeg', params: { quality: 30 } }`,
 * `{ type: 'corner-cut', params: { corner: 'top-left' } }`. Names per type: {@link CONDITION_PARAMS}.
 */
export type ConditionRequest = ConditionType | { type: ConditionType; params?: Record<string, number | string> };

/** One applied capture condition with the parameters used. */
export interface AppliedCondition {
  type: ConditionType;
  params: Record<string, number | string | boolean>;
}

export type { SpoofType };

import { CardSide, type DocType } from '@dococr/core';
import { SpecimenKind, type CardLayout, type Rect, type SpecimenSide } from './specimen-types.js';
import { TEMPLATES } from './templates.js';

export const SPECIMEN_KINDS: readonly SpecimenKind[] = Object.values(SpecimenKind);

/** The specimen kind printed for a DocType and side; throws for an emblem side of anything but the mainland ID. */
export function kindFor(docType: DocType, side: SpecimenSide = 'face'): SpecimenKind {
  const kind = SPECIMEN_KINDS.find((k) => TEMPLATES[k].docType === docType && TEMPLATES[k].side === side);
  if (!kind) throw new RangeError(`no specimen for DocType ${docType} side ${side}`);
  return kind;
}

/** 'face' | 'emblem' to the API's CardSide value. */
export const cardSideOf = (side: SpecimenSide): CardSide =>
  side === 'emblem' ? CardSide.NationalEmblem : CardSide.Face;

/** Every DocType with the sides it has: one entry per specimen kind. */
export function docTypeSides(): { docType: DocType; side: SpecimenSide; kind: SpecimenKind }[] {
  return SPECIMEN_KINDS.map((kind) => ({ docType: TEMPLATES[kind].docType, side: TEMPLATES[kind].side, kind }));
}

const copyRect = ({ x, y, w, h }: Rect): Rect => ({ x, y, w, h });

/**
 * Field regions of a specimen in card coordinates (origin top-left of the card, canonical size `width` x `height`).
 * Field names are the spec's ocrIdInfo names where the field is printed on its own, plus a few printed-only fields
 * (e.g. `countryName`, `personalNo`, `renewalCount`). Map a detected card quad onto this rectangle to read by position.
 * @example layoutFor(DocType.GlobalPassport).mrz // { x: 40, y: 596, w: 920, h: 96, lines: 2, charsPerLine: 44 }
 */
export function layoutFor(docType: DocType, side: SpecimenSide | CardSide = 'face'): CardLayout {
  const s: SpecimenSide = side === 'emblem' || side === CardSide.NationalEmblem ? 'emblem' : 'face';
  const t = TEMPLATES[kindFor(docType, s)];
  const fields: Record<string, Rect> = {};
  for (const [name, f] of Object.entries(t.fields)) fields[name] = copyRect(f);
  const layout: CardLayout = { width: t.width, height: t.height, fields };
  if (t.portrait) layout.portrait = copyRect(t.portrait);
  if (t.ghostPortrait) layout.secondaryPortrait = copyRect(t.ghostPortrait);
  if (t.mrz) {
    const { x, y, w, h, lines, charsPerLine } = t.mrz;
    layout.mrz = { x, y, w, h, lines, charsPerLine };
  }
  return layout;
}

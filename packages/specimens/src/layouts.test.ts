import { CardSide, DOC_TYPES, DocType } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import { createDocument } from './documents.js';
import { docTypeSides, layoutFor } from './layouts.js';
import { Prng } from './prng.js';

const inside = (r: { x: number; y: number; w: number; h: number }, w: number, h: number): boolean =>
  r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 && r.x + r.w <= w && r.y + r.h <= h;

describe('layoutFor', () => {
  it('has a layout for every DocType, and an emblem side only for the mainland ID', () => {
    for (const d of DOC_TYPES) expect(layoutFor(d).fields).toBeTypeOf('object');
    expect(layoutFor(DocType.ChineseResidentId, CardSide.NationalEmblem).fields).toHaveProperty('originOfIssue');
    expect(() => layoutFor(DocType.GlobalPassport, 'emblem')).toThrow(RangeError);
    expect(docTypeSides()).toHaveLength(9);
  });

  it('keeps every region on the card and names a region for each printed ground-truth field', () => {
    for (const { docType, side, kind } of docTypeSides()) {
      const l = layoutFor(docType, side);
      for (const r of Object.values(l.fields)) expect(inside(r, l.width, l.height)).toBe(true);
      if (l.portrait) expect(inside(l.portrait, l.width, l.height)).toBe(true);
      if (l.mrz) expect(inside(l.mrz, l.width, l.height)).toBe(true);
      const doc = createDocument(kind, new Prng(1));
      // isPermanent is implied by the card's title, not printed as a field.
      const printedTruth = Object.keys(doc.ocrIdInfo).filter((k) => doc.ocrIdInfo[k] !== '' && k !== 'isPermanent');
      for (const k of printedTruth) expect(l.fields, `${kind}.${k}`).toHaveProperty(k);
    }
  });

  it('gives the passport a two-line, 44-character MRZ region', () => {
    expect(layoutFor(DocType.GlobalPassport).mrz).toMatchObject({ lines: 2, charsPerLine: 44 });
    expect(layoutFor(DocType.ExitEntryPermitHkMacao).mrz).toMatchObject({ lines: 1, charsPerLine: 30 });
  });
});

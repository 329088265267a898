import { CardSide, DocType, ocrIdInfoFields, PermitKind, type OcrIdInfo } from '@dococr/core';
import { type DetectedBox, type RgbImage } from '../ocr/ocr-types.js';
import { getPaddleOcr, type PaddleOcr } from '../ocr/paddle-ocr.js';
import { readCardLines, type CardLine } from './card-lines.js';
import { readCnResidentIdEmblem, readCnResidentIdFace, type DocumentFields } from './documents/cn-resident-id.js';
import { readHongKongId } from './documents/hong-kong-id.js';
import { readMacaoId } from './documents/macao-id.js';
import { readPassport } from './documents/passport.js';
import { readTravelPermit } from './documents/travel-permits.js';
import { MIN_FIELD_CONFIDENCE, type MrzReading, type ReadFieldsResult } from './field-types.js';

export interface ReadFieldsOptions {
  ocr?: PaddleOcr;
  /** Text regions already found on this card (by findCard); found here when absent. */
  textBoxes?: readonly DetectedBox[];
  /** Lines already recognised on this card; skips detection and recognition. */
  lines?: readonly CardLine[];
}

/**
 * Reads the fields of one DocType (and side) from the upright card: recognises its text lines, then takes each
 * field from its label, its position and its pattern, checked against check digits and the MRZ.
 * @example const { fields } = await readFields(DocType.HongKongId2018, undefined, card.image, { textBoxes: card.textBoxes });
 */
export async function readFields(
  docType: DocType,
  side: CardSide | undefined,
  card: RgbImage,
  options: ReadFieldsOptions = {},
): Promise<ReadFieldsResult> {
  let lines = options.lines;
  if (!lines) {
    const ocr = options.ocr ?? (await getPaddleOcr());
    const boxes = options.textBoxes ?? (await ocr.detect(card, { maxSide: Math.max(card.width, card.height) }));
    lines = await readCardLines(ocr, card, boxes);
  }
  const read = readLines(docType, side, lines);
  return {
    docType,
    ...(docType === DocType.ChineseResidentId ? { side: side ?? CardSide.Face } : {}),
    fields: read.fields,
    ...(read.mrz ? { mrz: read.mrz } : {}),
    checks: read.checks,
    lines: [...lines],
  };
}

/** The field readers on already recognised lines (no OCR): for tests and for callers that reuse lines. */
export function readLines(
  docType: DocType,
  side: CardSide | undefined,
  lines: readonly CardLine[],
): DocumentFields & { mrz?: MrzReading } {
  switch (docType) {
    case DocType.GlobalPassport:
      return readPassport(lines);
    case DocType.HongKongId2003:
    case DocType.HongKongId2018:
      return readHongKongId(lines);
    case DocType.ExitEntryPermitHkMacao:
      return readTravelPermit(lines, PermitKind.ExitEntryHkMacao, true);
    case DocType.MainlandTravelPermitHkMacao:
      return readTravelPermit(lines, PermitKind.MainlandTravelHkMacao, false);
    case DocType.MainlandTravelPermitTaiwan:
      return readTravelPermit(lines, PermitKind.MainlandTravelTaiwan, true);
    case DocType.MacaoId:
      return readMacaoId(lines);
    case DocType.ChineseResidentId:
      return side === CardSide.NationalEmblem ? readCnResidentIdEmblem(lines) : readCnResidentIdFace(lines);
  }
}

/**
 * The response's ocrIdInfo: every field the spec lists for the DocType and side, in its order, empty where nothing
 * was read or the reading is below {@link MIN_FIELD_CONFIDENCE}.
 */
export function toOcrIdInfo(result: Pick<ReadFieldsResult, 'docType' | 'side' | 'fields'>): OcrIdInfo {
  const info: Record<string, string> = {};
  for (const name of ocrIdInfoFields(result.docType, result.side)) {
    const field = result.fields[name];
    info[name] = field && field.confidence >= MIN_FIELD_CONFIDENCE ? field.value : '';
  }
  return info as unknown as OcrIdInfo;
}

import { z } from 'zod';

/**
 * The DocType codes of DocOcrV2, spelled exactly as the API documents them. Most are eight digits; the Macao ID and
 * the Taiwan residents' permit are nine (`000000011`, `000000012`), and the API compares them as strings, so they must
 * never be normalised or zero-trimmed.
 */
export const DocType = {
  GlobalPassport: '01000000',
  HongKongId2003: '00000006',
  HongKongId2018: '00000008',
  ExitEntryPermitHkMacao: '00000007',
  MainlandTravelPermitHkMacao: '00000009',
  MacaoId: '000000011',
  MainlandTravelPermitTaiwan: '000000012',
  ChineseResidentId: '00000001',
} as const;
export type DocType = (typeof DocType)[keyof typeof DocType];

/** Every DocType code, in the order of the API's document-type table. */
export const DOC_TYPES = [
  DocType.GlobalPassport,
  DocType.HongKongId2003,
  DocType.HongKongId2018,
  DocType.ExitEntryPermitHkMacao,
  DocType.MainlandTravelPermitHkMacao,
  DocType.MacaoId,
  DocType.MainlandTravelPermitTaiwan,
  DocType.ChineseResidentId,
] as const satisfies readonly DocType[];

export const docTypeSchema = z.enum(DOC_TYPES);

export function isDocType(value: unknown): value is DocType {
  return typeof value === 'string' && (DOC_TYPES as readonly string[]).includes(value);
}

/** CardSide applies only to the mainland resident ID card ({@link DocType.ChineseResidentId}); Face is the default. */
export const CardSide = {
  Face: 'OCR_ID_FACE',
  NationalEmblem: 'OCR_ID_NATIONAL_EMBLEM',
} as const;
export type CardSide = (typeof CardSide)[keyof typeof CardSide];
export const CARD_SIDES = [CardSide.Face, CardSide.NationalEmblem] as const satisfies readonly CardSide[];
export const cardSideSchema = z.enum(CARD_SIDES);

/** The OCR quality-check mode. `Off` ('3') is the API's default and disables the quality check. */
export const IdThreshold = {
  Standard: '0',
  Strict: '1',
  Loose: '2',
  Off: '3',
} as const;
export type IdThreshold = (typeof IdThreshold)[keyof typeof IdThreshold];
export const ID_THRESHOLDS = [
  IdThreshold.Standard,
  IdThreshold.Strict,
  IdThreshold.Loose,
  IdThreshold.Off,
] as const satisfies readonly IdThreshold[];
export const idThresholdSchema = z.enum(ID_THRESHOLDS);

/** `Result.SubCode` values DocOcrV2 returns. Only `Passed` goes with `Result.Passed = 'Y'`. */
export const SubCode = {
  Passed: '200',
  Quality: '211',
  Spoof: '212',
  WrongDocument: '213',
} as const;
export type SubCode = (typeof SubCode)[keyof typeof SubCode];
export const SUB_CODES = [
  SubCode.Passed,
  SubCode.Quality,
  SubCode.Spoof,
  SubCode.WrongDocument,
] as const satisfies readonly SubCode[];
export const subCodeSchema = z.enum(SUB_CODES);

/**
 * Spoof findings reported in `ExtIdInfo.spoofInfo.spoofType`. Keys follow the API's codes; note that SCREEN_REMARK
 * means a recapture of a screen and SHORTCUT means a screenshot.
 */
export const SpoofType = {
  ScreenRemark: 'SCREEN_REMARK',
  PhotoCopy: 'PHOTO_COPY',
  Tamper: 'TAMPER',
  Shortcut: 'SHORTCUT',
} as const;
export type SpoofType = (typeof SpoofType)[keyof typeof SpoofType];
export const SPOOF_TYPES = [
  SpoofType.ScreenRemark,
  SpoofType.PhotoCopy,
  SpoofType.Tamper,
  SpoofType.Shortcut,
] as const satisfies readonly SpoofType[];
export const spoofTypeSchema = z.enum(SPOOF_TYPES);

/** The API's boolean flags (`Ocr`, `IdFaceQuality`, `Spoof`) are the strings 'T' and 'F'. */
export const Flag = { True: 'T', False: 'F' } as const;
export type Flag = (typeof Flag)[keyof typeof Flag];
export const flagSchema = z.enum([Flag.True, Flag.False]);

/** `Result.Passed` and `spoofInfo.spoofResult` are the strings 'Y' and 'N'. */
export const YesNo = { Yes: 'Y', No: 'N' } as const;
export type YesNo = (typeof YesNo)[keyof typeof YesNo];
export const yesNoSchema = z.enum([YesNo.Yes, YesNo.No]);

/** The only ProductCode DocOcrV2 accepts. */
export const PRODUCT_CODE = 'ID_OCR_MIN';

import { z } from 'zod';
import { CardSide, DocType, SPOOF_TYPES, type SpoofType, YesNo } from './doc-types.js';
import { DocOcrError, type DocOcrErrorOptions, InvalidParameterError } from './errors.js';

/** ocrIdInfo of a passport (DocType 01000000), read from the MRZ. Dates are yyyy-mm-dd, countries 3-letter codes. */
export interface PassportOcrInfo {
  surname: string;
  givenname: string;
  /** 'M' or 'F'. */
  sex: string;
  birthDate: string;
  passportNo: string;
  nationality: string;
  expiryDate: string;
  countryCode: string;
}

/** ocrIdInfo of a Hong Kong permanent identity card, 2003 or 2018 edition (DocType 00000006, 00000008). */
export interface HongKongIdOcrInfo {
  name: string;
  englishName: string;
  /** Chinese commercial code of the name. */
  nameCode: string;
  /** 'M' or 'F'. */
  sex: string;
  birthDate: string;
  idNumber: string;
  currentIssueDate: string;
  firstIssueDate: string;
  /** 'Y' or 'N'. */
  isPermanent: string;
  symbols: string;
}

/** ocrIdInfo of the Exit-Entry Permit for Travelling to and from Hong Kong and Macao (DocType 00000007). */
export interface ExitEntryPermitOcrInfo {
  name: string;
  englishName: string;
  sex: string;
  birthDate: string;
  idNumber: string;
  issueDate: string;
  expiryDate: string;
  placeOfIssue: string;
  originOfIssue: string;
}

/** ocrIdInfo of the Mainland Travel Permit for Hong Kong and Macao Residents (DocType 00000009). */
export interface MainlandTravelPermitHkMacaoOcrInfo {
  name: string;
  englishName: string;
  sex: string;
  birthDate: string;
  idNumber: string;
  issueDate: string;
  expiryDate: string;
  originOfIssue: string;
}

/** ocrIdInfo of the Mainland Travel Permit for Taiwan Residents (DocType 000000012). */
export interface MainlandTravelPermitTaiwanOcrInfo extends MainlandTravelPermitHkMacaoOcrInfo {
  placeOfIssue: string;
}

/** ocrIdInfo of the Macao resident identity card (DocType 000000011). */
export interface MacaoIdOcrInfo {
  surnameCN: string;
  givennameCN: string;
  surname: string;
  givenname: string;
  sex: string;
  birthDate: string;
  idNumber: string;
  expiryDate: string;
  placeOfBirth: string;
}

/** ocrIdInfo of the portrait side of the mainland resident ID card (DocType 00000001, CardSide OCR_ID_FACE). */
export interface ChineseResidentIdFaceOcrInfo {
  name: string;
  sex: string;
  ethnicity: string;
  birthDate: string;
  idNumber: string;
  address: string;
  /** Reserved by the API; empty. */
  province: string;
  /** Reserved by the API; empty. */
  city: string;
}

/** ocrIdInfo of the national-emblem side of the mainland resident ID card (CardSide OCR_ID_NATIONAL_EMBLEM). */
export interface ChineseResidentIdEmblemOcrInfo {
  originOfIssue: string;
  issueDate: string;
  expiryDate: string;
}

export type OcrIdInfo =
  | PassportOcrInfo
  | HongKongIdOcrInfo
  | ExitEntryPermitOcrInfo
  | MainlandTravelPermitHkMacaoOcrInfo
  | MainlandTravelPermitTaiwanOcrInfo
  | MacaoIdOcrInfo
  | ChineseResidentIdFaceOcrInfo
  | ChineseResidentIdEmblemOcrInfo;

export interface SpoofInfo {
  /** 'Y' when a risk was detected. */
  spoofResult: YesNo;
  spoofType: SpoofType[];
}

/** The decoded `Result.ExtIdInfo`. Each part is present only when the request asked for it. */
export interface ExtIdInfo {
  ocrIdInfo?: OcrIdInfo;
  /** 0..100. */
  idFaceQualityScore?: number;
  spoofInfo?: SpoofInfo;
}

const PASSPORT_FIELDS = [
  'surname',
  'givenname',
  'sex',
  'birthDate',
  'passportNo',
  'nationality',
  'expiryDate',
  'countryCode',
] as const satisfies readonly (keyof PassportOcrInfo)[];
const HONG_KONG_ID_FIELDS = [
  'name',
  'englishName',
  'nameCode',
  'sex',
  'birthDate',
  'idNumber',
  'currentIssueDate',
  'firstIssueDate',
  'isPermanent',
  'symbols',
] as const satisfies readonly (keyof HongKongIdOcrInfo)[];
const EXIT_ENTRY_PERMIT_FIELDS = [
  'name',
  'englishName',
  'sex',
  'birthDate',
  'idNumber',
  'issueDate',
  'expiryDate',
  'placeOfIssue',
  'originOfIssue',
] as const satisfies readonly (keyof ExitEntryPermitOcrInfo)[];
const MAINLAND_PERMIT_HK_MACAO_FIELDS = [
  'name',
  'englishName',
  'sex',
  'birthDate',
  'idNumber',
  'issueDate',
  'expiryDate',
  'originOfIssue',
] as const satisfies readonly (keyof MainlandTravelPermitHkMacaoOcrInfo)[];
const MAINLAND_PERMIT_TAIWAN_FIELDS = [
  ...MAINLAND_PERMIT_HK_MACAO_FIELDS,
  'placeOfIssue',
] as const satisfies readonly (keyof MainlandTravelPermitTaiwanOcrInfo)[];
const MACAO_ID_FIELDS = [
  'surnameCN',
  'givennameCN',
  'surname',
  'givenname',
  'sex',
  'birthDate',
  'idNumber',
  'expiryDate',
  'placeOfBirth',
] as const satisfies readonly (keyof MacaoIdOcrInfo)[];
// The API documents the mainland ID card's eleven fields in one table. They are split by the side that prints them,
// as the physical card does: a request names one side (CardSide), so a result can only hold that side's fields.
const RESIDENT_ID_FACE_FIELDS = [
  'name',
  'sex',
  'ethnicity',
  'birthDate',
  'idNumber',
  'address',
  'province',
  'city',
] as const satisfies readonly (keyof ChineseResidentIdFaceOcrInfo)[];
const RESIDENT_ID_EMBLEM_FIELDS = [
  'originOfIssue',
  'issueDate',
  'expiryDate',
] as const satisfies readonly (keyof ChineseResidentIdEmblemOcrInfo)[];

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// Compile-time proof that each field list names exactly its interface's fields.
const fieldListsMatch: [
  Exact<Record<(typeof PASSPORT_FIELDS)[number], string>, PassportOcrInfo>,
  Exact<Record<(typeof HONG_KONG_ID_FIELDS)[number], string>, HongKongIdOcrInfo>,
  Exact<Record<(typeof EXIT_ENTRY_PERMIT_FIELDS)[number], string>, ExitEntryPermitOcrInfo>,
  Exact<Record<(typeof MAINLAND_PERMIT_HK_MACAO_FIELDS)[number], string>, MainlandTravelPermitHkMacaoOcrInfo>,
  Exact<Record<(typeof MAINLAND_PERMIT_TAIWAN_FIELDS)[number], string>, MainlandTravelPermitTaiwanOcrInfo>,
  Exact<Record<(typeof MACAO_ID_FIELDS)[number], string>, MacaoIdOcrInfo>,
  Exact<Record<(typeof RESIDENT_ID_FACE_FIELDS)[number], string>, ChineseResidentIdFaceOcrInfo>,
  Exact<Record<(typeof RESIDENT_ID_EMBLEM_FIELDS)[number], string>, ChineseResidentIdEmblemOcrInfo>,
] = [true, true, true, true, true, true, true, true];
void fieldListsMatch;

/** Which ocrIdInfo layout a document (and side) has; the two Hong Kong editions share one. */
export type OcrIdInfoLayout =
  | 'passport'
  | 'hongKongId'
  | 'exitEntryPermit'
  | 'mainlandPermitHkMacao'
  | 'mainlandPermitTaiwan'
  | 'macaoId'
  | 'residentIdFace'
  | 'residentIdEmblem';

/** The ocrIdInfo type of each layout. */
export interface OcrIdInfoByLayout {
  passport: PassportOcrInfo;
  hongKongId: HongKongIdOcrInfo;
  exitEntryPermit: ExitEntryPermitOcrInfo;
  mainlandPermitHkMacao: MainlandTravelPermitHkMacaoOcrInfo;
  mainlandPermitTaiwan: MainlandTravelPermitTaiwanOcrInfo;
  macaoId: MacaoIdOcrInfo;
  residentIdFace: ChineseResidentIdFaceOcrInfo;
  residentIdEmblem: ChineseResidentIdEmblemOcrInfo;
}

const LAYOUT_BY_DOC_TYPE = {
  [DocType.GlobalPassport]: 'passport',
  [DocType.HongKongId2003]: 'hongKongId',
  [DocType.HongKongId2018]: 'hongKongId',
  [DocType.ExitEntryPermitHkMacao]: 'exitEntryPermit',
  [DocType.MainlandTravelPermitHkMacao]: 'mainlandPermitHkMacao',
  [DocType.MacaoId]: 'macaoId',
  [DocType.MainlandTravelPermitTaiwan]: 'mainlandPermitTaiwan',
} as const satisfies Readonly<Record<Exclude<DocType, '00000001'>, OcrIdInfoLayout>>;

/** The layout of a document and side, as a type: the portrait side unless the emblem side is named. */
export type OcrIdInfoLayoutOf<D extends DocType, S extends CardSide | undefined = undefined> = D extends '00000001'
  ? S extends 'OCR_ID_NATIONAL_EMBLEM'
    ? 'residentIdEmblem'
    : 'residentIdFace'
  : (typeof LAYOUT_BY_DOC_TYPE)[Exclude<D, '00000001'>];

/** The ocrIdInfo type of a document and side, e.g. `OcrIdInfoFor<'01000000'>` is {@link PassportOcrInfo}. */
export type OcrIdInfoFor<
  D extends DocType,
  S extends CardSide | undefined = undefined,
> = OcrIdInfoByLayout[OcrIdInfoLayoutOf<D, S>];

/**
 * The ocrIdInfo layout of a document and side.
 * @throws InvalidParameterError('CardSide') for the national-emblem side of any document but the mainland ID card.
 */
export function ocrIdInfoLayout<D extends DocType, S extends CardSide | undefined = undefined>(
  docType: D,
  cardSide?: S,
): OcrIdInfoLayoutOf<D, S>;
export function ocrIdInfoLayout(docType: DocType, cardSide?: CardSide): OcrIdInfoLayout {
  if (docType === DocType.ChineseResidentId) {
    return cardSide === CardSide.NationalEmblem ? 'residentIdEmblem' : 'residentIdFace';
  }
  if (cardSide === CardSide.NationalEmblem) {
    throw new InvalidParameterError(
      'CardSide',
      `${CardSide.NationalEmblem} applies only to DocType ${DocType.ChineseResidentId}`,
    );
  }
  return LAYOUT_BY_DOC_TYPE[docType];
}

const LAYOUT_FIELDS: Readonly<Record<OcrIdInfoLayout, readonly string[]>> = {
  passport: PASSPORT_FIELDS,
  hongKongId: HONG_KONG_ID_FIELDS,
  exitEntryPermit: EXIT_ENTRY_PERMIT_FIELDS,
  mainlandPermitHkMacao: MAINLAND_PERMIT_HK_MACAO_FIELDS,
  mainlandPermitTaiwan: MAINLAND_PERMIT_TAIWAN_FIELDS,
  macaoId: MACAO_ID_FIELDS,
  residentIdFace: RESIDENT_ID_FACE_FIELDS,
  residentIdEmblem: RESIDENT_ID_EMBLEM_FIELDS,
};

/**
 * The ocrIdInfo field names for a document (and, for the mainland ID card, a side), in the API's table order.
 * @throws InvalidParameterError('CardSide') for the national-emblem side of any other document.
 */
export function ocrIdInfoFields(docType: DocType, cardSide?: CardSide): readonly string[] {
  return LAYOUT_FIELDS[ocrIdInfoLayout(docType, cardSide)];
}

// A field the service could not read is an empty string; absent or null is read the same way.
const fieldValue = z
  .string({ error: 'must be a string' })
  .nullish()
  .transform((v) => v ?? '');

/**
 * A strict schema over `fields`. `emptyAllowed` are names of the other side of the same card: accepted only with an
 * empty value (a service that fills the API's single mainland-ID table for either side sends them so) and dropped.
 */
function ocrInfoSchema<T>(fields: readonly string[], emptyAllowed: readonly string[] = []): z.ZodType<T> {
  const shape: Record<string, z.ZodType> = {};
  for (const name of emptyAllowed) shape[name] = z.union([z.literal(''), z.null()]).optional();
  for (const name of fields) shape[name] = fieldValue;
  return z.strictObject(shape).transform((info) => {
    const out: Record<string, unknown> = {};
    for (const name of fields) out[name] = info[name];
    return out as T;
  }) as unknown as z.ZodType<T>;
}

const OCR_ID_INFO_SCHEMAS: { readonly [L in OcrIdInfoLayout]: z.ZodType<OcrIdInfoByLayout[L]> } = {
  passport: ocrInfoSchema<PassportOcrInfo>(PASSPORT_FIELDS),
  hongKongId: ocrInfoSchema<HongKongIdOcrInfo>(HONG_KONG_ID_FIELDS),
  exitEntryPermit: ocrInfoSchema<ExitEntryPermitOcrInfo>(EXIT_ENTRY_PERMIT_FIELDS),
  mainlandPermitHkMacao: ocrInfoSchema<MainlandTravelPermitHkMacaoOcrInfo>(MAINLAND_PERMIT_HK_MACAO_FIELDS),
  mainlandPermitTaiwan: ocrInfoSchema<MainlandTravelPermitTaiwanOcrInfo>(MAINLAND_PERMIT_TAIWAN_FIELDS),
  macaoId: ocrInfoSchema<MacaoIdOcrInfo>(MACAO_ID_FIELDS),
  residentIdFace: ocrInfoSchema<ChineseResidentIdFaceOcrInfo>(RESIDENT_ID_FACE_FIELDS, RESIDENT_ID_EMBLEM_FIELDS),
  residentIdEmblem: ocrInfoSchema<ChineseResidentIdEmblemOcrInfo>(RESIDENT_ID_EMBLEM_FIELDS, RESIDENT_ID_FACE_FIELDS),
};

/**
 * The strict ocrIdInfo schema of a document (and side): exactly the API's field names, all strings; unknown fields
 * are rejected. Absent or null fields read as ''.
 * @throws InvalidParameterError('CardSide') for the national-emblem side of any document but the mainland ID card.
 */
export function ocrIdInfoSchemaFor<D extends DocType, S extends CardSide | undefined = undefined>(
  docType: D,
  cardSide?: S,
): z.ZodType<OcrIdInfoFor<D, S>>;
export function ocrIdInfoSchemaFor(docType: DocType, cardSide?: CardSide): z.ZodType<OcrIdInfo> {
  return OCR_ID_INFO_SCHEMAS[ocrIdInfoLayout(docType, cardSide)];
}

/** SpoofInfo; 'N' (normal) must come with no spoof types. */
export const spoofInfoSchema: z.ZodType<SpoofInfo> = z
  .strictObject({
    spoofResult: z.enum([YesNo.Yes, YesNo.No]),
    spoofType: z.array(z.enum(SPOOF_TYPES)).default([]),
  })
  .refine((info) => info.spoofResult === YesNo.Yes || info.spoofType.length === 0, {
    error: "spoofResult 'N' cannot list spoof types",
    path: ['spoofType'],
  });

/**
 * What the API sends when spoof detection did not run (Spoof 'F', or the national-emblem side): spoofResult 'N' and
 * no types. A fresh object each call, so callers may not mutate a shared one.
 */
export function spoofInfoNotChecked(): SpoofInfo {
  return { spoofResult: YesNo.No, spoofType: [] };
}

/** The SpoofInfo for a set of findings: 'Y' with the distinct types in the API's order, or 'N' with none. */
export function spoofInfoFromFindings(findings: Iterable<SpoofType>): SpoofInfo {
  const found = new Set(findings);
  const spoofType = SPOOF_TYPES.filter((type) => found.has(type));
  return { spoofResult: spoofType.length > 0 ? YesNo.Yes : YesNo.No, spoofType };
}

/** The API types ocrIdInfo and spoofInfo as String: accept them as JSON text as well as objects. */
function jsonTextOrValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** "If the OCR process fails, this field is empty": '', null, {} and absence all mean no ocrIdInfo. */
function emptyOcrToUndefined(value: unknown): unknown {
  const decoded = jsonTextOrValue(value);
  if (decoded === null) return undefined;
  if (typeof decoded === 'object' && !Array.isArray(decoded) && Object.keys(decoded).length === 0) return undefined;
  return decoded;
}

/**
 * The ExtIdInfo schema for a document (and side). The top level keeps unknown members, so a newer service's
 * additions survive a parse/serialize round trip; ocrIdInfo and spoofInfo are strict.
 */
export function extIdInfoSchemaFor(docType: DocType, cardSide?: CardSide): z.ZodType<ExtIdInfo> {
  return z.looseObject({
    ocrIdInfo: z.preprocess(emptyOcrToUndefined, ocrIdInfoSchemaFor(docType, cardSide).optional()),
    idFaceQualityScore: z.number({ error: 'must be a number' }).min(0).max(100).optional(),
    spoofInfo: z.preprocess((v) => (v === null ? undefined : jsonTextOrValue(v)), spoofInfoSchema.optional()),
  }) as unknown as z.ZodType<ExtIdInfo>;
}

/**
 * A response or ExtIdInfo that does not follow the contract. Not an API code: the service's answer is wrong, so the
 * status is 502 (a bad upstream answer), which callers may retry.
 */
export class InvalidResponseError extends DocOcrError {
  constructor(message: string, options?: DocOcrErrorOptions) {
    super('InvalidResponse', message, { httpStatus: 502, ...options });
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Decodes `Result.ExtIdInfo` for the document (and side) it was requested for. An empty string is an empty ExtIdInfo.
 * @throws InvalidResponseError when the text is not JSON or does not follow the contract (messages name fields, never
 * their values, which are personal data).
 */
export function parseExtIdInfo(json: string, docType: DocType, cardSide?: CardSide): ExtIdInfo {
  if (json.trim() === '') return {};
  let decoded: unknown;
  try {
    decoded = JSON.parse(json);
  } catch {
    throw new InvalidResponseError('ExtIdInfo is not valid JSON');
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new InvalidResponseError('ExtIdInfo is not a JSON object');
  }
  const result = extIdInfoSchemaFor(docType, cardSide).safeParse(decoded);
  if (!result.success)
    throw new InvalidResponseError(`ExtIdInfo does not follow the contract: ${describeIssues(result.error)}`);
  return result.data;
}

/**
 * The `Result.ExtIdInfo` string for `info`: JSON with the members in the object's own order, absent parts omitted.
 * With `target`, `info` is first checked against that document's contract, so a producer cannot send what
 * {@link parseExtIdInfo} would refuse.
 * @throws InvalidResponseError (only with `target`) when `info` does not follow the contract.
 */
export function serializeExtIdInfo(info: ExtIdInfo, target?: { docType: DocType; cardSide?: CardSide }): string {
  if (target !== undefined) {
    const result = extIdInfoSchemaFor(target.docType, target.cardSide).safeParse(info);
    if (!result.success) {
      throw new InvalidResponseError(`ExtIdInfo does not follow the contract: ${describeIssues(result.error)}`);
    }
  }
  return JSON.stringify(info);
}

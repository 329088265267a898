import { z } from 'zod';
import {
  CARD_SIDES,
  CardSide,
  DOC_TYPES,
  DocType,
  Flag,
  ID_THRESHOLDS,
  IdThreshold,
  PRODUCT_CODE,
} from './doc-types.js';
import { type DocOcrError, ImageTooLargeError, InvalidParameterError, MissingParameterError } from './errors.js';
import { IMAGE_REQUIREMENTS } from './image-requirements.js';

/**
 * A DocOcrV2 request with the API's parameters in camelCase, after defaults are applied. Build one with
 * {@link docOcrV2RequestSchema} (camelCase input) or {@link parseDocOcrV2Request} (the wire's PascalCase names).
 *
 * @example
 * const request = docOcrV2RequestSchema.parse({
 *   productCode: 'ID_OCR_MIN', merchantBizId: 'order42', merchantUserId: 'u-hash',
 *   idOcrPictureFile: './passport.jpg', docType: DocType.GlobalPassport, ocr: 'T',
 * }); // idFaceQuality 'F', spoof 'F', idThreshold '3' filled in
 */
export interface DocOcrV2Request {
  productCode: typeof PRODUCT_CODE;
  /** Up to 10 letters, digits or underscores. */
  sceneCode?: string;
  /** Up to 32 letters and digits; the caller's business id. */
  merchantBizId: string;
  merchantUserId: string;
  /** Exactly one of idOcrPictureBase64, idOcrPictureUrl and idOcrPictureFile is set. Plain base64 or a data URL. */
  idOcrPictureBase64?: string;
  /** An http or https URL the service downloads the picture from. */
  idOcrPictureUrl?: string;
  /** The picture's bytes, or a path to it on the machine that runs the call. */
  idOcrPictureFile?: Uint8Array | string;
  docType: DocType;
  ocr: Flag;
  /** Default 'F'. Applies to the portrait side only. */
  idFaceQuality: Flag;
  /** Default 'F'. Applies to the portrait side only. */
  spoof: Flag;
  /** Default '3' (quality check off). */
  idThreshold: IdThreshold;
  /** Only for {@link DocType.ChineseResidentId}, where it defaults to {@link CardSide.Face}. */
  cardSide?: CardSide;
}

/** What {@link docOcrV2RequestSchema} accepts: a request whose defaulted parameters may be left out. */
export type DocOcrV2RequestInput = Omit<DocOcrV2Request, 'productCode' | 'idFaceQuality' | 'spoof' | 'idThreshold'> &
  Partial<Pick<DocOcrV2Request, 'idFaceQuality' | 'spoof' | 'idThreshold'>> & { productCode: string };

/**
 * The request as it arrives on the wire: PascalCase API names, string values (the query and form body of the
 * Alibaba SDKs). IdOcrPictureFile also takes bytes, for callers inside this process. A string IdOcrPictureFile is a
 * path on the machine that runs the call, so a server must refuse it from remote callers.
 */
export interface DocOcrV2WireRequest {
  ProductCode: string;
  SceneCode?: string;
  MerchantBizId: string;
  MerchantUserId: string;
  IdOcrPictureBase64?: string;
  IdOcrPictureUrl?: string;
  IdOcrPictureFile?: string | Uint8Array;
  DocType: string;
  Ocr: string;
  IdFaceQuality?: string;
  Spoof?: string;
  IdThreshold?: string;
  CardSide?: string;
}

/** The API's parameter names, in the order of its parameter table, keyed by their camelCase form. */
export const WIRE_PARAMETER_NAMES = {
  productCode: 'ProductCode',
  sceneCode: 'SceneCode',
  merchantBizId: 'MerchantBizId',
  merchantUserId: 'MerchantUserId',
  idOcrPictureBase64: 'IdOcrPictureBase64',
  idOcrPictureUrl: 'IdOcrPictureUrl',
  idOcrPictureFile: 'IdOcrPictureFile',
  docType: 'DocType',
  ocr: 'Ocr',
  idFaceQuality: 'IdFaceQuality',
  spoof: 'Spoof',
  idThreshold: 'IdThreshold',
  cardSide: 'CardSide',
} as const satisfies Record<keyof DocOcrV2Request, keyof DocOcrV2WireRequest>;

type CamelKey = keyof typeof WIRE_PARAMETER_NAMES;
const CAMEL_KEYS = Object.keys(WIRE_PARAMETER_NAMES) as CamelKey[];

const PICTURE_KEYS = ['idOcrPictureBase64', 'idOcrPictureUrl', 'idOcrPictureFile'] as const;
export const PICTURE_PARAMETERS = PICTURE_KEYS.map((key) => WIRE_PARAMETER_NAMES[key]);

/**
 * How an issue raised by these schemas becomes a DocOcrError. zod's own issues without these params are
 * InvalidParameter, or MissingParameter when the value is absent.
 */
type IssueKind =
  | { docOcr: 'missing'; parameters?: readonly string[] }
  | { docOcr: 'tooLarge' }
  | { docOcr: 'invalid'; parameter: string };

const missing = (message: string) => ({ error: message, params: { docOcr: 'missing' } satisfies IssueKind });

const requiredString = (what: string) => z.string().refine((v) => v !== '', missing(`${what} is required`));

const flag = () => z.enum([Flag.True, Flag.False], { error: 'must be T or F' });

const SCENE_CODE = /^[A-Za-z0-9_]{1,10}$/;
const MERCHANT_BIZ_ID = /^[A-Za-z0-9]{1,32}$/;
// Standard alphabet only: a '+' turned into a space by form decoding must fail here, not decode into other bytes.
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_PREFIX = /^data:image\/[a-z0-9.+-]+;base64,/i;

/** The base64 payload of an IdOcrPictureBase64 value: the data-URL prefix and MIME line breaks removed. */
export function base64Payload(value: string): string {
  return value.replace(DATA_URL_PREFIX, '').replace(/[\r\n]/g, '');
}

/** Decodes a valid IdOcrPictureBase64 value (plain base64 or a data URL) to the picture's bytes. */
export function decodeIdOcrPictureBase64(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64Payload(value), 'base64'));
}

function base64Problem(value: string): string | undefined {
  if (value.startsWith('data:') && !DATA_URL_PREFIX.test(value))
    return 'a data URL must be data:image/<type>;base64,...';
  const payload = base64Payload(value);
  if (payload === '') return 'the picture is empty';
  if (!BASE64_BODY.test(payload)) return 'not valid base64 (standard alphabet, optional = padding)';
  if (payload.length % 4 === 1) return 'not valid base64 (truncated)';
  if (payload.includes('=') && payload.length % 4 !== 0) return 'not valid base64 (padding)';
  return undefined;
}

const idOcrPictureBase64Schema = z.string().superRefine((value, ctx) => {
  if (value.length > IMAGE_REQUIREMENTS.maxBase64Chars) {
    ctx.addIssue({
      code: 'custom',
      message: `IdOcrPictureBase64 is ${value.length} characters; the limit is ${IMAGE_REQUIREMENTS.maxBase64Chars}`,
      params: { docOcr: 'tooLarge' } satisfies IssueKind,
    });
    return;
  }
  const problem = base64Problem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const idOcrPictureUrlSchema = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}, 'must be an absolute http or https URL');

const idOcrPictureFileSchema = z
  .union([z.instanceof(Uint8Array), z.string()], { error: 'must be bytes or a file path' })
  .refine((value) => (typeof value === 'string' ? value !== '' : value.byteLength > 0), 'the picture is empty');

const requestShape = {
  productCode: requiredString('ProductCode').refine((v) => v === PRODUCT_CODE, `must be ${PRODUCT_CODE}`),
  sceneCode: z.string().regex(SCENE_CODE, 'at most 10 letters, digits or underscores').optional(),
  merchantBizId: requiredString('MerchantBizId').refine(
    (v) => v === '' || MERCHANT_BIZ_ID.test(v),
    'at most 32 letters and digits',
  ),
  merchantUserId: requiredString('MerchantUserId'),
  idOcrPictureBase64: idOcrPictureBase64Schema.optional(),
  idOcrPictureUrl: idOcrPictureUrlSchema.optional(),
  idOcrPictureFile: idOcrPictureFileSchema.optional(),
  docType: z.enum(DOC_TYPES, { error: `must be one of ${DOC_TYPES.join(', ')}` }),
  ocr: flag(),
  idFaceQuality: flag().default(Flag.False),
  spoof: flag().default(Flag.False),
  idThreshold: z.enum(ID_THRESHOLDS, { error: `must be one of ${ID_THRESHOLDS.join(', ')}` }).default(IdThreshold.Off),
  cardSide: z.enum(CARD_SIDES, { error: `must be ${CARD_SIDES.join(' or ')}` }).optional(),
};

/**
 * The camelCase request with every rule of the API, including the cross-parameter ones: exactly one picture source,
 * and the national-emblem side only for the mainland resident ID. CardSide defaults to the portrait side for
 * {@link DocType.ChineseResidentId}. CardSide OCR_ID_FACE is accepted with other document types and left as given:
 * it names the only side they have, and the Alibaba SDK sends it with them.
 *
 * Use {@link validateDocOcrV2Request} or {@link parseDocOcrV2Request} to get DocOcrErrors instead of a ZodError.
 */
export const docOcrV2RequestSchema: z.ZodType<DocOcrV2Request, DocOcrV2RequestInput> = z
  .object(requestShape)
  .superRefine((request, ctx) => {
    const supplied = PICTURE_KEYS.filter((key) => request[key] !== undefined);
    if (supplied.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `one of ${PICTURE_PARAMETERS.join(', ')} is required`,
        params: { docOcr: 'missing', parameters: PICTURE_PARAMETERS } satisfies IssueKind,
      });
    } else if (supplied.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [supplied[1] as string],
        message: `only one of ${PICTURE_PARAMETERS.join(', ')} may be supplied`,
        params: {
          docOcr: 'invalid',
          parameter: supplied.map((key) => WIRE_PARAMETER_NAMES[key]).join('/'),
        } satisfies IssueKind,
      });
    }
    if (request.cardSide === CardSide.NationalEmblem && request.docType !== DocType.ChineseResidentId) {
      ctx.addIssue({
        code: 'custom',
        path: ['cardSide'],
        message: `${CardSide.NationalEmblem} applies only to DocType ${DocType.ChineseResidentId}`,
      });
    }
  })
  .transform((request): DocOcrV2Request => {
    const out: DocOcrV2Request = { ...request, productCode: PRODUCT_CODE };
    if (out.docType === DocType.ChineseResidentId && out.cardSide === undefined) out.cardSide = CardSide.Face;
    return out;
  });

const wireString = z.string({ error: 'must be a string' });

/**
 * The wire request's shape: PascalCase names, string values. It checks types and presence of the required names
 * only; the API's rules are in {@link docOcrV2RequestSchema}, and {@link parseDocOcrV2Request} applies both.
 * Unknown names (signature parameters and the like) are dropped.
 */
export const docOcrV2WireRequestSchema: z.ZodType<DocOcrV2WireRequest> = z.object({
  ProductCode: wireString,
  SceneCode: wireString.optional(),
  MerchantBizId: wireString,
  MerchantUserId: wireString,
  IdOcrPictureBase64: wireString.optional(),
  IdOcrPictureUrl: wireString.optional(),
  IdOcrPictureFile: z.union([wireString, z.instanceof(Uint8Array)], { error: 'must be a string or bytes' }).optional(),
  DocType: wireString,
  Ocr: wireString,
  IdFaceQuality: wireString.optional(),
  Spoof: wireString.optional(),
  IdThreshold: wireString.optional(),
  CardSide: wireString.optional(),
});

function errorFromIssues(issues: readonly z.core.$ZodIssue[], nameOf: (key: string) => string): DocOcrError {
  const errors = issues.map((issue): DocOcrError => {
    const params = (issue as { params?: IssueKind }).params;
    const key = issue.path[0];
    const parameter = typeof key === 'string' ? nameOf(key) : 'Request';
    if (params?.docOcr === 'tooLarge') return new ImageTooLargeError(issue.message);
    if (params?.docOcr === 'missing') return new MissingParameterError(params.parameters ?? parameter);
    if (params?.docOcr === 'invalid') return new InvalidParameterError(params.parameter, issue.message);
    if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined && issue.path.length > 0) {
      return new MissingParameterError(parameter);
    }
    return new InvalidParameterError(parameter, issue.message);
  });
  // A missing parameter is reported before an invalid one, as the API does; otherwise in parameter-table order.
  return errors.find((e) => e instanceof MissingParameterError) ?? (errors[0] as DocOcrError);
}

const camelToWire = (key: string): string => (WIRE_PARAMETER_NAMES as Record<string, string>)[key] ?? key;

/**
 * Validates a camelCase request, applying defaults.
 * @throws MissingParameterError, InvalidParameterError or ImageTooLargeError naming the API parameter.
 */
export function validateDocOcrV2Request(input: unknown): DocOcrV2Request {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidParameterError('Request', 'the request must be an object of parameters');
  }
  const result = docOcrV2RequestSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw errorFromIssues(result.error.issues, camelToWire);
  return result.data;
}

/**
 * The camelCase form of a wire request. Empty values count as absent, as they do for the API's query parameters.
 * Unknown names are dropped.
 */
export function fromWireRequest(wire: Partial<DocOcrV2WireRequest>): Partial<DocOcrV2RequestInput> {
  const out: Record<string, unknown> = {};
  for (const key of CAMEL_KEYS) {
    const value = wire[WIRE_PARAMETER_NAMES[key]];
    if (value === undefined || value === '') continue;
    out[key] = value;
  }
  return out as Partial<DocOcrV2RequestInput>;
}

/**
 * Parses a request in the wire's shape (PascalCase names, string values) into a validated {@link DocOcrV2Request}.
 * @throws MissingParameterError, InvalidParameterError or ImageTooLargeError naming the API parameter; nothing else.
 */
export function parseDocOcrV2Request(input: unknown): DocOcrV2Request {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidParameterError('Request', 'the request must be an object of parameters');
  }
  const wire = docOcrV2WireRequestSchema.safeParse(input, { reportInput: true });
  if (!wire.success) throw errorFromIssues(wire.error.issues, (key) => key);
  return validateDocOcrV2Request(fromWireRequest(wire.data));
}

/** The wire form of a request: PascalCase names, only the parameters that are set. */
export function toWireRequest(request: DocOcrV2Request): DocOcrV2WireRequest {
  const out: Record<string, unknown> = {};
  for (const key of CAMEL_KEYS) {
    const value = request[key];
    if (value !== undefined) out[WIRE_PARAMETER_NAMES[key]] = value;
  }
  return out as unknown as DocOcrV2WireRequest;
}

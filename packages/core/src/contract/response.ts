import { z } from 'zod';
import { SUB_CODES, SubCode, YesNo } from './doc-types.js';
import { type ExtIdInfo, InvalidResponseError, serializeExtIdInfo } from './ext-id-info.js';

/** `Result` of a DocOcrV2 answer. `ExtIdInfo` is JSON text; decode it with `parseExtIdInfo`. */
export interface DocOcrV2Result {
  TransactionId: string;
  Passed: YesNo;
  SubCode: SubCode;
  ExtIdInfo: string;
}

/**
 * The exact HTTP 200 body of DocOcrV2. The Alibaba SDKs do not raise on it, so `Passed` and `SubCode` carry the
 * verdict: `Passed: 'N'` is a result, not an error.
 */
export interface DocOcrV2Response {
  RequestId: string;
  /** 'Success' on HTTP 200. */
  Code: string;
  Message: string;
  Result: DocOcrV2Result;
}

export const SUCCESS_CODE = 'Success';
export const SUCCESS_MESSAGE = 'success';

/**
 * The response body. Unknown members, at the top level and in `Result`, are kept, so a newer service's additions
 * pass through. A missing ExtIdInfo reads as ''.
 */
export const docOcrV2ResponseSchema: z.ZodType<DocOcrV2Response> = z.looseObject({
  RequestId: z.string(),
  Code: z.string(),
  Message: z.string(),
  Result: z.looseObject({
    TransactionId: z.string(),
    Passed: z.enum([YesNo.Yes, YesNo.No]),
    SubCode: z.enum(SUB_CODES),
    ExtIdInfo: z.string().default(''),
  }),
}) as unknown as z.ZodType<DocOcrV2Response>;

/**
 * Validates a response body (parsed JSON or its text).
 * @throws InvalidResponseError naming the members that do not follow the contract.
 */
export function parseDocOcrV2Response(body: unknown): DocOcrV2Response {
  let decoded = body;
  if (typeof body === 'string') {
    try {
      decoded = JSON.parse(body) as unknown;
    } catch {
      throw new InvalidResponseError('DocOcrV2 response is not valid JSON');
    }
  }
  const result = docOcrV2ResponseSchema.safeParse(decoded);
  if (!result.success) {
    const where = result.error.issues.map((issue) => issue.path.map(String).join('.') || '(root)').join(', ');
    throw new InvalidResponseError(`DocOcrV2 response does not follow the contract at ${where}`);
  }
  return result.data;
}

export interface CreateDocOcrV2ResponseInput {
  requestId: string;
  transactionId: string;
  /** Derived from subCode when omitted ('Y' exactly for SubCode 200); when given it must agree with it. */
  passed?: YesNo;
  subCode: SubCode;
  /** The decoded ExtIdInfo, or its JSON text as is. */
  extIdInfo: ExtIdInfo | string;
}

/**
 * The HTTP 200 body for a finished request.
 * @throws TypeError when `passed` contradicts `subCode` (a bug in the caller, not a property of the request).
 */
export function createDocOcrV2Response(input: CreateDocOcrV2ResponseInput): DocOcrV2Response {
  const passed = input.subCode === SubCode.Passed ? YesNo.Yes : YesNo.No;
  if (input.passed !== undefined && input.passed !== passed) {
    throw new TypeError(`Passed '${input.passed}' contradicts SubCode '${input.subCode}'`);
  }
  return {
    RequestId: input.requestId,
    Code: SUCCESS_CODE,
    Message: SUCCESS_MESSAGE,
    Result: {
      TransactionId: input.transactionId,
      Passed: passed,
      SubCode: input.subCode,
      ExtIdInfo: typeof input.extIdInfo === 'string' ? input.extIdInfo : serializeExtIdInfo(input.extIdInfo),
    },
  };
}

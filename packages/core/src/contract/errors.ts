/**
 * Error codes of the cloudauth-intl API family with their HTTP statuses (see shared/notes/alibaba-wire-protocol.md).
 * Keys are the codes themselves; codes containing a dot also have a dot-free alias (`ErrorCode.ThrottlingApi`) so they
 * can be written without brackets.
 */
export const ErrorCode = {
  MissingParameter: 'MissingParameter',
  InvalidParameter: 'InvalidParameter',
  TransactionIdInvalid: 'TransactionIdInvalid',
  'Forbidden.ExceptionRepeatedInvoke': 'Forbidden.ExceptionRepeatedInvoke',
  ForbiddenExceptionRepeatedInvoke: 'Forbidden.ExceptionRepeatedInvoke',
  UnqualifiedPhoto: 'UnqualifiedPhoto',
  DataDuplication: 'DataDuplication',
  ToolargeImage: 'ToolargeImage',
  DownloadTimeout: 'DownloadTimeout',
  NoFaceDetected: 'NoFaceDetected',
  'Forbidden.RAMUserAccessDenied': 'Forbidden.RAMUserAccessDenied',
  ForbiddenRAMUserAccessDenied: 'Forbidden.RAMUserAccessDenied',
  'Forbidden.AccountAccessDenied': 'Forbidden.AccountAccessDenied',
  ForbiddenAccountAccessDenied: 'Forbidden.AccountAccessDenied',
  'Throttling.Api': 'Throttling.Api',
  ThrottlingApi: 'Throttling.Api',
  ProcessNotCompleted: 'ProcessNotCompleted',
  SuspiciousActivity: 'SuspiciousActivity',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  IncompleteSignature: 'IncompleteSignature',
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  'InvalidAccessKeyId.NotFound': 'InvalidAccessKeyId.NotFound',
  InvalidAccessKeyIdNotFound: 'InvalidAccessKeyId.NotFound',
  SignatureNonceUsed: 'SignatureNonceUsed',
  'InvalidTimeStamp.Expired': 'InvalidTimeStamp.Expired',
  InvalidTimeStampExpired: 'InvalidTimeStamp.Expired',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every code once (ErrorCode lists the dotted codes under two keys). */
export const ERROR_CODES: readonly ErrorCode[] = [...new Set(Object.values(ErrorCode))];

/** Codes of a failed request signature (shared by Alibaba's API gateway family). */
export const SIGNATURE_ERROR_CODES = [
  ErrorCode.IncompleteSignature,
  ErrorCode.SignatureDoesNotMatch,
  ErrorCode.InvalidAccessKeyIdNotFound,
  ErrorCode.SignatureNonceUsed,
  ErrorCode.InvalidTimeStampExpired,
] as const;
export type SignatureErrorCode = (typeof SIGNATURE_ERROR_CODES)[number];

/** Not an API code: the call never got an HTTP answer (connection refused, reset, timed out, aborted). */
export const NETWORK_ERROR_CODE = 'NetworkError';

const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  MissingParameter: 400,
  InvalidParameter: 400,
  TransactionIdInvalid: 400,
  'Forbidden.ExceptionRepeatedInvoke': 401,
  UnqualifiedPhoto: 401,
  DataDuplication: 401,
  ToolargeImage: 401,
  DownloadTimeout: 401,
  NoFaceDetected: 401,
  'Forbidden.RAMUserAccessDenied': 403,
  'Forbidden.AccountAccessDenied': 403,
  'Throttling.Api': 403,
  ProcessNotCompleted: 404,
  SuspiciousActivity: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  // The signature codes are not documented for cloudauth-intl; these are the statuses Alibaba's gateway uses for them.
  IncompleteSignature: 400,
  SignatureDoesNotMatch: 400,
  'InvalidAccessKeyId.NotFound': 404,
  SignatureNonceUsed: 400,
  'InvalidTimeStamp.Expired': 400,
};

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(HTTP_STATUS, code);
}

/** The HTTP status the API answers with for `code`; 500 for a code it does not document. */
export function httpStatusFor(code: string): number {
  return isErrorCode(code) ? HTTP_STATUS[code] : 500;
}

/**
 * Whether repeating the same call can succeed: throttling (any code containing `Throttling`, as the Alibaba SDK
 * decides), any 5xx, network failures, and DownloadTimeout (the service could not fetch IdOcrPictureUrl in time).
 * Everything else describes the request or the account and will fail the same way again.
 */
export function isRetryable(code: string, httpStatus: number): boolean {
  return (
    code.includes('Throttling') ||
    httpStatus >= 500 ||
    code === NETWORK_ERROR_CODE ||
    code === ErrorCode.DownloadTimeout
  );
}

/** The wire body of an API error, as the Alibaba SDKs expect it. */
export interface DocOcrErrorWireBody {
  RequestId: string;
  Code: string;
  Message: string;
  HostId: string;
  Recommend: string;
}

export interface DocOcrErrorOptions {
  requestId?: string;
  hostId?: string;
  recommend?: string;
  /** Delay the server asked for before a retry (Alibaba's `x-acs-retry-after`, in milliseconds). */
  retryAfterMs?: number;
  /** Overrides the status derived from the code (e.g. an undocumented code read from the wire). */
  httpStatus?: number;
  cause?: unknown;
}

/** The host name Alibaba reports in `HostId`; kept so SDK clients see the shape they know. */
export const DEFAULT_HOST_ID = 'cloudauth-intl.cn-hongkong.aliyuncs.com';

const DOC_OCR_ERROR_BRAND = Symbol.for('@dococr/core/DocOcrError');

/**
 * Base class of every error the DocOcrV2 contract defines. Recognise it with {@link isDocOcrError}, which also works
 * when two copies of this package are loaded and `instanceof` would fail.
 */
export class DocOcrError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly requestId?: string;
  readonly hostId?: string;
  readonly recommend?: string;
  readonly retryAfterMs?: number;

  constructor(code: string, message: string, options: DocOcrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = options.httpStatus ?? httpStatusFor(code);
    this.retryable = isRetryable(code, this.httpStatus);
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.hostId !== undefined) this.hostId = options.hostId;
    if (options.recommend !== undefined) this.recommend = options.recommend;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    Object.defineProperty(this, DOC_OCR_ERROR_BRAND, { value: true, enumerable: false });
  }

  /** The JSON body the API sends with this error's HTTP status. */
  toWireBody(requestId: string = this.requestId ?? ''): DocOcrErrorWireBody {
    return {
      RequestId: requestId,
      Code: this.code,
      Message: this.message,
      HostId: this.hostId ?? DEFAULT_HOST_ID,
      Recommend: this.recommend ?? '',
    };
  }
}

/** True for any DocOcrError, including one created by another copy of this package (checked by brand, not class). */
export function isDocOcrError(e: unknown): e is DocOcrError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[DOC_OCR_ERROR_BRAND] === true;
}

/** A required parameter is absent or empty. `parameter` names it, or several joined by '/' when one of them is needed. */
export class MissingParameterError extends DocOcrError {
  readonly parameter: string;
  readonly parameters: readonly string[];

  constructor(parameter: string | readonly string[], options?: DocOcrErrorOptions) {
    const parameters = typeof parameter === 'string' ? [parameter] : [...parameter];
    const named = parameters.join('/');
    const message =
      parameters.length > 1
        ? `One of the input parameters ${parameters.map((p) => `"${p}"`).join(', ')} is mandatory for processing this request and none is supplied.`
        : `The input parameter "${named}" that is mandatory for processing this request is not supplied.`;
    super(ErrorCode.MissingParameter, message, options);
    this.parameter = named;
    this.parameters = parameters;
  }
}

/** A parameter is present but not acceptable; `reason` says why (never echoing the value: it may be personal data). */
export class InvalidParameterError extends DocOcrError {
  readonly parameter: string;
  readonly reason: string;

  constructor(parameter: string, reason: string, options?: DocOcrErrorOptions) {
    super(ErrorCode.InvalidParameter, `The specified parameter "${parameter}" is invalid: ${reason}`, options);
    this.parameter = parameter;
    this.reason = reason;
  }
}

export class ImageTooLargeError extends DocOcrError {
  constructor(message = 'The image is too large.', options?: DocOcrErrorOptions) {
    super(ErrorCode.ToolargeImage, message, options);
  }
}

export class ThrottlingError extends DocOcrError {
  constructor(
    message = 'Request was denied due to API flow control.',
    options?: DocOcrErrorOptions & { code?: string },
  ) {
    super(options?.code ?? ErrorCode.ThrottlingApi, message, options);
  }
}

export class ServiceUnavailableError extends DocOcrError {
  constructor(
    message = 'The request has failed due to a temporary failure of the server.',
    options?: DocOcrErrorOptions,
  ) {
    super(ErrorCode.ServiceUnavailable, message, options);
  }
}

export class InternalServiceError extends DocOcrError {
  constructor(message = 'The request processing has failed due to some unknown error.', options?: DocOcrErrorOptions) {
    super(ErrorCode.InternalError, message, options);
  }
}

export class SignatureError extends DocOcrError {
  declare readonly code: SignatureErrorCode;

  constructor(code: SignatureErrorCode, message: string, options?: DocOcrErrorOptions) {
    super(code, message, options);
  }
}

/** The call got no HTTP answer. Not an API code; always retryable. */
export class NetworkError extends DocOcrError {
  constructor(message: string, options?: DocOcrErrorOptions) {
    super(NETWORK_ERROR_CODE, message, { httpStatus: 0, ...options });
  }
}

function field(body: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Rebuilds the error an API error response describes: the matching subclass for the codes this contract knows, a
 * plain {@link DocOcrError} for others, keeping the status the server sent. `body` may be the parsed JSON or its text.
 */
export function docOcrErrorFromWire(
  status: number,
  body: unknown,
  extra: { retryAfterMs?: number; cause?: unknown } = {},
): DocOcrError {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = {};
    }
  }
  const record: Record<string, unknown> =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const code = field(record, 'Code', 'code') ?? (status >= 500 ? ErrorCode.InternalError : `HTTP${status}`);
  const message = field(record, 'Message', 'message') ?? `DocOcrV2 failed with HTTP ${status}`;
  const options: DocOcrErrorOptions = { httpStatus: status, ...extra };
  const requestId = field(record, 'RequestId', 'requestId');
  const hostId = field(record, 'HostId', 'hostId');
  const recommend = field(record, 'Recommend', 'recommend');
  if (requestId !== undefined) options.requestId = requestId;
  if (hostId !== undefined) options.hostId = hostId;
  if (recommend !== undefined) options.recommend = recommend;

  let error: DocOcrError;
  if (code === ErrorCode.MissingParameter) {
    error = new MissingParameterError(quotedName(message) ?? 'unknown', options);
  } else if (code === ErrorCode.InvalidParameter) {
    error = new InvalidParameterError(quotedName(message) ?? 'unknown', message, options);
  } else if (code === ErrorCode.ToolargeImage) {
    error = new ImageTooLargeError(message, options);
  } else if (code.includes('Throttling')) {
    error = new ThrottlingError(message, { ...options, code });
  } else if (code === ErrorCode.ServiceUnavailable) {
    error = new ServiceUnavailableError(message, options);
  } else if (code === ErrorCode.InternalError) {
    error = new InternalServiceError(message, options);
  } else if ((SIGNATURE_ERROR_CODES as readonly string[]).includes(code)) {
    error = new SignatureError(code as SignatureErrorCode, message, options);
  } else {
    error = new DocOcrError(code, message, options);
  }
  // The subclasses build their own message; the server's wording is what the caller should see.
  if (error.message !== message)
    Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  return error;
}

function quotedName(message: string): string | undefined {
  return /"([A-Za-z][A-Za-z0-9.]*)"/.exec(message)?.[1] ?? /parameter ([A-Z][A-Za-z0-9.]*)/.exec(message)?.[1];
}

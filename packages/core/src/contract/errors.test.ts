import { describe, expect, it } from 'vitest';
import type * as ErrorsModule from './errors.js';
import {
  DEFAULT_HOST_ID,
  ERROR_CODES,
  DocOcrError,
  ErrorCode,
  ImageTooLargeError,
  InternalServiceError,
  InvalidParameterError,
  MissingParameterError,
  NetworkError,
  SIGNATURE_ERROR_CODES,
  ServiceUnavailableError,
  SignatureError,
  ThrottlingError,
  docOcrErrorFromWire,
  httpStatusFor,
  isDocOcrError,
  isErrorCode,
} from './errors.js';

describe('httpStatusFor', () => {
  it('gives the documented status of every cloudauth-intl code', () => {
    const documented: Record<string, number> = {
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
    };
    for (const [code, status] of Object.entries(documented))
      expect([code, httpStatusFor(code)]).toEqual([code, status]);
  });

  it('gives the gateway statuses of the signature codes and 500 for unknown codes', () => {
    expect(SIGNATURE_ERROR_CODES.map(httpStatusFor)).toEqual([400, 400, 404, 400, 400]);
    expect(httpStatusFor('Something.New')).toBe(500);
    expect(httpStatusFor('toString')).toBe(500);
    expect(isErrorCode('constructor')).toBe(false);
  });

  it('has dot-free aliases that equal the dotted codes', () => {
    expect(ErrorCode.ThrottlingApi).toBe(ErrorCode['Throttling.Api']);
    expect(ErrorCode.InvalidAccessKeyIdNotFound).toBe('InvalidAccessKeyId.NotFound');
    expect(ErrorCode.ForbiddenExceptionRepeatedInvoke).toBe('Forbidden.ExceptionRepeatedInvoke');
    for (const code of Object.values(ErrorCode)) expect(isErrorCode(code)).toBe(true);
    expect(ERROR_CODES).toHaveLength(21);
    expect(new Set(ERROR_CODES)).toEqual(new Set(Object.values(ErrorCode)));
  });
});

describe('retryable', () => {
  it('is true only for throttling, 5xx, network failures and download timeouts', () => {
    expect(new ThrottlingError().retryable).toBe(true);
    expect(new ServiceUnavailableError().retryable).toBe(true);
    expect(new InternalServiceError().retryable).toBe(true);
    expect(new NetworkError('connection reset').retryable).toBe(true);
    expect(new DocOcrError(ErrorCode.DownloadTimeout, 'slow').retryable).toBe(true);
    expect(new DocOcrError('Whatever', 'bad gateway', { httpStatus: 502 }).retryable).toBe(true);
  });

  it('is false for request, account and signature problems', () => {
    expect(new MissingParameterError('Ocr').retryable).toBe(false);
    expect(new InvalidParameterError('Ocr', 'must be T or F').retryable).toBe(false);
    expect(new ImageTooLargeError().retryable).toBe(false);
    expect(new SignatureError('SignatureDoesNotMatch', 'no').retryable).toBe(false);
    expect(new DocOcrError(ErrorCode.SuspiciousActivity, 'risk').retryable).toBe(false);
    expect(new DocOcrError(ErrorCode['Forbidden.AccountAccessDenied'], 'no').retryable).toBe(false);
  });
});

describe('the error classes', () => {
  it('carry their code, status and name', () => {
    const cases: Array<[DocOcrError, string, number, string]> = [
      [new MissingParameterError('Ocr'), 'MissingParameter', 400, 'MissingParameterError'],
      [new InvalidParameterError('Ocr', 'x'), 'InvalidParameter', 400, 'InvalidParameterError'],
      [new ImageTooLargeError(), 'ToolargeImage', 401, 'ImageTooLargeError'],
      [new ThrottlingError(), 'Throttling.Api', 403, 'ThrottlingError'],
      [new ServiceUnavailableError(), 'ServiceUnavailable', 503, 'ServiceUnavailableError'],
      [new InternalServiceError(), 'InternalError', 500, 'InternalServiceError'],
      [new SignatureError('InvalidAccessKeyId.NotFound', 'who?'), 'InvalidAccessKeyId.NotFound', 404, 'SignatureError'],
    ];
    for (const [error, code, status, name] of cases) {
      expect([error.code, error.httpStatus, error.name]).toEqual([code, status, name]);
      expect(error).toBeInstanceOf(DocOcrError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('name the parameter in MissingParameter and InvalidParameter messages', () => {
    expect(new MissingParameterError('MerchantUserId').message).toBe(
      'The input parameter "MerchantUserId" that is mandatory for processing this request is not supplied.',
    );
    const invalid = new InvalidParameterError('IdThreshold', 'must be one of 0, 1, 2, 3');
    expect([invalid.parameter, invalid.reason]).toEqual(['IdThreshold', 'must be one of 0, 1, 2, 3']);
    expect(invalid.message).toContain('"IdThreshold"');
  });

  it('keep the options they are given', () => {
    const cause = new Error('socket hang up');
    const error = new ThrottlingError('slow down', {
      requestId: 'R1',
      hostId: 'h',
      recommend: 'https://r',
      retryAfterMs: 1500,
      cause,
    });
    expect([error.requestId, error.hostId, error.recommend, error.retryAfterMs, error.cause]).toEqual([
      'R1',
      'h',
      'https://r',
      1500,
      cause,
    ]);
  });
});

describe('toWireBody', () => {
  it('is the body the Alibaba SDKs expect', () => {
    expect(new MissingParameterError('Ocr').toWireBody('130A2C10-B9EE')).toEqual({
      RequestId: '130A2C10-B9EE',
      Code: 'MissingParameter',
      Message: 'The input parameter "Ocr" that is mandatory for processing this request is not supplied.',
      HostId: DEFAULT_HOST_ID,
      Recommend: '',
    });
  });

  it("falls back to the error's own request id and keeps its host and recommendation", () => {
    const error = new ServiceUnavailableError('busy', { requestId: 'R9', hostId: 'local', recommend: 'retry later' });
    expect(error.toWireBody()).toEqual({
      RequestId: 'R9',
      Code: 'ServiceUnavailable',
      Message: 'busy',
      HostId: 'local',
      Recommend: 'retry later',
    });
    expect(error.toWireBody('R10').RequestId).toBe('R10');
  });

  it('round-trips through docOcrErrorFromWire', () => {
    const original = new InvalidParameterError('CardSide', 'applies only to DocType 00000001', { requestId: 'R2' });
    const back = docOcrErrorFromWire(original.httpStatus, JSON.stringify(original.toWireBody()));
    expect(back).toBeInstanceOf(InvalidParameterError);
    expect([back.code, back.message, back.requestId, (back as InvalidParameterError).parameter]).toEqual([
      'InvalidParameter',
      original.message,
      'R2',
      'CardSide',
    ]);
  });
});

describe('isDocOcrError', () => {
  it('recognises an error from a second copy of this module, which instanceof does not', async () => {
    const specifier = './errors.js?second-copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof ErrorsModule;
    expect(copy.DocOcrError).not.toBe(DocOcrError);
    const foreign = new copy.ThrottlingError('from another copy');
    expect(foreign instanceof DocOcrError).toBe(false);
    expect(isDocOcrError(foreign)).toBe(true);
    expect(copy.isDocOcrError(new MissingParameterError('Ocr'))).toBe(true);
  });

  it('does not take a look-alike without the brand', () => {
    const lookAlike = Object.assign(new Error('x'), {
      code: 'InvalidParameter',
      httpStatus: 400,
      retryable: false,
      toWireBody: () => ({}),
    });
    expect(isDocOcrError(lookAlike)).toBe(false);
    for (const value of [null, undefined, 'InvalidParameter', 400, {}]) expect(isDocOcrError(value)).toBe(false);
  });
});

describe('docOcrErrorFromWire', () => {
  const body = (code: string, message = 'm') => ({
    RequestId: 'R',
    Code: code,
    Message: message,
    HostId: 'H',
    Recommend: 'rec',
  });

  it('builds the matching class and keeps the server status, message and ids', () => {
    const cases: Array<[number, string, new (...args: never[]) => DocOcrError]> = [
      [400, 'MissingParameter', MissingParameterError],
      [400, 'InvalidParameter', InvalidParameterError],
      [401, 'ToolargeImage', ImageTooLargeError],
      [403, 'Throttling.Api', ThrottlingError],
      [503, 'ServiceUnavailable', ServiceUnavailableError],
      [500, 'InternalError', InternalServiceError],
      [400, 'SignatureDoesNotMatch', SignatureError],
      [404, 'InvalidAccessKeyId.NotFound', SignatureError],
      [401, 'NoFaceDetected', DocOcrError],
    ];
    for (const [status, code, cls] of cases) {
      const error = docOcrErrorFromWire(status, body(code, `server says ${code}`));
      expect(error).toBeInstanceOf(cls);
      expect([error.code, error.httpStatus, error.message, error.requestId, error.hostId, error.recommend]).toEqual([
        code,
        status,
        `server says ${code}`,
        'R',
        'H',
        'rec',
      ]);
    }
  });

  it('recovers the parameter name from the message', () => {
    const error = docOcrErrorFromWire(
      400,
      body('MissingParameter', 'The input parameter "MerchantBizId" that is mandatory ...'),
    );
    expect((error as MissingParameterError).parameter).toBe('MerchantBizId');
  });

  it('treats any Throttling code as throttling and keeps the retry delay', () => {
    const error = docOcrErrorFromWire(403, body('Throttling.User'), { retryAfterMs: 2000 });
    expect(error).toBeInstanceOf(ThrottlingError);
    expect([error.code, error.retryable, error.retryAfterMs]).toEqual(['Throttling.User', true, 2000]);
  });

  it('copes with text, lower-case and unusable bodies', () => {
    expect(docOcrErrorFromWire(400, JSON.stringify(body('InvalidParameter'))).code).toBe('InvalidParameter');
    expect(docOcrErrorFromWire(429, { code: 'SuspiciousActivity', message: 'risk' }).code).toBe('SuspiciousActivity');
    const html = docOcrErrorFromWire(502, '<html>Bad Gateway</html>');
    expect([html.code, html.httpStatus, html.retryable]).toEqual(['InternalError', 502, true]);
    const empty = docOcrErrorFromWire(418, null);
    expect([empty.code, empty.httpStatus, empty.retryable]).toEqual(['HTTP418', 418, false]);
  });
});

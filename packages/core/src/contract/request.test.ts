import { describe, expect, it } from 'vitest';
import { CardSide, DOC_TYPES, DocType } from './doc-types.js';
import {
  type DocOcrError,
  ErrorCode,
  ImageTooLargeError,
  InvalidParameterError,
  MissingParameterError,
  isDocOcrError,
} from './errors.js';
import { IMAGE_REQUIREMENTS } from './image-requirements.js';
import {
  type DocOcrV2Request,
  type DocOcrV2WireRequest,
  decodeIdOcrPictureBase64,
  docOcrV2RequestSchema,
  docOcrV2WireRequestSchema,
  fromWireRequest,
  parseDocOcrV2Request,
  toWireRequest,
  validateDocOcrV2Request,
} from './request.js';

const JPEG_BASE64 = '/9j/4AAQSkZJRg+ab/c=';

const valid: DocOcrV2WireRequest = {
  ProductCode: 'ID_OCR_MIN',
  MerchantBizId: 'e0c34a77f5ac40a5aa5e6ed20c35abcd',
  MerchantUserId: 'user 0001',
  IdOcrPictureBase64: JPEG_BASE64,
  DocType: DocType.GlobalPassport,
  Ocr: 'T',
};

function wire(changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...valid, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete out[key];
  return out;
}

function caught(fn: () => unknown): DocOcrError {
  try {
    fn();
  } catch (e) {
    if (isDocOcrError(e)) return e;
    throw e;
  }
  throw new Error('expected a DocOcrError, but nothing was thrown');
}

function expectMissing(input: unknown, parameter: string): MissingParameterError {
  const error = caught(() => parseDocOcrV2Request(input));
  expect(error).toBeInstanceOf(MissingParameterError);
  expect(error.code).toBe(ErrorCode.MissingParameter);
  expect(error.httpStatus).toBe(400);
  expect((error as MissingParameterError).parameter).toBe(parameter);
  return error as MissingParameterError;
}

function expectInvalid(input: unknown, parameter: string): InvalidParameterError {
  const error = caught(() => parseDocOcrV2Request(input));
  expect(error).toBeInstanceOf(InvalidParameterError);
  expect(error.code).toBe(ErrorCode.InvalidParameter);
  expect(error.httpStatus).toBe(400);
  expect((error as InvalidParameterError).parameter).toBe(parameter);
  return error as InvalidParameterError;
}

describe('parseDocOcrV2Request: a valid request', () => {
  it('parses to camelCase with the defaults filled in', () => {
    expect(parseDocOcrV2Request(valid)).toEqual({
      productCode: 'ID_OCR_MIN',
      merchantBizId: valid.MerchantBizId,
      merchantUserId: 'user 0001',
      idOcrPictureBase64: JPEG_BASE64,
      docType: '01000000',
      ocr: 'T',
      idFaceQuality: 'F',
      spoof: 'F',
      idThreshold: '3',
    });
  });

  it('drops unknown names such as signature parameters', () => {
    const request = parseDocOcrV2Request(wire({ AccessKeyId: 'LTAI', Signature: 'x', SignatureNonce: 'n' }));
    expect(Object.keys(request)).not.toContain('AccessKeyId');
    expect(Object.keys(request)).not.toContain('Signature');
  });

  it('reads empty wire values as absent', () => {
    const request = parseDocOcrV2Request(wire({ SceneCode: '', IdThreshold: '', CardSide: '', IdOcrPictureUrl: '' }));
    expect(request.sceneCode).toBeUndefined();
    expect(request.idThreshold).toBe('3');
    expect(request.idOcrPictureUrl).toBeUndefined();
  });
});

describe('ProductCode', () => {
  it('is required', () => expectMissing(wire({ ProductCode: undefined }), 'ProductCode'));
  it('counts an empty value as missing', () => expectMissing(wire({ ProductCode: '' }), 'ProductCode'));
  it('must be ID_OCR_MIN', () => {
    expectInvalid(wire({ ProductCode: 'ID_OCR_MAX' }), 'ProductCode');
    expectInvalid(wire({ ProductCode: 'id_ocr_min' }), 'ProductCode');
  });
});

describe('SceneCode', () => {
  it('takes up to 10 letters, digits and underscores', () => {
    expect(parseDocOcrV2Request(wire({ SceneCode: 'Ab_1234567' })).sceneCode).toBe('Ab_1234567');
    expect(parseDocOcrV2Request(wire({ SceneCode: '1234567890' })).sceneCode).toBe('1234567890');
  });
  it('rejects an 11th character', () => expectInvalid(wire({ SceneCode: '12345678901' }), 'SceneCode'));
  it('rejects other characters', () => {
    expectInvalid(wire({ SceneCode: 'a-b' }), 'SceneCode');
    expectInvalid(wire({ SceneCode: 'a b' }), 'SceneCode');
    expectInvalid(wire({ SceneCode: 'café' }), 'SceneCode');
  });
});

describe('MerchantBizId', () => {
  it('is required', () => {
    expectMissing(wire({ MerchantBizId: undefined }), 'MerchantBizId');
    expectMissing(wire({ MerchantBizId: '' }), 'MerchantBizId');
  });
  it('takes up to 32 letters and digits', () => {
    expect(parseDocOcrV2Request(wire({ MerchantBizId: 'A'.repeat(32) })).merchantBizId).toBe('A'.repeat(32));
    expectInvalid(wire({ MerchantBizId: 'A'.repeat(33) }), 'MerchantBizId');
  });
  it('rejects anything but letters and digits (the wire note signs a "biz-0001"; the API text forbids it)', () => {
    expectInvalid(wire({ MerchantBizId: 'biz-0001' }), 'MerchantBizId');
    expectInvalid(wire({ MerchantBizId: 'biz_0001' }), 'MerchantBizId');
  });
});

describe('MerchantUserId', () => {
  it('is required', () => {
    expectMissing(wire({ MerchantUserId: undefined }), 'MerchantUserId');
    expectMissing(wire({ MerchantUserId: '' }), 'MerchantUserId');
  });
});

describe('the picture: exactly one of IdOcrPictureBase64, IdOcrPictureUrl, IdOcrPictureFile', () => {
  const pictures = {
    IdOcrPictureBase64: JPEG_BASE64,
    IdOcrPictureUrl: 'https://example.com/id.jpg',
    IdOcrPictureFile: './id.jpg',
  };

  it('accepts each one alone', () => {
    for (const [name, value] of Object.entries(pictures)) {
      const request = parseDocOcrV2Request(wire({ IdOcrPictureBase64: undefined, [name]: value }));
      expect(Object.keys(request).filter((key) => key.startsWith('idOcrPicture'))).toHaveLength(1);
    }
    const bytes = new Uint8Array([0xff, 0xd8, 0xff]);
    expect(
      parseDocOcrV2Request(wire({ IdOcrPictureBase64: undefined, IdOcrPictureFile: bytes })).idOcrPictureFile,
    ).toEqual(bytes);
  });

  it('reports none as a MissingParameterError naming all three', () => {
    const error = expectMissing(
      wire({ IdOcrPictureBase64: undefined }),
      'IdOcrPictureBase64/IdOcrPictureUrl/IdOcrPictureFile',
    );
    expect(error.parameters).toEqual(['IdOcrPictureBase64', 'IdOcrPictureUrl', 'IdOcrPictureFile']);
    expect(error.message).toContain('IdOcrPictureUrl');
  });

  it('reports two or three as an InvalidParameterError naming those supplied', () => {
    expectInvalid(wire({ IdOcrPictureUrl: pictures.IdOcrPictureUrl }), 'IdOcrPictureBase64/IdOcrPictureUrl');
    expectInvalid(wire({ IdOcrPictureFile: pictures.IdOcrPictureFile }), 'IdOcrPictureBase64/IdOcrPictureFile');
    expectInvalid(wire(pictures), 'IdOcrPictureBase64/IdOcrPictureUrl/IdOcrPictureFile');
  });

  it('rejects empty file bytes', () => {
    expectInvalid(wire({ IdOcrPictureBase64: undefined, IdOcrPictureFile: new Uint8Array() }), 'IdOcrPictureFile');
  });
});

describe('IdOcrPictureUrl', () => {
  const withUrl = (url: string) => wire({ IdOcrPictureBase64: undefined, IdOcrPictureUrl: url });
  it('accepts http and https', () => {
    expect(parseDocOcrV2Request(withUrl('http://10.0.0.1:8080/a.png')).idOcrPictureUrl).toBe(
      'http://10.0.0.1:8080/a.png',
    );
    expect(
      parseDocOcrV2Request(withUrl('https://example.com/path/img a*b(1)~!.jpg?x=1&y=2')).idOcrPictureUrl,
    ).toBeDefined();
  });
  it('rejects other schemes and non-URLs', () => {
    for (const url of [
      'ftp://example.com/a.jpg',
      'file:///etc/passwd',
      'data:image/png;base64,AAAA',
      'example.com/a.jpg',
      'https://',
    ]) {
      expectInvalid(withUrl(url), 'IdOcrPictureUrl');
    }
  });
});

describe('IdOcrPictureBase64', () => {
  const withBase64 = (value: string) => wire({ IdOcrPictureBase64: value });
  it('accepts plain base64, a data URL and MIME line breaks', () => {
    expect(parseDocOcrV2Request(withBase64('data:image/jpeg;base64,' + JPEG_BASE64)).idOcrPictureBase64).toContain(
      'data:',
    );
    expect(parseDocOcrV2Request(withBase64('data:image/png;base64,iVBORw0KGgo=')).idOcrPictureBase64).toBeDefined();
    expect(parseDocOcrV2Request(withBase64('/9j/4AAQ\r\nSkZJRg==')).idOcrPictureBase64).toBeDefined();
    expect(parseDocOcrV2Request(withBase64('/9j/4AAQSkZJRg')).idOcrPictureBase64).toBeDefined();
  });
  it('rejects what is not base64', () => {
    for (const value of [
      '/9j/4AAQ SkZJRg==',
      '/9j/4AAQ$kZJRg==',
      '/9j/4AAQSkZJR',
      'AAAA=AAA',
      'data:text/plain;base64,AAAA',
      'data:image/png,AAAA',
    ]) {
      expectInvalid(withBase64(value), 'IdOcrPictureBase64');
    }
  });
  it('rejects a data URL with no picture', () =>
    expectInvalid(withBase64('data:image/png;base64,'), 'IdOcrPictureBase64'));
  it('accepts exactly maxBase64Chars and rejects one more with ImageTooLargeError', () => {
    const atLimit = 'A'.repeat(IMAGE_REQUIREMENTS.maxBase64Chars);
    expect(parseDocOcrV2Request(withBase64(atLimit)).idOcrPictureBase64).toHaveLength(
      IMAGE_REQUIREMENTS.maxBase64Chars,
    );
    const error = caught(() => parseDocOcrV2Request(withBase64(atLimit + 'AAAA')));
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error.code).toBe('ToolargeImage');
    expect(error.httpStatus).toBe(401);
  });
  it('decodes plain and data-URL forms to the same bytes', () => {
    const plain = decodeIdOcrPictureBase64(JPEG_BASE64);
    expect(Array.from(plain.slice(0, 3))).toEqual([0xff, 0xd8, 0xff]);
    expect(decodeIdOcrPictureBase64('data:image/jpeg;base64,' + JPEG_BASE64)).toEqual(plain);
  });
});

describe('DocType', () => {
  it('accepts the eight codes as spelled by the API', () => {
    for (const docType of DOC_TYPES) expect(parseDocOcrV2Request(wire({ DocType: docType })).docType).toBe(docType);
    expect(DOC_TYPES).toEqual([
      '01000000',
      '00000006',
      '00000008',
      '00000007',
      '00000009',
      '000000011',
      '000000012',
      '00000001',
    ]);
  });
  it('is required', () => expectMissing(wire({ DocType: undefined }), 'DocType'));
  it('rejects near misses of the nine-digit codes and anything else', () => {
    for (const docType of ['00000011', '0000000011', '11', '00000012', '1000000', '00000002', 'F']) {
      expectInvalid(wire({ DocType: docType }), 'DocType');
    }
  });
});

describe('the T/F flags', () => {
  it('Ocr is required', () => expectMissing(wire({ Ocr: undefined }), 'Ocr'));
  it('Ocr takes T or F only', () => {
    expect(parseDocOcrV2Request(wire({ Ocr: 'F' })).ocr).toBe('F');
    for (const value of ['Y', 't', 'true', '1']) expectInvalid(wire({ Ocr: value }), 'Ocr');
  });
  it('IdFaceQuality and Spoof default to F and take T or F only', () => {
    const request = parseDocOcrV2Request(wire({ IdFaceQuality: 'T', Spoof: 'T' }));
    expect([request.idFaceQuality, request.spoof]).toEqual(['T', 'T']);
    expectInvalid(wire({ IdFaceQuality: 'Y' }), 'IdFaceQuality');
    expectInvalid(wire({ Spoof: 'N' }), 'Spoof');
  });
});

describe('IdThreshold', () => {
  it("takes '0' to '3' and defaults to '3'", () => {
    for (const value of ['0', '1', '2', '3'])
      expect(parseDocOcrV2Request(wire({ IdThreshold: value })).idThreshold).toBe(value);
    expect(parseDocOcrV2Request(valid).idThreshold).toBe('3');
  });
  it('rejects anything else', () => {
    for (const value of ['4', '-1', '00', 'standard']) expectInvalid(wire({ IdThreshold: value }), 'IdThreshold');
  });
});

describe('CardSide', () => {
  const residentId = (changes: Record<string, unknown> = {}) =>
    wire({ DocType: DocType.ChineseResidentId, ...changes });
  it('defaults to the portrait side for the mainland ID card', () => {
    expect(parseDocOcrV2Request(residentId()).cardSide).toBe(CardSide.Face);
  });
  it('takes the national-emblem side for the mainland ID card', () => {
    expect(parseDocOcrV2Request(residentId({ CardSide: 'OCR_ID_NATIONAL_EMBLEM' })).cardSide).toBe(
      CardSide.NationalEmblem,
    );
  });
  it('rejects the national-emblem side for every other document', () => {
    for (const docType of DOC_TYPES.filter((d) => d !== DocType.ChineseResidentId)) {
      expectInvalid(wire({ DocType: docType, CardSide: 'OCR_ID_NATIONAL_EMBLEM' }), 'CardSide');
    }
  });
  it('leaves other documents without a side unless one is given (OCR_ID_FACE is accepted, as the SDK sends it)', () => {
    expect(parseDocOcrV2Request(valid).cardSide).toBeUndefined();
    expect(parseDocOcrV2Request(wire({ DocType: '00000006', CardSide: 'OCR_ID_FACE' })).cardSide).toBe('OCR_ID_FACE');
  });
  it('rejects unknown sides', () => {
    expectInvalid(residentId({ CardSide: 'BACK' }), 'CardSide');
    expectInvalid(residentId({ CardSide: 'ocr_id_face' }), 'CardSide');
  });
});

describe('wire types and precedence', () => {
  it('rejects non-string wire values, naming the parameter', () => {
    expectInvalid(wire({ IdThreshold: 3 }), 'IdThreshold');
    expectInvalid(wire({ Ocr: true }), 'Ocr');
    expectInvalid(wire({ DocType: ['01000000'] }), 'DocType');
    expectInvalid(wire({ IdOcrPictureBase64: undefined, IdOcrPictureFile: 42 }), 'IdOcrPictureFile');
  });
  it('rejects a request that is not an object', () => {
    for (const input of [null, undefined, 'ProductCode=ID_OCR_MIN', 42, [valid]]) expectInvalid(input, 'Request');
  });
  it('reports a missing parameter before an invalid one', () => {
    expectMissing(wire({ ProductCode: 'nope', MerchantUserId: undefined }), 'MerchantUserId');
    expectMissing(
      wire({ SceneCode: 'too-long-scene', IdOcrPictureBase64: undefined }),
      'IdOcrPictureBase64/IdOcrPictureUrl/IdOcrPictureFile',
    );
  });
  it('never echoes the value in the message', () => {
    const error = expectInvalid(wire({ MerchantBizId: 'SECRET-ID-110101199003070012' }), 'MerchantBizId');
    expect(error.message).not.toContain('110101199003070012');
  });
});

describe('round trips', () => {
  const full: DocOcrV2WireRequest = {
    ProductCode: 'ID_OCR_MIN',
    SceneCode: 'scene_1',
    MerchantBizId: 'biz0001',
    MerchantUserId: 'user 0001',
    IdOcrPictureUrl: 'https://example.com/path/img a*b(1)~!.jpg?x=1&y=2',
    DocType: '00000001',
    Ocr: 'T',
    IdFaceQuality: 'T',
    Spoof: 'T',
    IdThreshold: '0',
    CardSide: 'OCR_ID_NATIONAL_EMBLEM',
  };

  it('wire -> camelCase -> wire is the identity for a fully specified request', () => {
    expect(toWireRequest(parseDocOcrV2Request(full))).toEqual(full);
  });

  it('camelCase -> wire -> camelCase is the identity for a parsed request', () => {
    const request: DocOcrV2Request = parseDocOcrV2Request(valid);
    expect(parseDocOcrV2Request(toWireRequest(request))).toEqual(request);
  });

  it('maps every name between the cases', () => {
    expect(fromWireRequest(full)).toEqual({
      productCode: 'ID_OCR_MIN',
      sceneCode: 'scene_1',
      merchantBizId: 'biz0001',
      merchantUserId: 'user 0001',
      idOcrPictureUrl: full.IdOcrPictureUrl,
      docType: '00000001',
      ocr: 'T',
      idFaceQuality: 'T',
      spoof: 'T',
      idThreshold: '0',
      cardSide: 'OCR_ID_NATIONAL_EMBLEM',
    });
  });

  it('toWireRequest writes only the parameters that are set', () => {
    expect(Object.keys(toWireRequest(parseDocOcrV2Request(valid))).sort()).toEqual(
      [
        'DocType',
        'IdFaceQuality',
        'IdOcrPictureBase64',
        'IdThreshold',
        'MerchantBizId',
        'MerchantUserId',
        'Ocr',
        'ProductCode',
        'Spoof',
      ].sort(),
    );
  });

  it('the wire schema checks types but not the rules, which parseDocOcrV2Request adds', () => {
    expect(docOcrV2WireRequestSchema.safeParse({ ...valid, ProductCode: 'OTHER' }).success).toBe(true);
    expect(docOcrV2WireRequestSchema.safeParse({ ...valid, Ocr: 1 }).success).toBe(false);
    expect(docOcrV2WireRequestSchema.safeParse({ ...valid, Ocr: undefined }).success).toBe(false);
  });
});

describe('the camelCase schema and validateDocOcrV2Request', () => {
  const camel = {
    productCode: 'ID_OCR_MIN',
    merchantBizId: 'abc',
    merchantUserId: 'u',
    idOcrPictureFile: '/tmp/id.png',
    docType: DocType.ChineseResidentId,
    ocr: 'T',
  } as const;

  it('applies the same rules and defaults', () => {
    expect(docOcrV2RequestSchema.parse(camel)).toMatchObject({
      idThreshold: '3',
      spoof: 'F',
      idFaceQuality: 'F',
      cardSide: 'OCR_ID_FACE',
    });
    expect(
      docOcrV2RequestSchema.safeParse({ ...camel, docType: DocType.MacaoId, cardSide: 'OCR_ID_NATIONAL_EMBLEM' })
        .success,
    ).toBe(false);
    expect(docOcrV2RequestSchema.safeParse({ ...camel, idOcrPictureUrl: 'https://a.example/x.jpg' }).success).toBe(
      false,
    );
  });

  it('throws DocOcrErrors that name the API parameter', () => {
    const invalid = caught(() => validateDocOcrV2Request({ ...camel, sceneCode: 'no spaces' }));
    expect(invalid).toBeInstanceOf(InvalidParameterError);
    expect((invalid as InvalidParameterError).parameter).toBe('SceneCode');
    const missing = caught(() => validateDocOcrV2Request({ ...camel, merchantUserId: '' }));
    expect((missing as MissingParameterError).parameter).toBe('MerchantUserId');
  });

  it('treats an empty base64 string as a supplied but invalid picture', () => {
    const error = caught(() =>
      validateDocOcrV2Request({ ...camel, idOcrPictureFile: undefined, idOcrPictureBase64: '' }),
    );
    expect((error as InvalidParameterError).parameter).toBe('IdOcrPictureBase64');
  });
});

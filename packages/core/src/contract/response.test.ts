import { describe, expect, it } from 'vitest';
import { InvalidResponseError, parseExtIdInfo, spoofInfoNotChecked } from './ext-id-info.js';
import { createDocOcrV2Response, docOcrV2ResponseSchema, parseDocOcrV2Response } from './response.js';

describe('createDocOcrV2Response', () => {
  it('builds the exact wire body, ExtIdInfo as JSON text', () => {
    const response = createDocOcrV2Response({
      requestId: '130A2C10-B9EE-4D84-88E3-5384FF039000',
      transactionId: 'hksb7ba1b28130d24e015d694361b0000',
      subCode: '200',
      extIdInfo: { idFaceQualityScore: 98, spoofInfo: spoofInfoNotChecked() },
    });
    expect(response).toEqual({
      RequestId: '130A2C10-B9EE-4D84-88E3-5384FF039000',
      Code: 'Success',
      Message: 'success',
      Result: {
        TransactionId: 'hksb7ba1b28130d24e015d694361b0000',
        Passed: 'Y',
        SubCode: '200',
        ExtIdInfo: '{"idFaceQualityScore":98,"spoofInfo":{"spoofResult":"N","spoofType":[]}}',
      },
    });
    expect(parseExtIdInfo(response.Result.ExtIdInfo, '01000000')).toEqual({
      idFaceQualityScore: 98,
      spoofInfo: spoofInfoNotChecked(),
    });
  });

  it("derives Passed from SubCode: 'Y' only for 200", () => {
    for (const [subCode, passed] of [
      ['200', 'Y'],
      ['211', 'N'],
      ['212', 'N'],
      ['213', 'N'],
    ] as const) {
      expect(createDocOcrV2Response({ requestId: 'r', transactionId: 't', subCode, extIdInfo: '' }).Result.Passed).toBe(
        passed,
      );
    }
  });

  it('refuses a Passed that contradicts SubCode', () => {
    expect(() =>
      createDocOcrV2Response({ requestId: 'r', transactionId: 't', passed: 'Y', subCode: '212', extIdInfo: {} }),
    ).toThrow(TypeError);
    expect(() =>
      createDocOcrV2Response({ requestId: 'r', transactionId: 't', passed: 'N', subCode: '200', extIdInfo: {} }),
    ).toThrow(TypeError);
  });

  it('passes ExtIdInfo text through unchanged', () => {
    const text = '{"spoofInfo":{"spoofResult":"N","spoofType":[]}}';
    expect(
      createDocOcrV2Response({ requestId: 'r', transactionId: 't', subCode: '213', extIdInfo: text }).Result.ExtIdInfo,
    ).toBe(text);
  });
});

describe('docOcrV2ResponseSchema', () => {
  const body = {
    RequestId: 'R',
    Code: 'Success',
    Message: 'success',
    Result: { TransactionId: 'T', Passed: 'N', SubCode: '211', ExtIdInfo: '{}' },
  };

  it('keeps unknown members at the top level and in Result', () => {
    const withExtras = { ...body, Extra: { a: 1 }, Result: { ...body.Result, RiskTags: 'x' } };
    expect(docOcrV2ResponseSchema.parse(withExtras)).toEqual(withExtras);
  });

  it('rejects a wrong Passed, an unknown SubCode and a missing Result', () => {
    for (const bad of [
      { ...body, Result: { ...body.Result, Passed: 'T' } },
      { ...body, Result: { ...body.Result, SubCode: '201' } },
      { ...body, Result: { ...body.Result, SubCode: 211 } },
      { ...body, Result: undefined },
      { ...body, RequestId: undefined },
    ]) {
      expect(docOcrV2ResponseSchema.safeParse(bad).success).toBe(false);
    }
  });

  it("reads a missing ExtIdInfo as ''", () => {
    const { ExtIdInfo: _omitted, ...result } = body.Result;
    expect(docOcrV2ResponseSchema.parse({ ...body, Result: result }).Result.ExtIdInfo).toBe('');
  });
});

describe('parseDocOcrV2Response', () => {
  it('parses text and objects', () => {
    const body = createDocOcrV2Response({ requestId: 'r', transactionId: 't', subCode: '200', extIdInfo: {} });
    expect(parseDocOcrV2Response(JSON.stringify(body))).toEqual(body);
    expect(parseDocOcrV2Response(body)).toEqual(body);
  });

  it('throws InvalidResponseError naming where the body is wrong', () => {
    expect(() => parseDocOcrV2Response('not json')).toThrow(InvalidResponseError);
    expect(() => parseDocOcrV2Response({ RequestId: 'r' })).toThrow(/Code/);
  });
});

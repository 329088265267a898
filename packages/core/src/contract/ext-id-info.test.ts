import { describe, expect, expectTypeOf, it } from 'vitest';
import { CardSide, DOC_TYPES, DocType } from './doc-types.js';
import { InvalidParameterError, isDocOcrError } from './errors.js';
import {
  type ChineseResidentIdEmblemOcrInfo,
  type ChineseResidentIdFaceOcrInfo,
  type ExtIdInfo,
  type HongKongIdOcrInfo,
  type OcrIdInfoFor,
  type PassportOcrInfo,
  InvalidResponseError,
  type OcrIdInfo,
  extIdInfoSchemaFor,
  ocrIdInfoFields,
  ocrIdInfoSchemaFor,
  parseExtIdInfo,
  serializeExtIdInfo,
  spoofInfoFromFindings,
  spoofInfoNotChecked,
} from './ext-id-info.js';

// The field tables of the API text, transcribed independently of the implementation. Both HK editions share one.
// prettier-ignore
const HONG_KONG_ID = ['name', 'englishName', 'nameCode', 'sex', 'birthDate', 'idNumber', 'currentIssueDate', 'firstIssueDate', 'isPermanent', 'symbols'];
const SPEC_FIELDS: Array<[DocType, CardSide | undefined, string[]]> = [
  [
    '01000000',
    undefined,
    ['surname', 'givenname', 'sex', 'birthDate', 'passportNo', 'nationality', 'expiryDate', 'countryCode'],
  ],
  ['00000006', undefined, HONG_KONG_ID],
  ['00000008', undefined, HONG_KONG_ID],
  [
    '00000007',
    undefined,
    ['name', 'englishName', 'sex', 'birthDate', 'idNumber', 'issueDate', 'expiryDate', 'placeOfIssue', 'originOfIssue'],
  ],
  [
    '00000009',
    undefined,
    ['name', 'englishName', 'sex', 'birthDate', 'idNumber', 'issueDate', 'expiryDate', 'originOfIssue'],
  ],
  [
    '000000012',
    undefined,
    ['name', 'englishName', 'sex', 'birthDate', 'idNumber', 'issueDate', 'expiryDate', 'originOfIssue', 'placeOfIssue'],
  ],
  [
    '000000011',
    undefined,
    ['surnameCN', 'givennameCN', 'surname', 'givenname', 'sex', 'birthDate', 'idNumber', 'expiryDate', 'placeOfBirth'],
  ],
  ['00000001', 'OCR_ID_FACE', ['name', 'sex', 'ethnicity', 'birthDate', 'idNumber', 'address', 'province', 'city']],
  ['00000001', 'OCR_ID_NATIONAL_EMBLEM', ['originOfIssue', 'issueDate', 'expiryDate']],
];

function sample(fields: readonly string[]): OcrIdInfo {
  return Object.fromEntries(fields.map((field) => [field, `${field} value`])) as unknown as OcrIdInfo;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('ocrIdInfo field names', () => {
  it('are exactly the API tables, per document and side', () => {
    for (const [docType, side, fields] of SPEC_FIELDS)
      expect([docType, side, ocrIdInfoFields(docType, side)]).toEqual([docType, side, fields]);
    expect(new Set(SPEC_FIELDS.map(([docType]) => docType))).toEqual(new Set(DOC_TYPES));
  });

  it('split the mainland ID table into the two sides, together exactly the eleven documented fields', () => {
    const face = ocrIdInfoFields('00000001', CardSide.Face);
    const emblem = ocrIdInfoFields('00000001', CardSide.NationalEmblem);
    expect(face.filter((f) => emblem.includes(f))).toEqual([]);
    expect([...face, ...emblem].sort()).toEqual(
      [
        'name',
        'sex',
        'ethnicity',
        'birthDate',
        'idNumber',
        'address',
        'province',
        'city',
        'originOfIssue',
        'issueDate',
        'expiryDate',
      ].sort(),
    );
    expect(ocrIdInfoFields('00000001')).toEqual(face);
  });

  it('have no national-emblem side for other documents', () => {
    const error = thrown(() => ocrIdInfoSchemaFor(DocType.GlobalPassport, CardSide.NationalEmblem));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe('CardSide');
    expect(ocrIdInfoFields(DocType.GlobalPassport, CardSide.Face)).toEqual(SPEC_FIELDS[0]?.[2]);
  });
});

describe('parseExtIdInfo / serializeExtIdInfo', () => {
  it('round-trip a full ExtIdInfo for every document and side', () => {
    for (const [docType, side, fields] of SPEC_FIELDS) {
      const info: ExtIdInfo = {
        ocrIdInfo: sample(fields),
        idFaceQualityScore: 99.95,
        spoofInfo: { spoofResult: 'Y', spoofType: ['SCREEN_REMARK', 'TAMPER'] },
      };
      const text = serializeExtIdInfo(info);
      expect(parseExtIdInfo(text, docType, side)).toEqual(info);
      expect(serializeExtIdInfo(parseExtIdInfo(text, docType, side))).toBe(text);
    }
  });

  it('reject an invented field for every document and side, naming the field but not its value', () => {
    for (const [docType, side, fields] of SPEC_FIELDS) {
      const text = JSON.stringify({ ocrIdInfo: { ...sample(fields), nickname: 'SECRET-VALUE' } });
      const error = thrown(() => parseExtIdInfo(text, docType, side));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toContain('nickname');
      expect((error as Error).message).not.toContain('SECRET-VALUE');
    }
  });

  it("reject another document's fields (a passport result is no Macao ID result)", () => {
    const passport = JSON.stringify({ ocrIdInfo: sample(ocrIdInfoFields(DocType.GlobalPassport)) });
    expect(() => parseExtIdInfo(passport, DocType.MacaoId)).toThrow(InvalidResponseError);
  });

  it("parse the API's own example", () => {
    const example = `{
      "idFaceQualityScore": 98.0,
      "ocrIdInfo": {
        "expiryDate": "",
        "originOfIssue": "Bureau of Exit and Entry Administration of the Ministry of Public Security",
        "englishName": "LI SI", "sex": "Male", "name": "Li Si", "idNumber": "H11111112",
        "issueDate": "2013-01-02", "birthDate": "1990-02-21"
      },
      "spoofInfo": { "spoofResult": "Y", "spoofType": ["SCREEN_REMARK"] }
    }`;
    const info = parseExtIdInfo(example, DocType.MainlandTravelPermitHkMacao);
    expect(info.idFaceQualityScore).toBe(98);
    expect(info.ocrIdInfo).toMatchObject({ idNumber: 'H11111112', expiryDate: '' });
    expect(info.spoofInfo).toEqual({ spoofResult: 'Y', spoofType: ['SCREEN_REMARK'] });
  });

  it("read absent and null fields as '' (what the service sends for a field it could not read)", () => {
    const info = parseExtIdInfo(
      JSON.stringify({ ocrIdInfo: { surname: 'ERIKSSON', sex: null } }),
      DocType.GlobalPassport,
    );
    expect(info.ocrIdInfo).toEqual({
      ...Object.fromEntries(ocrIdInfoFields(DocType.GlobalPassport).map((f) => [f, ''])),
      surname: 'ERIKSSON',
    });
  });

  it('reject non-string field values', () => {
    expect(() => parseExtIdInfo(JSON.stringify({ ocrIdInfo: { surname: 1 } }), DocType.GlobalPassport)).toThrow(
      InvalidResponseError,
    );
  });

  it("accept the other mainland-ID side's fields only when empty, and drop them", () => {
    const face = { ...sample(ocrIdInfoFields('00000001')), issueDate: '', expiryDate: '', originOfIssue: '' };
    const parsed = parseExtIdInfo(JSON.stringify({ ocrIdInfo: face }), DocType.ChineseResidentId);
    expect(Object.keys(parsed.ocrIdInfo ?? {})).toEqual(ocrIdInfoFields('00000001'));
    const leaked = { ...sample(ocrIdInfoFields('00000001')), issueDate: '2020-01-01' };
    expect(() => parseExtIdInfo(JSON.stringify({ ocrIdInfo: leaked }), DocType.ChineseResidentId)).toThrow(
      InvalidResponseError,
    );
    const emblemWithName = { ...sample(ocrIdInfoFields('00000001', 'OCR_ID_NATIONAL_EMBLEM')), name: 'Zhang San' };
    expect(() =>
      parseExtIdInfo(JSON.stringify({ ocrIdInfo: emblemWithName }), DocType.ChineseResidentId, CardSide.NationalEmblem),
    ).toThrow(InvalidResponseError);
  });

  it('read an empty ocrIdInfo ("", null, {}) as absent and accept it as JSON text (the API types it String)', () => {
    for (const empty of ['', null, {}]) {
      expect(parseExtIdInfo(JSON.stringify({ ocrIdInfo: empty }), DocType.GlobalPassport).ocrIdInfo).toBeUndefined();
    }
    const asText = JSON.stringify({ ocrIdInfo: JSON.stringify(sample(ocrIdInfoFields('00000009'))) });
    expect(parseExtIdInfo(asText, DocType.MainlandTravelPermitHkMacao).ocrIdInfo).toEqual(
      sample(ocrIdInfoFields('00000009')),
    );
  });

  it('keep unknown top-level members through a round trip', () => {
    const text = JSON.stringify({ spoofInfo: spoofInfoNotChecked(), ocrIdEditInfo: { a: 1 } });
    expect(JSON.parse(serializeExtIdInfo(parseExtIdInfo(text, DocType.GlobalPassport)))).toEqual(JSON.parse(text));
  });

  it('read an empty string as an empty ExtIdInfo and reject text that is not a JSON object', () => {
    expect(parseExtIdInfo('', DocType.GlobalPassport)).toEqual({});
    for (const bad of ['{', '[]', '"x"', '42', 'null']) {
      const error = thrown(() => parseExtIdInfo(bad, DocType.GlobalPassport));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(isDocOcrError(error)).toBe(true);
    }
  });
});

describe('idFaceQualityScore', () => {
  const parse = (score: unknown) =>
    parseExtIdInfo(JSON.stringify({ idFaceQualityScore: score }), DocType.GlobalPassport);
  it('takes 0..100', () => {
    expect(parse(0).idFaceQualityScore).toBe(0);
    expect(parse(100).idFaceQualityScore).toBe(100);
  });
  it('rejects numbers outside 0..100 and non-numbers', () => {
    for (const score of [-0.01, 100.01, '98', true]) expect(() => parse(score)).toThrow(InvalidResponseError);
  });
});

describe('spoofInfo', () => {
  const parse = (spoofInfo: unknown) => parseExtIdInfo(JSON.stringify({ spoofInfo }), DocType.GlobalPassport).spoofInfo;
  it("is 'N' with no types when detection did not run", () => {
    expect(spoofInfoNotChecked()).toEqual({ spoofResult: 'N', spoofType: [] });
    expect(spoofInfoNotChecked()).not.toBe(spoofInfoNotChecked());
  });
  it("rejects 'N' with types, unknown types, unknown members and other results", () => {
    for (const bad of [
      { spoofResult: 'N', spoofType: ['TAMPER'] },
      { spoofResult: 'Y', spoofType: ['DEEPFAKE'] },
      { spoofResult: 'Y', spoofType: [], score: 0.9 },
      { spoofResult: 'T', spoofType: [] },
    ]) {
      expect(() => parse(bad)).toThrow(InvalidResponseError);
    }
  });
  it('accepts JSON text and a missing spoofType', () => {
    expect(parse(JSON.stringify({ spoofResult: 'Y', spoofType: ['PHOTO_COPY'] }))).toEqual({
      spoofResult: 'Y',
      spoofType: ['PHOTO_COPY'],
    });
    expect(parse({ spoofResult: 'N' })).toEqual({ spoofResult: 'N', spoofType: [] });
  });
  it('is built from findings: distinct, in the API order, Y exactly when something was found', () => {
    expect(spoofInfoFromFindings(['SHORTCUT', 'SCREEN_REMARK', 'SHORTCUT'])).toEqual({
      spoofResult: 'Y',
      spoofType: ['SCREEN_REMARK', 'SHORTCUT'],
    });
    expect(spoofInfoFromFindings([])).toEqual({ spoofResult: 'N', spoofType: [] });
  });
});

describe('extIdInfoSchemaFor', () => {
  it('is a zod schema callers can use directly', () => {
    expect(extIdInfoSchemaFor(DocType.GlobalPassport).safeParse({ idFaceQualityScore: 50 }).success).toBe(true);
    expect(extIdInfoSchemaFor(DocType.GlobalPassport).safeParse({ ocrIdInfo: { bogus: '' } }).success).toBe(false);
  });
});

describe('serializeExtIdInfo with a target document', () => {
  it('writes what follows the contract', () => {
    const info: ExtIdInfo = {
      ocrIdInfo: sample(ocrIdInfoFields('00000001', 'OCR_ID_NATIONAL_EMBLEM')),
      spoofInfo: spoofInfoNotChecked(),
    };
    expect(JSON.parse(serializeExtIdInfo(info, { docType: '00000001', cardSide: 'OCR_ID_NATIONAL_EMBLEM' }))).toEqual(
      info,
    );
  });
  it('refuses what parseExtIdInfo would refuse', () => {
    const face = { ocrIdInfo: sample(ocrIdInfoFields('00000001')) };
    expect(() => serializeExtIdInfo(face, { docType: '00000001', cardSide: 'OCR_ID_NATIONAL_EMBLEM' })).toThrow(
      InvalidResponseError,
    );
    expect(() => serializeExtIdInfo({ idFaceQualityScore: 120 }, { docType: '01000000' })).toThrow(
      InvalidResponseError,
    );
    expect(serializeExtIdInfo({ idFaceQualityScore: 120 })).toBe('{"idFaceQualityScore":120}');
  });
});

describe('types per document', () => {
  it('narrow the schema output to the document and side', () => {
    expectTypeOf(ocrIdInfoSchemaFor('01000000').parse({})).toEqualTypeOf<PassportOcrInfo>();
    expectTypeOf(ocrIdInfoSchemaFor('00000008').parse({})).toEqualTypeOf<HongKongIdOcrInfo>();
    expectTypeOf(ocrIdInfoSchemaFor('00000001').parse({})).toEqualTypeOf<ChineseResidentIdFaceOcrInfo>();
    expectTypeOf<OcrIdInfoFor<'00000001', 'OCR_ID_NATIONAL_EMBLEM'>>().toEqualTypeOf<ChineseResidentIdEmblemOcrInfo>();
    expect(Object.keys(ocrIdInfoSchemaFor('01000000').parse({}))).toEqual(ocrIdInfoFields('01000000'));
  });
});

import { describe, expect, it } from 'vitest';
import { buildExtIdInfo, extIdInfoRequestIssues } from './ext-id-info-for-request.js';
import { effectiveChecks } from './effective-checks.js';
import { parseDocOcrV2Request } from './request.js';

const request = (changes: Record<string, string> = {}) =>
  parseDocOcrV2Request({
    ProductCode: 'ID_OCR_MIN',
    MerchantBizId: 'biz1',
    MerchantUserId: 'u1',
    IdOcrPictureUrl: 'https://example.com/id.jpg',
    DocType: '00000001',
    Ocr: 'T',
    IdFaceQuality: 'T',
    Spoof: 'T',
    ...changes,
  });

const FACE_OCR = {
  name: 'n',
  sex: 's',
  ethnicity: 'e',
  birthDate: 'b',
  idNumber: 'i',
  address: 'a',
  province: '',
  city: '',
};

describe('effectiveChecks', () => {
  it('runs spoof and face quality on the portrait side', () => {
    expect(effectiveChecks(request())).toEqual({
      ocr: true,
      quality: false,
      spoof: true,
      faceQuality: true,
      notApplied: [],
    });
  });

  it('does not apply Spoof and IdFaceQuality on the national-emblem side, and says so', () => {
    const checks = effectiveChecks(request({ CardSide: 'OCR_ID_NATIONAL_EMBLEM' }));
    expect([checks.spoof, checks.faceQuality, checks.ocr]).toEqual([false, false, true]);
    expect(checks.notApplied.map((n) => n.parameter).sort()).toEqual(['IdFaceQuality', 'Spoof']);
    for (const n of checks.notApplied) expect(n.reason).toMatch(/portrait/);
  });

  it('lists nothing as not applied on the emblem side when Spoof and IdFaceQuality are off', () => {
    expect(
      effectiveChecks(request({ CardSide: 'OCR_ID_NATIONAL_EMBLEM', Spoof: 'F', IdFaceQuality: 'F' })).notApplied,
    ).toEqual([]);
  });

  it("turns the quality check on for every IdThreshold but '3'", () => {
    for (const [threshold, quality] of [
      ['0', true],
      ['1', true],
      ['2', true],
      ['3', false],
    ] as const) {
      expect(effectiveChecks(request({ IdThreshold: threshold })).quality).toBe(quality);
    }
  });

  it('follows Ocr, and reports CardSide on other documents as not applied', () => {
    expect(effectiveChecks(request({ Ocr: 'F' })).ocr).toBe(false);
    const passport = effectiveChecks(request({ DocType: '01000000', CardSide: 'OCR_ID_FACE' }));
    expect(passport.notApplied).toEqual([{ parameter: 'CardSide', reason: 'applies only to DocType 00000001' }]);
    expect([passport.spoof, passport.faceQuality]).toEqual([true, true]);
  });
});

describe('buildExtIdInfo', () => {
  const findings = { ocrIdInfo: FACE_OCR, idFaceQualityScore: 88, spoofTypes: ['PHOTO_COPY' as const] };

  it('includes what the request asked for', () => {
    expect(buildExtIdInfo(request(), findings)).toEqual({
      ocrIdInfo: FACE_OCR,
      idFaceQualityScore: 88,
      spoofInfo: { spoofResult: 'Y', spoofType: ['PHOTO_COPY'] },
    });
  });

  it("leaves out what it did not ask for, with spoofInfo 'N' and empty when spoof detection did not run", () => {
    expect(buildExtIdInfo(request({ Ocr: 'F', IdFaceQuality: 'F', Spoof: 'F' }), findings)).toEqual({
      spoofInfo: { spoofResult: 'N', spoofType: [] },
    });
    expect(
      buildExtIdInfo(request({ CardSide: 'OCR_ID_NATIONAL_EMBLEM' }), {
        ...findings,
        ocrIdInfo: { originOfIssue: 'o', issueDate: 'i', expiryDate: 'e' },
      }),
    ).toEqual({
      ocrIdInfo: { originOfIssue: 'o', issueDate: 'i', expiryDate: 'e' },
      spoofInfo: { spoofResult: 'N', spoofType: [] },
    });
  });
});

describe('extIdInfoRequestIssues', () => {
  it('accepts what buildExtIdInfo builds', () => {
    const variants: Record<string, string>[] = [
      {},
      { Ocr: 'F' },
      { Spoof: 'F' },
      { CardSide: 'OCR_ID_NATIONAL_EMBLEM' },
    ];
    for (const changes of variants) {
      const r = request(changes);
      expect(
        extIdInfoRequestIssues(
          buildExtIdInfo(r, { ocrIdInfo: FACE_OCR, idFaceQualityScore: 1, spoofTypes: ['TAMPER'] }),
          r,
        ),
      ).toEqual([]);
    }
  });

  it('finds parts the request did not ask for', () => {
    const off = request({ Ocr: 'F', IdFaceQuality: 'F', Spoof: 'F' });
    const issues = extIdInfoRequestIssues(
      { ocrIdInfo: FACE_OCR, idFaceQualityScore: 50, spoofInfo: { spoofResult: 'Y', spoofType: ['TAMPER'] } },
      off,
    );
    expect(issues).toHaveLength(3);
  });
});

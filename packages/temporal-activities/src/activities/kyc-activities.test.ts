import { describe, expect, it } from 'vitest';
import { documentNumberChecks, pinyinReadings, type CrossCheckDocument } from './kyc-activities.js';

const doc = (docType: string, ocrIdInfo: Record<string, string>, cardSide?: 'OCR_ID_NATIONAL_EMBLEM') =>
  ({ index: 1, docType, workflowId: 'kyc-A1-doc-1', ocrIdInfo, cardSide }) as CrossCheckDocument;

describe('documentNumberChecks', () => {
  it('checks a resident ID number and its birth date against the card', () => {
    const ok = documentNumberChecks(
      doc('00000001', { idNumber: '310104196512223445', birthDate: '1965-12-22' }),
      '2026-11-26',
    );
    expect(ok.map((c) => [c.name, c.ok])).toEqual([
      ['idNumber.checkCharacter', true],
      ['birthDate.matchesIdNumber', true],
    ]);
    const other = documentNumberChecks(
      doc('00000001', { idNumber: '310104196512223445', birthDate: '1965-12-23' }),
      '2026-11-26',
    );
    expect(other.map((c) => c.ok)).toEqual([true, false]);
    const misread = documentNumberChecks(doc('00000001', { idNumber: '310104196512223446' }), '2026-11-26');
    expect(misread).toMatchObject([{ name: 'idNumber.checkCharacter', ok: false, source: 'rules' }]);
    // The detail names issue codes only, never the characters read.
    expect(misread[0]!.detail).not.toMatch(/\d/);
  });

  it('checks HKID check digits and permit shapes, and nothing on a side without a number', () => {
    expect(documentNumberChecks(doc('00000006', { idNumber: 'H549143(8)' }), '2026-11-26')[0]!.ok).toBe(true);
    expect(documentNumberChecks(doc('00000008', { idNumber: 'H549143(7)' }), '2026-11-26')[0]!.ok).toBe(false);
    expect(documentNumberChecks(doc('00000007', { idNumber: 'CZ6658450' }), '2026-11-26')[0]).toMatchObject({
      name: 'idNumber.shape',
      ok: true,
    });
    expect(
      documentNumberChecks(doc('00000001', { expiryDate: '2040-01-23' }, 'OCR_ID_NATIONAL_EMBLEM'), '2026-11-26'),
    ).toEqual([]);
    expect(
      documentNumberChecks(doc('01000000', { passportNo: 'PF5763491', nationality: 'FRA' }), '2026-11-26'),
    ).toEqual([]);
  });
});

describe('pinyinReadings', () => {
  it('reads a mainland name in pinyin, surnames by their surname reading, ü in every document spelling', () => {
    expect(pinyinReadings('周美')).toEqual(['ZHOU MEI']);
    expect(pinyinReadings('单田芳')).toEqual(['SHAN TIAN FANG']);
    expect(pinyinReadings('曾国藩')).toEqual(['ZENG GUO FAN']);
    expect(pinyinReadings('吕小军')).toEqual(['LYU XIAO JUN', 'LV XIAO JUN', 'LU XIAO JUN']);
    expect(pinyinReadings('ZHOU MEI')).toEqual([]);
    expect(pinyinReadings('')).toEqual([]);
  });
});

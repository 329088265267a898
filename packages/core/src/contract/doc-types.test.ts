import { describe, expect, it } from 'vitest';
import {
  CardSide,
  DOC_TYPES,
  DocType,
  IdThreshold,
  SPOOF_TYPES,
  SpoofType,
  SubCode,
  docTypeSchema,
  isDocType,
} from './doc-types.js';

describe('the API enumerations', () => {
  it('spell the DocType codes exactly, including the nine-digit ones', () => {
    expect(DocType).toEqual({
      GlobalPassport: '01000000',
      HongKongId2003: '00000006',
      HongKongId2018: '00000008',
      ExitEntryPermitHkMacao: '00000007',
      MainlandTravelPermitHkMacao: '00000009',
      MacaoId: '000000011',
      MainlandTravelPermitTaiwan: '000000012',
      ChineseResidentId: '00000001',
    });
    expect(new Set(DOC_TYPES)).toEqual(new Set(Object.values(DocType)));
    expect(docTypeSchema.safeParse('00000011').success).toBe(false);
    expect([isDocType('000000011'), isDocType('11'), isDocType(11)]).toEqual([true, false, false]);
  });

  it('spell the other codes as the API does', () => {
    expect(CardSide).toEqual({ Face: 'OCR_ID_FACE', NationalEmblem: 'OCR_ID_NATIONAL_EMBLEM' });
    expect(IdThreshold).toEqual({ Standard: '0', Strict: '1', Loose: '2', Off: '3' });
    expect(SubCode).toEqual({ Passed: '200', Quality: '211', Spoof: '212', WrongDocument: '213' });
    expect(SPOOF_TYPES).toEqual(['SCREEN_REMARK', 'PHOTO_COPY', 'TAMPER', 'SHORTCUT']);
    expect(Object.values(SpoofType)).toEqual(SPOOF_TYPES);
  });
});

import { readFile } from 'node:fs/promises';
import { DocType, parseExtIdInfo, type DocOcrV2Request } from '@dococr/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LocalDocOcrEngine } from './local-engine.js';
import { loadRgb, placeOnTable, realFixture } from './testing/fixtures.js';

const engine = new LocalDocOcrEngine();

function request(
  docType: DocType,
  picture: string | Uint8Array,
  extra: Partial<DocOcrV2Request> = {},
): DocOcrV2Request {
  return {
    productCode: 'ID_OCR_MIN',
    merchantBizId: 'engineTest1',
    merchantUserId: 'user-hash',
    idOcrPictureFile: picture,
    docType,
    ocr: 'T',
    idFaceQuality: 'F',
    spoof: 'F',
    idThreshold: '3',
    ...extra,
  };
}

const WEI_XIAOBAO = {
  name: '韦小宝',
  sex: '男',
  ethnicity: '汉',
  birthDate: '1654-12-20',
  idNumber: '11204416541220243X',
  address: '北京市东城区景山前街4号紫禁城敬事房',
  province: '',
  city: '',
};

describe('LocalDocOcrEngine on the real fixtures', () => {
  it('reads the mainland ID sample card and reports its failing check character', async () => {
    const analysis = await engine.analyze(
      request(DocType.ChineseResidentId, realFixture('cn_resident_id/cardocr__test1_weixiaobao_front.png')),
    );
    expect(analysis.response.Code).toBe('Success');
    expect(analysis.response.Result).toMatchObject({ Passed: 'Y', SubCode: '200' });
    const info = parseExtIdInfo(analysis.response.Result.ExtIdInfo, DocType.ChineseResidentId);
    expect(info.ocrIdInfo).toEqual(WEI_XIAOBAO);
    // The sample's number was made up: its check character is wrong, and the engine says so.
    expect(analysis.checks).toContainEqual(expect.objectContaining({ name: 'idNumber.checkCharacter', passed: false }));
    expect(analysis.card.outlineFound).toBe(false);
    expect(analysis.card.coverage).toBe(1);
  });

  it('reads the Hong Kong ID specimen', async () => {
    const response = await engine.docOcrV2(
      request(DocType.HongKongId2003, realFixture('hkid_2003/alucard001__hkid_sample.jpg')),
    );
    expect(parseExtIdInfo(response.Result.ExtIdInfo, DocType.HongKongId2003).ocrIdInfo).toEqual({
      name: '李智能',
      englishName: 'LEE, Chi Nan',
      nameCode: '2621 2535 5174',
      sex: 'F',
      birthDate: '1968-01-01',
      idNumber: 'C668668(E)',
      currentIssueDate: '2003-09-15',
      firstIssueDate: '1979-01',
      isPermanent: 'Y',
      symbols: '***AZ',
    });
  });

  it('reads the ICAO passport specimen from its MRZ and records the corrections', async () => {
    const analysis = await engine.analyze(
      request(DocType.GlobalPassport, realFixture('passport_td3/passporteye__passport-td3.jpg')),
    );
    expect(parseExtIdInfo(analysis.response.Result.ExtIdInfo, DocType.GlobalPassport).ocrIdInfo).toEqual({
      surname: 'ERIKSSON',
      givenname: 'ANNA MARIA',
      sex: 'F',
      birthDate: '1974-08-12',
      passportNo: 'L898902C3',
      nationality: 'UTO',
      expiryDate: '2012-04-15',
      countryCode: 'UTO',
    });
    expect(analysis.mrz?.valid).toBe(true);
    expect(analysis.card.outlineFound).toBe(true);
    expect(analysis.card.coverage).toBeGreaterThan(0.6);
    expect(analysis.card.coverage).toBeLessThan(0.95);
  });

  it('answers 213 without fields for a passport given as a mainland ID card', async () => {
    const response = await engine.docOcrV2(
      request(DocType.ChineseResidentId, realFixture('passport_td3/passporteye__passport-td3.jpg')),
    );
    expect(response.Result).toMatchObject({ Passed: 'N', SubCode: '213' });
    expect(JSON.parse(response.Result.ExtIdInfo)).not.toHaveProperty('ocrIdInfo');
  });

  it('reads the card upside down at a perspective angle on a table', async () => {
    const card = await loadRgb(realFixture('cn_resident_id/cardocr__test1_weixiaobao_front.png'));
    const corners = [
      { x: 560, y: 400 },
      { x: 90, y: 430 },
      { x: 60, y: 100 },
      { x: 540, y: 60 },
    ];
    const photo = await placeOnTable(card, { width: 640, height: 480, corners });
    const png = await sharp(photo.data, { raw: { width: 640, height: 480, channels: 3 } })
      .png()
      .toBuffer();
    const analysis = await engine.analyze(request(DocType.ChineseResidentId, new Uint8Array(png)));
    expect(analysis.card.rotation).toBe(180);
    expect(analysis.card.outlineFound).toBe(true);
    expect(analysis.fields.name?.value).toBe('韦小宝');
    expect(analysis.fields.idNumber?.value).toBe(WEI_XIAOBAO.idNumber);
    expect(analysis.fields.birthDate?.value).toBe(WEI_XIAOBAO.birthDate);
  });

  for (const angle of [90, 180, 270] as const) {
    it(`reads a frame-filling scan turned by ${angle} degrees (no outline: the text's direction decides)`, async () => {
      const turned = await sharp(realFixture('cn_resident_id/cardocr__test1_weixiaobao_front.png'))
        .rotate(angle)
        .png()
        .toBuffer();
      const analysis = await engine.analyze(request(DocType.ChineseResidentId, new Uint8Array(turned)));
      expect(analysis.card.outlineFound).toBe(false);
      expect(analysis.card.rotation).toBe(angle);
      expect(analysis.fields.name?.value).toBe(WEI_XIAOBAO.name);
      expect(analysis.fields.idNumber?.value).toBe(WEI_XIAOBAO.idNumber);
    });
  }

  it('runs the quality, spoof and face checks when asked, and keeps their evidence for the audit trail', async () => {
    const bytes = new Uint8Array(await readFile(realFixture('hkid_2003/alucard001__hkid_sample.jpg')));
    const analysis = await engine.analyze(
      request(DocType.HongKongId2018, bytes, { spoof: 'T', idFaceQuality: 'T', idThreshold: '2', ocr: 'F' }),
    );
    const info = JSON.parse(analysis.response.Result.ExtIdInfo) as Record<string, unknown>;
    expect(info).not.toHaveProperty('ocrIdInfo');
    expect(info.spoofInfo).toMatchObject({ spoofResult: expect.stringMatching(/^[YN]$/) });
    expect(typeof info.idFaceQualityScore).toBe('number');
    expect(analysis.quality?.mode).toBe('2');
    expect(analysis.spoof?.findings.map((f) => f.type)).toEqual(['SCREEN_REMARK', 'PHOTO_COPY', 'SHORTCUT', 'TAMPER']);
    expect(analysis.face?.faceFound).toBe(true);
    expect(analysis.notPerformed).toEqual([]);
  });

  it('answers 212 with the spoof type for a re-photographed screen', async () => {
    const bytes = new Uint8Array(await readFile(new URL('../../../samples/spoof-screen-remark.jpg', import.meta.url)));
    const response = await engine.docOcrV2(
      request(DocType.ChineseResidentId, bytes, { spoof: 'T', cardSide: 'OCR_ID_FACE' }),
    );
    expect(response.Result).toMatchObject({ Passed: 'N', SubCode: '212' });
    expect(JSON.parse(response.Result.ExtIdInfo).spoofInfo).toEqual({ spoofResult: 'Y', spoofType: ['SCREEN_REMARK'] });
  });

  it('runs no check on the wrong document (213) and says which were not run', async () => {
    const bytes = new Uint8Array(await readFile(realFixture('hkid_2003/alucard001__hkid_sample.jpg')));
    const analysis = await engine.analyze(
      request(DocType.GlobalPassport, bytes, { spoof: 'T', idFaceQuality: 'T', idThreshold: '0' }),
    );
    expect(analysis.response.Result.SubCode).toBe('213');
    expect(analysis.notPerformed.map((n) => n.check).sort()).toEqual(['faceQuality', 'quality', 'spoof']);
    expect(JSON.parse(analysis.response.Result.ExtIdInfo)).not.toHaveProperty('idFaceQualityScore');
  });

  it('refuses an image below the minimum size with InvalidParameter', async () => {
    await expect(
      engine.docOcrV2(request(DocType.MacaoId, realFixture('macao_resident_id/passporteye__100_id-mac.jpg'))),
    ).rejects.toMatchObject({ code: 'InvalidParameter' });
  });
});

import { CardSide, DocType } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import { type CardLine } from '../read/card-lines.js';
import { classifyDocument, confirmDocType } from './classify-document.js';

function lines(...texts: string[]): CardLine[] {
  return texts.map((text, i) => ({
    text,
    confidence: 0.95,
    charConfidences: [...text].map(() => 0.95),
    charPositions: [...text].map((_, i) => (i + 0.5) / text.length),
    x0: 0.1,
    x1: 0.9,
    y0: 0.05 + (i * 0.9) / texts.length,
    y1: 0.1 + (i * 0.9) / texts.length,
  }));
}

const CN_FACE = lines(
  '姓名韦小宝',
  '性别男',
  '民族汉',
  '出生1654年12月20日',
  '住址北京市东城区',
  '公民身份号码',
  '11204416541220243X',
);
const CN_EMBLEM = lines('中华人民共和国', '居民身份证', '签发机关北京市公安局', '有效期限2015.03.01-2035.03.01');
const PASSPORT = lines(
  'PASSPORT',
  'ERIKSSON',
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
  'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
);

describe('classifyDocument', () => {
  it('tells the mainland ID sides and a passport apart', () => {
    expect(classifyDocument(CN_FACE).best).toBe('cn-id-face');
    expect(classifyDocument(CN_EMBLEM).best).toBe('cn-id-emblem');
    const passport = classifyDocument(PASSPORT);
    expect(passport.best).toBe('passport');
    expect(passport.mrz).toEqual({ format: 'TD3', documentCode: 'P' });
  });

  it('finds nothing on a card without known words', () => {
    expect(classifyDocument(lines('HELLO', 'WORLD')).best).toBeUndefined();
  });
});

describe('confirmDocType', () => {
  it('accepts the requested document and side', () => {
    expect(confirmDocType(CN_FACE, DocType.ChineseResidentId, CardSide.Face).matches).toBe(true);
    expect(confirmDocType(CN_EMBLEM, DocType.ChineseResidentId, CardSide.NationalEmblem).matches).toBe(true);
    expect(confirmDocType(PASSPORT, DocType.GlobalPassport).matches).toBe(true);
  });

  it('refuses a passport given as a mainland ID card, and the wrong side', () => {
    expect(confirmDocType(PASSPORT, DocType.ChineseResidentId, CardSide.Face).matches).toBe(false);
    expect(confirmDocType(CN_EMBLEM, DocType.ChineseResidentId, CardSide.Face).matches).toBe(false);
    expect(confirmDocType(CN_FACE, DocType.ChineseResidentId, CardSide.NationalEmblem).matches).toBe(false);
    expect(confirmDocType(CN_FACE, DocType.HongKongId2003).matches).toBe(false);
  });
});

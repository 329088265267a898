import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CardSide, DocType, type DocOcrV2Request } from '@dococr/core';
import { describe, expect, it } from 'vitest';
import { LocalDocOcrEngine } from './local-engine.js';
import { repoRoot } from './testing/fixtures.js';

interface SampleRecord {
  image: string;
  docType: DocType;
  cardSide: CardSide;
  groundTruth: { ocrIdInfo: Record<string, string> };
  spoofTypes: string[];
  conditions: Array<{ type: string }>;
  deliberateErrors: Array<{ field: string }>;
}

const samplesDir = path.join(repoRoot, 'samples');
const records = readFileSync(path.join(samplesDir, 'manifest.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as SampleRecord);

const engine = new LocalDocOcrEngine();

function request(record: SampleRecord): DocOcrV2Request {
  return {
    productCode: 'ID_OCR_MIN',
    merchantBizId: 'samplesTest',
    merchantUserId: 'user-hash',
    idOcrPictureFile: path.join(samplesDir, record.image),
    docType: record.docType,
    ...(record.docType === DocType.ChineseResidentId ? { cardSide: record.cardSide } : {}),
    ocr: 'T',
    idFaceQuality: 'F',
    spoof: 'F',
    idThreshold: '3',
  };
}

/** Fields read as the ground truth says; a field with a planted error may instead be left empty. */
function score(record: SampleRecord, got: Record<string, string>): { right: number; total: number; wrong: string[] } {
  const planted = new Set(record.deliberateErrors.map((e) => e.field));
  const wrong = Object.entries(record.groundTruth.ocrIdInfo)
    .filter(([k, v]) => got[k] !== v && !(planted.has(k) && got[k] === ''))
    .map(([k]) => k);
  const total = Object.keys(record.groundTruth.ocrIdInfo).length;
  return { right: total - wrong.length, total, wrong };
}

describe('LocalDocOcrEngine on the generated samples (samples/manifest.jsonl)', () => {
  it('has samples to read', () => {
    expect(records.length).toBeGreaterThanOrEqual(9);
  });

  for (const record of records) {
    const clean = record.spoofTypes.length === 0 && record.conditions.length === 0;
    it(`${record.image} (${record.docType} ${record.cardSide}): ${clean ? 'every field' : 'most fields'} as the ground truth`, async () => {
      const response = await engine.docOcrV2(request(record));
      expect(response.Result).toMatchObject({ Passed: 'Y', SubCode: '200' });
      const got = (JSON.parse(response.Result.ExtIdInfo) as { ocrIdInfo?: Record<string, string> }).ocrIdInfo ?? {};
      const { right, total, wrong } = score(record, got);
      if (clean) expect(wrong).toEqual([]);
      else expect(right / total).toBeGreaterThanOrEqual(0.7);
    });
  }

  it('answers 213 for the passport sample given as a mainland ID card', async () => {
    const passport = records.find((r) => r.docType === DocType.GlobalPassport && r.spoofTypes.length === 0);
    expect(passport).toBeDefined();
    const response = await engine.docOcrV2({
      ...request(passport as SampleRecord),
      docType: DocType.ChineseResidentId,
      cardSide: CardSide.Face,
    });
    expect(response.Result).toMatchObject({ Passed: 'N', SubCode: '213' });
    expect(JSON.parse(response.Result.ExtIdInfo)).not.toHaveProperty('ocrIdInfo');
  });

  it('answers 213 for the portrait side given as the national-emblem side', async () => {
    const face = records.find((r) => r.docType === DocType.ChineseResidentId && r.cardSide === CardSide.Face);
    expect(face).toBeDefined();
    const response = await engine.docOcrV2({ ...request(face as SampleRecord), cardSide: CardSide.NationalEmblem });
    expect(response.Result.SubCode).toBe('213');
  });
});

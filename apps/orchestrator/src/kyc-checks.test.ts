import { describe, expect, it } from 'vitest';
import {
  ageOn,
  crossCheck,
  decideKyc,
  latinNamesMatch,
  personOf,
  type KycDocumentOutcome,
  type KycPolicy,
} from './kyc-checks.js';

const policy: KycPolicy = { reviewDeadlineSeconds: 60, requireSamePerson: true };
const today = '2026-11-26';

function read(index: number, docType: string, ocrIdInfo: Record<string, string>): KycDocumentOutcome {
  return {
    index,
    role: `doc${index}`,
    docType,
    workflowId: `kyc-A1-doc-${index}`,
    status: 'read',
    httpStatus: 200,
    subCode: '200',
    passed: 'Y',
    ocrIdInfo,
  };
}

const passport = read(1, '01000000', {
  surname: 'SUEN',
  givenname: 'KWOK HOI',
  sex: 'F',
  birthDate: '1992-02-28',
  passportNo: 'K1234567',
  expiryDate: '2030-01-01',
});
const hkid = read(2, '00000006', {
  name: '孫 國海',
  englishName: 'SUEN, Kwok Hoi',
  sex: 'F',
  birthDate: '1992-02-28',
  idNumber: 'H549143(8)',
});

describe('names', () => {
  it('match across case, spacing, punctuation and word order, and not across people', () => {
    expect(latinNamesMatch('SUEN, Kwok Hoi', 'SUEN KWOK HOI')).toBe(true);
    expect(latinNamesMatch('HUYINGYI', 'HU YINGYI')).toBe(true);
    expect(latinNamesMatch('Anna Nora MACDONALD', 'MACDONALD ANNA NORA')).toBe(true);
    expect(latinNamesMatch('José ÁLVAREZ', 'JOSE ALVAREZ')).toBe(true);
    expect(latinNamesMatch('SUEN KWOK HOI', 'SUEN KWOK HO')).toBe(false);
    expect(latinNamesMatch('', '')).toBe(false);
  });

  it('reads the person from any DocType layout', () => {
    expect(personOf(hkid.ocrIdInfo)).toEqual({
      chineseName: '孫國海',
      latinName: 'SUEN, Kwok Hoi',
      birthDate: '1992-02-28',
      sex: 'F',
    });
    expect(personOf({ surnameCN: '何', givennameCN: '大', surname: 'HO', givenname: 'TAI', sex: 'M' })).toMatchObject({
      chineseName: '何大',
      latinName: 'HO TAI',
      sex: 'M',
    });
    expect(personOf({ name: '周美', sex: '女', birthDate: '1965-12-22' }).sex).toBe('F');
    expect(personOf({ originOfIssue: 'x', issueDate: '2020-01-23', expiryDate: '2040-01-23' })).toEqual({});
  });
});

describe('ageOn', () => {
  it('counts full years, the birthday itself included', () => {
    expect(ageOn('2008-11-26', today)).toBe(18);
    expect(ageOn('2008-11-27', today)).toBe(17);
    expect(ageOn('1965-12-22', today)).toBe(60);
    expect(() => ageOn('22/12/1965', today)).toThrow(RangeError);
  });
});

describe('decideKyc', () => {
  it('approves one person on valid documents', () => {
    const checks = crossCheck([passport, hkid], { ...policy, minimumAge: 18 }, today);
    expect(checks.filter((c) => c.ok !== true)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'samePerson.name',
      'samePerson.birthDate',
      'samePerson.sex',
      'expiry',
      'minimumAge',
    ]);
    expect(decideKyc([passport, hkid], checks)).toEqual({ decision: 'approved', reasons: [] });
  });

  it('sends different people to review when the policy requires one person, and only notes it otherwise', () => {
    const other = read(2, '00000007', {
      name: '胡颖仪',
      englishName: 'HU YINGYI',
      birthDate: '2005-09-18',
      sex: 'Male',
    });
    const strict = decideKyc([passport, other], crossCheck([passport, other], policy, today));
    expect(strict.decision).toBe('review');
    expect(strict.reasons).toEqual([
      'samePerson.name: names differ [documents 1, 2]',
      'samePerson.birthDate: birth dates differ [documents 1, 2]',
      'samePerson.sex: differs [documents 1, 2]',
    ]);
    const lax = { ...policy, requireSamePerson: false };
    expect(decideKyc([passport, other], crossCheck([passport, other], lax, today)).decision).toBe('approved');
  });

  it('compares a Chinese-only name with a romanised one through its pinyin, and says when it cannot', () => {
    const cnFace = read(2, '00000001', { name: '周美', birthDate: '1992-02-28', sex: '女', idNumber: 'x' });
    const zhou = read(1, '01000000', { ...passport.ocrIdInfo, surname: 'ZHOU', givenname: 'MEI' });
    const none = crossCheck([zhou, cnFace], policy, today);
    expect(none[0]).toMatchObject({ name: 'samePerson.name', ok: null });
    expect(decideKyc([zhou, cnFace], none).decision).toBe('review');
    const checks = crossCheck([zhou, cnFace], policy, today, { 2: ['ZHOU MEI'] });
    expect(checks[0]).toMatchObject({ ok: true, detail: 'pinyin of the Chinese name agrees' });
    expect(decideKyc([zhou, cnFace], checks).decision).toBe('approved');
    const other = crossCheck([passport, cnFace], policy, today, { 2: ['ZHOU MEI'] });
    expect(other[0]).toMatchObject({ ok: false, detail: 'pinyin of the Chinese name differs' });
  });

  it('rejects an expired document or an applicant under age, before any review reason', () => {
    const expired = read(1, '01000000', { ...passport.ocrIdInfo, expiryDate: '2026-11-25' });
    const other = read(2, '00000006', { ...hkid.ocrIdInfo, birthDate: '1992-02-29' });
    const d1 = decideKyc([expired, other], crossCheck([expired, other], policy, today));
    expect(d1).toEqual({ decision: 'rejected', reasons: ['expiry: expired [documents 1]'] });
    const young = decideKyc([passport], crossCheck([passport], { ...policy, minimumAge: 40 }, today));
    expect(young).toEqual({ decision: 'rejected', reasons: ['minimumAge: younger than 40 [documents 1]'] });
    const longTerm = read(1, '00000001', { issueDate: '2020-01-23', expiryDate: '长期' });
    expect(crossCheck([longTerm], policy, today)).toEqual([
      { name: 'expiry', documents: [1], ok: true, detail: 'valid long-term', onFailure: 'reject' },
    ]);
  });

  it('rejects a refused or failed document by its code; a child that failed goes to review', () => {
    const refused: KycDocumentOutcome = { ...hkid, status: 'refused', httpStatus: 400, code: 'InvalidParameter' };
    const wrongType: KycDocumentOutcome = { ...hkid, subCode: '213', passed: 'N' };
    expect(decideKyc([passport, refused], []).reasons).toEqual(['document 2 (doc2): refused with InvalidParameter']);
    expect(decideKyc([passport, wrongType], []).reasons).toEqual(['document 2 (doc2): SubCode 213']);
    const broken: KycDocumentOutcome = { ...hkid, status: 'error', ocrIdInfo: undefined };
    expect(decideKyc([passport, broken], [])).toEqual({
      decision: 'review',
      reasons: ['document 2 (doc2): could not be processed'],
    });
  });

  it('sends an unreadable expiry or an unknown age to review', () => {
    const unread = read(1, '01000000', { surname: 'X', givenname: 'Y', birthDate: '', expiryDate: '' });
    const checks = crossCheck([unread], { ...policy, minimumAge: 18 }, today);
    expect(decideKyc([unread], checks)).toEqual({
      decision: 'review',
      reasons: ['expiry: expiry date not read [documents 1]', 'minimumAge: no birth date read'],
    });
  });
});

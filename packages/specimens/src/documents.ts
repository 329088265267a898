import {
  computeCnResidentIdCheckChar,
  computeHkidCheckDigit,
  formatHkid,
  formatMacaoId,
  formatPermitMrz,
  formatTd3Mrz,
  PermitMrzKind,
  type MrzCheckName,
  type PermitCheckName,
} from '@dococr/core';
import {
  addYears,
  compact,
  dayBefore,
  dMonY,
  dmyDashed,
  dmyShort,
  dotted,
  iso,
  randomDate,
  type Ymd,
} from './dates.js';
import {
  hongKongName,
  hongKongNameCode,
  macaoName,
  pinyinName,
  randomChineseName,
  type ChineseName,
  simplifiedName,
  titleCase,
  traditionalGiven,
  traditionalName,
  traditionalSurname,
} from './names.js';
import type { Prng } from './prng.js';
import {
  COMMUNITIES,
  ETHNICITIES,
  EXIT_ENTRY_AUTHORITY,
  LATIN_GIVEN_NAMES_F,
  LATIN_GIVEN_NAMES_M,
  LATIN_SURNAMES,
  PASSPORT_COUNTRIES,
  PLACES_OF_BIRTH,
  REGIONS,
  type Region,
  STREETS,
} from './reference-data.js';
import { SpecimenKind, type DeliberateError } from './specimen-types.js';

/** Everything printed on one card side plus what an engine should read from it. */
export interface DocumentContent {
  kind: SpecimenKind;
  /** Printed strings by template field name. */
  printed: Record<string, string>;
  /** ocrIdInfo in the spec's field names. */
  ocrIdInfo: Record<string, string>;
  mrz?: string[];
  deliberateErrors: DeliberateError[];
}

type Sex = 'M' | 'F';

/**
 * The holder: drawn once and printed on any document, so that several documents of one person (a KYC case) agree
 * on name, sex, date of birth and home region.
 */
export interface Person {
  name: ChineseName;
  sex: Sex;
  birth: Ymd;
  latinSurname: string;
  latinGiven: string;
  region: Region;
  address: string;
}

export function randomPerson(rng: Prng): Person {
  const name = randomChineseName(rng);
  const sex: Sex = rng.chance(0.5) ? 'M' : 'F';
  const birth = randomDate(rng, 1955, 2005);
  const names = sex === 'F' ? LATIN_GIVEN_NAMES_F : LATIN_GIVEN_NAMES_M;
  const latinGiven = rng.chance(0.4) ? `${rng.pick(names)} ${rng.pick(names)}` : rng.pick(names);
  const { region, address } = cnAddress(rng);
  return { name, sex, birth, latinSurname: rng.pick(LATIN_SURNAMES), latinGiven, region, address };
}

/** Sex as each document's ocrIdInfo spells it: the spec's M/F where it says so, its permit example's 'Male'. */
const permitSex = (s: Sex): string => (s === 'M' ? 'Male' : 'Female');

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** Replace the character at `i` with a different digit (or letter for a letter), deterministically from rng. */
function corruptChar(s: string, i: number, rng: Prng): string {
  const old = s.charAt(i);
  const pool = /\d/.test(old) ? '0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let c = old;
  while (c === old) c = pool.charAt(rng.int(0, pool.length - 1));
  return s.slice(0, i) + c + s.slice(i + 1);
}

function passport(person: Person, rng: Prng, withError: boolean): DocumentContent {
  const country = rng.pick(PASSPORT_COUNTRIES);
  const { sex, birth } = person;
  let surname: string;
  let given: string;
  if (country.code === 'CHN') {
    const p = pinyinName(person.name);
    surname = p.surname;
    given = p.given;
  } else {
    surname = person.latinSurname;
    given = person.latinGiven;
  }
  const issue = randomDate(rng, 2017, 2025);
  const expiry = dayBefore(addYears(issue, 10));
  const number =
    country.code === 'CHN'
      ? `E${rng.digits(8)}`
      : `${LETTERS.charAt(rng.int(0, 22))}${LETTERS.charAt(rng.int(0, 22))}${rng.digits(7)}`;
  const personalNo =
    country.code === 'UTO' ? `Z${LETTERS.charAt(rng.int(0, 22))}${rng.digits(6)}${LETTERS.charAt(rng.int(0, 22))}` : '';
  const fields = {
    documentCode: 'P',
    issuingState: country.code,
    surname,
    givenNames: given,
    documentNumber: number,
    nationality: country.code,
    birthDate: iso(birth),
    sex,
    expiryDate: iso(expiry),
    optionalData: personalNo,
  };
  let mrz: string[] = formatTd3Mrz(fields);
  const deliberateErrors: DeliberateError[] = [];
  if (withError) {
    const expected = mrz[1]!;
    if (rng.chance(0.5)) {
      const check = rng.pick<MrzCheckName>(['documentNumber', 'birthDate', 'expiryDate', 'composite']);
      mrz = formatTd3Mrz(fields, { corruptCheckDigit: check });
      deliberateErrors.push({ field: 'mrz', kind: 'mrz-check-digit', printed: mrz[1]!, expected });
    } else {
      // The MRZ is self-consistent but carries another document number than the visual zone.
      const other = corruptChar(number, rng.int(2, 8), rng);
      mrz = formatTd3Mrz({ ...fields, documentNumber: other });
      deliberateErrors.push({ field: 'passportNo', kind: 'mrz-field-mismatch', printed: other, expected: number });
    }
  }
  return {
    kind: SpecimenKind.Passport,
    printed: {
      countryName: country.name,
      type: 'P',
      countryCode: country.code,
      passportNo: number,
      surname,
      givenname: given,
      nationality: country.nationality,
      birthDate: dMonY(birth),
      personalNo,
      sex,
      placeOfBirth: rng.pick(PLACES_OF_BIRTH),
      issueDate: dMonY(issue),
      authority: 'PASSPORT OFFICE',
      expiryDate: dMonY(expiry),
    },
    // The spec reads these from the MRZ; they equal the visual zone unless an error was planted.
    ocrIdInfo: {
      surname,
      givenname: given,
      sex,
      birthDate: iso(birth),
      passportNo: number,
      nationality: country.code,
      expiryDate: iso(expiry),
      countryCode: country.code,
    },
    mrz,
    deliberateErrors,
  };
}

const HK_BIRTHPLACE = ['Z', 'Z', 'Z', 'X', 'W', 'O'] as const;

function hkid(person: Person, rng: Prng, edition: 2003 | 2018, withError: boolean): DocumentContent {
  const { name, sex, birth } = person;
  const hk = hongKongName(name);
  const issue = edition === 2003 ? randomDate(rng, Math.max(2003, birth.y + 1), 2018) : randomDate(rng, 2019, 2025);
  const firstRegFrom = Math.max(birth.y + 1, 1960);
  const firstReg = randomDate(rng, firstRegFrom, Math.max(firstRegFrom, Math.min(birth.y + 12, issue.y)));
  const ageAtIssue = issue.y - birth.y;
  const symbols = `${ageAtIssue >= 18 ? '***' : ageAtIssue >= 11 ? '*' : ''}A${rng.pick(HK_BIRTHPLACE)}`;
  const prefix = `${rng.chance(0.15) ? 'X' : ''}${LETTERS.charAt(rng.int(0, 22))}${rng.digits(6)}`;
  let idNumber = formatHkid(prefix);
  const deliberateErrors: DeliberateError[] = [];
  if (withError) {
    const right = computeHkidCheckDigit(prefix);
    const wrong = rng.pick('0123456789A'.split('').filter((c) => c !== right));
    const expected = idNumber;
    idNumber = `${prefix}(${wrong})`;
    deliberateErrors.push({ field: 'idNumber', kind: 'check-digit', printed: idNumber, expected });
  }
  const englishName = `${hk.surname}, ${hk.given.map(titleCase).join(' ')}`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    kind: edition === 2003 ? SpecimenKind.HongKongId2003 : SpecimenKind.HongKongId2018,
    printed: {
      name: traditionalName(name),
      englishName,
      nameCode: hongKongNameCode(name),
      birthDate: dmyDashed(birth),
      sex: `${sex === 'M' ? '男' : '女'} ${sex}`,
      symbols,
      firstIssueDate: `(${pad(firstReg.m)}-${pad(firstReg.y % 100)})`,
      currentIssueDate: dmyShort(issue),
      idNumber,
    },
    ocrIdInfo: {
      name: traditionalName(name),
      englishName,
      nameCode: hongKongNameCode(name),
      sex,
      birthDate: iso(birth),
      idNumber,
      currentIssueDate: iso(issue),
      firstIssueDate: `${firstReg.y}-${pad(firstReg.m)}`,
      isPermanent: 'Y',
      symbols,
    },
    deliberateErrors,
  };
}

interface PermitPerson {
  chinese: string;
  english: string;
  sex: Sex;
  birth: Ymd;
  issue: Ymd;
  expiry: Ymd;
}

function permitPerson(person: Person, rng: Prng, english: 'pinyin' | 'hongKong' | 'macao'): PermitPerson {
  const { name, sex, birth } = person;
  const issue = randomDate(rng, 2016, 2025);
  const years = issue.y - birth.y >= 18 ? 10 : 5;
  let englishName: string;
  if (english === 'pinyin') {
    const p = pinyinName(name);
    englishName = `${p.surname} ${p.given}`;
  } else {
    const h = english === 'macao' ? macaoName(name) : hongKongName(name);
    englishName = `${h.surname} ${h.given.join(' ')}`;
  }
  return {
    chinese: simplifiedName(name),
    english: englishName,
    sex,
    birth,
    issue,
    expiry: dayBefore(addYears(issue, years)),
  };
}

const permitPrinted = (p: PermitPerson, extra: Record<string, string>): Record<string, string> => ({
  name: p.chinese,
  englishName: p.english,
  birthDate: dotted(p.birth),
  sex: `${p.sex === 'M' ? '男' : '女'}/${p.sex}`,
  issueDate: dotted(p.issue),
  expiryDate: dotted(p.expiry),
  originOfIssue: EXIT_ENTRY_AUTHORITY,
  ...extra,
});

const permitTruth = (p: PermitPerson, extra: Record<string, string>): Record<string, string> => ({
  name: p.chinese,
  englishName: p.english,
  sex: permitSex(p.sex),
  birthDate: iso(p.birth),
  issueDate: iso(p.issue),
  expiryDate: iso(p.expiry),
  originOfIssue: EXIT_ENTRY_AUTHORITY,
  ...extra,
});

function exitEntryPermit(person: Person, rng: Prng, withError: boolean): DocumentContent {
  const p = permitPerson(person, rng, 'pinyin');
  const number = rng.chance(0.5) ? `C${rng.digits(8)}` : `C${LETTERS.charAt(rng.int(0, 22))}${rng.digits(7)}`;
  const place = rng.pick(REGIONS).placeOfIssue;
  const fields = {
    kind: PermitMrzKind.ExitEntryHkMacao,
    documentNumber: number,
    birthDate: iso(p.birth),
    expiryDate: iso(p.expiry),
  };
  let line = formatPermitMrz(fields)[0]!;
  const deliberateErrors: DeliberateError[] = [];
  if (withError) {
    const expected = line;
    const check = rng.pick<PermitCheckName>(['documentNumber', 'expiryDate', 'birthDate', 'composite']);
    line = formatPermitMrz(fields, { corruptCheckDigit: check })[0]!;
    deliberateErrors.push({ field: 'mrz', kind: 'mrz-check-digit', printed: line, expected });
  }
  return {
    kind: SpecimenKind.ExitEntryPermit,
    printed: permitPrinted(p, { idNumber: number, placeOfIssue: place }),
    ocrIdInfo: permitTruth(p, { idNumber: number, placeOfIssue: place }),
    mrz: [line],
    deliberateErrors,
  };
}

function mainlandPermitHkMacao(person: Person, rng: Prng): DocumentContent {
  // H numbers belong to Hong Kong residents (HK spelling), M numbers to Macao residents (Macao spelling).
  const fromMacao = rng.chance(0.3);
  const p = permitPerson(person, rng, fromMacao ? 'macao' : 'hongKong');
  const number = `${fromMacao ? 'M' : 'H'}${rng.digits(8)}`;
  const renewal = String(rng.int(0, 3)).padStart(2, '0');
  return {
    kind: SpecimenKind.MainlandPermitHkMacao,
    printed: permitPrinted(p, { idNumber: number, renewalCount: renewal }),
    ocrIdInfo: permitTruth(p, { idNumber: number }),
    deliberateErrors: [],
  };
}

function mainlandPermitTaiwan(person: Person, rng: Prng): DocumentContent {
  const p = permitPerson(person, rng, 'pinyin');
  const number = rng.digits(8);
  const place = rng.pick(REGIONS).placeOfIssue;
  return {
    kind: SpecimenKind.MainlandPermitTaiwan,
    printed: permitPrinted(p, { idNumber: number, placeOfIssue: place }),
    ocrIdInfo: permitTruth(p, { idNumber: number, placeOfIssue: place }),
    deliberateErrors: [],
  };
}

const MACAO_BIRTHPLACE = ['A', 'A', 'A', 'B', 'C', 'D'] as const;

function macaoId(person: Person, rng: Prng): DocumentContent {
  const { name, sex, birth } = person;
  const mo = macaoName(name);
  const issue = randomDate(rng, Math.max(2016, birth.y + 1), 2025);
  const expiry = dayBefore(addYears(issue, issue.y - birth.y >= 21 ? 10 : 5));
  const symbols = `${rng.pick(MACAO_BIRTHPLACE)}${rng.chance(0.7) ? 'S' : ''}${sex}`;
  // No published check-digit rule exists for the Macao number, so the check digit is arbitrary and never "wrong".
  const idNumber = formatMacaoId(`${rng.pick(['1', '1', '1', '5', '7'])}${rng.digits(6)}`, rng.digits(1));
  const given = mo.given.join(' ');
  return {
    kind: SpecimenKind.MacaoId,
    printed: {
      surnameCN: traditionalSurname(name),
      surname: mo.surname,
      givennameCN: traditionalGiven(name),
      givenname: given,
      birthDate: dmyDashed(birth),
      sex,
      expiryDate: dmyDashed(expiry),
      placeOfBirth: symbols,
      idNumber,
    },
    ocrIdInfo: {
      surnameCN: traditionalSurname(name),
      givennameCN: traditionalGiven(name),
      surname: mo.surname,
      givenname: given,
      sex,
      birthDate: iso(birth),
      idNumber,
      expiryDate: iso(expiry),
      placeOfBirth: symbols,
    },
    deliberateErrors: [],
  };
}

function cnAddress(rng: Prng): { region: (typeof REGIONS)[number]; address: string } {
  const region = rng.pick(REGIONS);
  const address =
    `${region.province}${region.city}${region.district}${rng.pick(STREETS)}${rng.int(1, 300)}号` +
    (rng.chance(0.6) ? `${rng.pick(COMMUNITIES)}${rng.int(1, 30)}栋${rng.int(1, 30)}0${rng.int(1, 4)}室` : '');
  return { region, address };
}

function cnIdFace(person: Person, rng: Prng, withError: boolean): DocumentContent {
  const { name, sex, birth, region, address } = person;
  const seq = rng.int(0, 499) * 2 + (sex === 'M' ? 1 : 0);
  const first17 = `${region.code}${compact(birth)}${String(seq).padStart(3, '0')}`;
  const right = computeCnResidentIdCheckChar(first17);
  let idNumber = first17 + right;
  const deliberateErrors: DeliberateError[] = [];
  if (withError) {
    const wrong = rng.pick('0123456789X'.split('').filter((c) => c !== right));
    deliberateErrors.push({ field: 'idNumber', kind: 'check-digit', printed: first17 + wrong, expected: idNumber });
    idNumber = first17 + wrong;
  }
  const ethnicity = rng.pick(ETHNICITIES);
  const sexZh = sex === 'M' ? '男' : '女';
  return {
    kind: SpecimenKind.CnIdFace,
    printed: {
      name: simplifiedName(name),
      sex: sexZh,
      ethnicity,
      birthDate: `${birth.y}年${birth.m}月${birth.d}日`,
      address,
      idNumber,
    },
    ocrIdInfo: {
      name: simplifiedName(name),
      sex: sexZh,
      ethnicity,
      birthDate: iso(birth),
      idNumber,
      address,
      province: '',
      city: '',
    },
    deliberateErrors,
  };
}

/** Validity by age at issue (GB/T: under 16: 5 years, 16-25: 10, 26-45: 20, older: long-term). */
function cnIdEmblem(person: Person, rng: Prng): DocumentContent {
  const { region, birth } = person;
  const issue = randomDate(rng, Math.max(2010, birth.y + 1), 2025);
  const age = issue.y - birth.y;
  const years = age < 16 ? 5 : age <= 25 ? 10 : age <= 45 ? 20 : 0;
  const expiry = years === 0 ? '长期' : dotted(addYears(issue, years));
  const city = region.city || region.province;
  const authority = `${city}公安局${region.district.replace(/区$/, '')}分局`;
  return {
    kind: SpecimenKind.CnIdEmblem,
    printed: { originOfIssue: authority, issueDate: dotted(issue), expiryDate: expiry },
    ocrIdInfo: {
      originOfIssue: authority,
      issueDate: iso(issue),
      expiryDate: years === 0 ? '长期' : iso(addYears(issue, years)),
    },
    deliberateErrors: [],
  };
}

/** Kinds whose rules let a check character be planted wrong on purpose. */
export const KINDS_WITH_CHECK_CHARACTERS: readonly SpecimenKind[] = [
  SpecimenKind.Passport,
  SpecimenKind.HongKongId2003,
  SpecimenKind.HongKongId2018,
  SpecimenKind.ExitEntryPermit,
  SpecimenKind.CnIdFace,
];

/** A random identity printed on `kind`, with ground truth; `withError` plants one labelled check mismatch. */
export function createDocument(kind: SpecimenKind, rng: Prng, withError = false, holder?: Person): DocumentContent {
  const person = holder ?? randomPerson(rng);
  switch (kind) {
    case SpecimenKind.Passport:
      return passport(person, rng, withError);
    case SpecimenKind.HongKongId2003:
      return hkid(person, rng, 2003, withError);
    case SpecimenKind.HongKongId2018:
      return hkid(person, rng, 2018, withError);
    case SpecimenKind.ExitEntryPermit:
      return exitEntryPermit(person, rng, withError);
    case SpecimenKind.MainlandPermitHkMacao:
      return mainlandPermitHkMacao(person, rng);
    case SpecimenKind.MainlandPermitTaiwan:
      return mainlandPermitTaiwan(person, rng);
    case SpecimenKind.MacaoId:
      return macaoId(person, rng);
    case SpecimenKind.CnIdFace:
      return cnIdFace(person, rng, withError);
    case SpecimenKind.CnIdEmblem:
      return cnIdEmblem(person, rng);
  }
}

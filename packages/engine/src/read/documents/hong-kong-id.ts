import { expandTwoDigitYear, isRealDate, toIsoDate, validateHkid } from '@dococr/core';
import { bestKeywordScore, centreX, centreY, type CardLine } from '../card-lines.js';
import { cjkOnly, hasCjk, matches, partConfidence, reading, weakestConfidence } from '../field-helpers.js';
import { type FieldCheck, type FieldReading } from '../field-types.js';
import { type DocumentFields } from './cn-resident-id.js';

const TITLE_WORDS = /香港|身份|證|证|居民|HONG|KONG|IDENTITY|CARD/i;

/**
 * Hong Kong permanent identity card (2003 and 2018 editions print the same particulars): Chinese name, English name
 * `SURNAME, Given Names`, commercial code, date of birth with sex, symbols, first registration `(MM-YY)`, date of
 * issue `DD-MM-YY` and the number with its check digit in brackets.
 */
export function readHongKongId(lines: readonly CardLine[]): DocumentFields {
  const fields: Record<string, FieldReading> = {};
  const checks: FieldCheck[] = [];
  const body = lines.filter((l) => centreY(l) > 0.12);

  const english =
    matches(body, /^([A-Z][A-Z'-]+),([A-Za-z][A-Za-z' -]*)$/)[0] ??
    matches(body, /([A-Z]{2,}[A-Z'-]*),([A-Z][A-Za-z' -]+)/)[0];
  const englishLine = english?.line;
  if (english) {
    const given = splitGivenNames(english.match[2] ?? '');
    const value = `${english.match[1]}, ${given}`;
    fields.englishName = reading(value, partConfidence(english.line, english.match[0]));
  }

  const nameCandidates = body
    .filter(
      (l) => hasCjk(l.text) && !TITLE_WORDS.test(l.text) && centreY(l) < (englishLine ? englishLine.y0 + 0.02 : 0.35),
    )
    .filter((l) => cjkOnly(l.text).length >= 2 && !/出生|日期|簽發|签发|樣本|样本/.test(l.text));
  const nameLine = nameCandidates.sort((a, b) => b.y0 - a.y0)[0];
  if (nameLine) {
    const value = cjkOnly(nameLine.text);
    fields.name = reading(value, partConfidence(nameLine, value));
  }

  const code = matches(body, /^(\d{4})(\d{4})(\d{4})?(\d{4})?[.,:;]?$/).find(({ line }) => centreY(line) < 0.55);
  if (code) {
    const groups = code.match.slice(1).filter((g): g is string => !!g);
    fields.nameCode = reading(groups.join(' '), weakestConfidence(code.line, code.match[0].replace(/[.,:;]$/, '')));
  }

  const birth = matches(body, /(\d{2})-(\d{2})-(\d{4})/)[0];
  if (birth) {
    const [d, m, y] = [Number(birth.match[1]), Number(birth.match[2]), Number(birth.match[3])];
    if (isRealDate(y, m, d))
      fields.birthDate = reading(toIsoDate(y, m, d), weakestConfidence(birth.line, birth.match[0]));
  }

  const sex = readSex(body, birth?.line);
  if (sex) fields.sex = sex;

  const symbols = matches(body, /^(\*{0,3}[A-Z]{1,4}\d?)$/).find(
    ({ line }) => !birth || (centreY(line) > centreY(birth.line) && centreY(line) - centreY(birth.line) < 0.2),
  );
  if (symbols) fields.symbols = reading(symbols.match[1] ?? '', partConfidence(symbols.line, symbols.match[0]));

  // Copies and low resolution add stray dots inside the brackets: '(0.6-03)'.
  const first = matches(body, /[(（](\d)[.,]?(\d)-(\d)[.,]?(\d)[)）]/)[0];
  if (first) {
    const [m, yy] = [Number(`${first.match[1]}${first.match[2]}`), Number(`${first.match[3]}${first.match[4]}`)];
    if (m >= 1 && m <= 12) {
      const year = expandTwoDigitYear(yy, m, 1, { pivot: 'past' });
      fields.firstIssueDate = reading(
        `${year}-${String(m).padStart(2, '0')}`,
        weakestConfidence(first.line, first.match[0]),
      );
    }
  }

  const issue = matches(body, /(?<![\d(（-])(\d{2})-(\d{2})-(\d{2})(?!\d)/)[0];
  if (issue) {
    const [d, m, yy] = [Number(issue.match[1]), Number(issue.match[2]), Number(issue.match[3])];
    if (isRealDate(2000 + yy, m, d) || isRealDate(1900 + yy, m, d)) {
      const year = expandTwoDigitYear(yy, m, d, { pivot: 'past' });
      if (isRealDate(year, m, d)) {
        fields.currentIssueDate = reading(toIsoDate(year, m, d), weakestConfidence(issue.line, issue.match[0]));
      }
    }
  }

  const number = matches(body, /([A-Z]{1,2})(\d{6})[(（[]?([0-9A-Z])[)）\]]?$/)
    .filter(({ line }) => centreY(line) > 0.5)
    .sort((a, b) => centreX(b.line) - centreX(a.line))[0];
  if (number) {
    const value = `${number.match[1]}${number.match[2]}(${number.match[3]})`;
    const result = validateHkid(value);
    checks.push({
      name: 'idNumber.checkDigit',
      passed: result.valid,
      detail: result.valid ? 'HKID check digit holds' : result.errors.map((e) => e.message).join('; '),
    });
    fields.idNumber = reading(value, weakestConfidence(number.line, number.match[0]));
  }

  const permanent = Math.max(bestKeywordScore(lines, '永久性'), bestKeywordScore(lines, 'PERMANENT'));
  if (permanent >= 0.75) fields.isPermanent = reading('Y', permanent, 'derived');
  else if (fields.symbols && !fields.symbols.value.includes('A')) fields.isPermanent = reading('N', 0.7, 'derived');
  return { fields, checks };
}

/** OCR drops the spaces between given names; they are title-cased, so each capital starts a name. */
export function splitGivenNames(given: string): string {
  const trimmed = given.trim();
  if (/\s/.test(trimmed)) return trimmed.replace(/\s+/g, ' ');
  return trimmed.replace(/(?<=[a-z])(?=[A-Z])/g, ' ');
}

function readSex(lines: readonly CardLine[], birthLine: CardLine | undefined): FieldReading | undefined {
  const row = birthLine ? lines.filter((l) => Math.abs(centreY(l) - centreY(birthLine)) < 0.05) : lines;
  for (const l of row) {
    const text = l.text.replace(/\s+/g, '');
    const m = /([男女])?([MF])$/.exec(text.replace(/\d{2}-\d{2}-\d{4}/, ''));
    if (m && m[2]) {
      const zhAgrees = !m[1] || (m[1] === '男') === (m[2] === 'M');
      if (zhAgrees) return reading(m[2], partConfidence(l, m[2]));
    }
    const zh = /[男女]/.exec(text);
    if (zh) return reading(zh[0] === '男' ? 'M' : 'F', partConfidence(l, zh[0]));
  }
  return undefined;
}

import { isRealDate, toIsoDate, validateMacaoId } from '@dococr/core';
import { centreX, centreY, type CardLine } from '../card-lines.js';
import { cjkOnly, hasCjk, matches, partConfidence, reading, spacedText, weakestConfidence } from '../field-helpers.js';
import { type FieldCheck, type FieldReading, type MrzReading } from '../field-types.js';
import { findMrzLines, readIcaoMrz } from '../mrz-reader.js';
import { type DocumentFields } from './cn-resident-id.js';

const LABEL_WORDS =
  /Apelido|Nome|Data|Sexo|Válido|Valido|Símbolos|Simbolos|N\.?º|出生|性別|有效|符號|編號|REGI|MACAU|BILHETE|澳門|身份/i;

/**
 * Macao resident identity card. Front: Chinese and Portuguese-style names side by side (surname row, then given
 * names row), dates `DD-MM-YYYY`, sex, symbols (place of birth) and the number `XNNNNNN(Y)`. Back: a TD1 MRZ, from
 * which the Latin names, dates, sex and number are taken when the front's values are missing.
 */
export function readMacaoId(lines: readonly CardLine[]): DocumentFields & { mrz?: MrzReading } {
  const fields: Record<string, FieldReading> = {};
  const checks: FieldCheck[] = [];
  const mrzLines = findMrzLines(lines);
  const body = lines.filter((l) => centreY(l) > 0.22 && !mrzLines.includes(l) && !LABEL_WORDS.test(l.text));

  const nameRows = body
    .filter((l) => hasCjk(l.text) && cjkOnly(l.text).length <= 4 && centreY(l) < 0.55)
    .sort((a, b) => a.y0 - b.y0);
  const [surnameRow, givenRow] = nameRows;
  for (const [row, cnKey, latinKey] of [
    [surnameRow, 'surnameCN', 'surname'],
    [givenRow, 'givennameCN', 'givenname'],
  ] as const) {
    if (!row) continue;
    const cn = cjkOnly(row.text);
    fields[cnKey] = reading(cn, partConfidence(row, cn));
    const latin = latinOnRow(body, row);
    if (latin) fields[latinKey] = latin;
  }

  const dates = matches(body, /(\d{2})-(\d{2})-(\d{4})/).sort((a, b) => a.line.y0 - b.line.y0);
  const [birth, expiry] = dates;
  for (const [hit, key] of [
    [birth, 'birthDate'],
    [expiry, 'expiryDate'],
  ] as const) {
    if (!hit) continue;
    const [d, m, y] = [Number(hit.match[1]), Number(hit.match[2]), Number(hit.match[3])];
    if (isRealDate(y, m, d)) fields[key] = reading(toIsoDate(y, m, d), weakestConfidence(hit.line, hit.match[0]));
  }
  if (birth) {
    const sex = body.find((l) => /^[MF]$/.test(l.text.trim()) && Math.abs(centreY(l) - centreY(birth.line)) < 0.05);
    if (sex) fields.sex = reading(sex.text.trim(), sex.confidence);
  }
  if (expiry) {
    const symbols = body.find(
      (l) =>
        /^[A-DN]S?[MF]?$/.test(l.text.trim()) &&
        Math.abs(centreY(l) - centreY(expiry.line)) < 0.05 &&
        centreX(l) > centreX(expiry.line),
    );
    if (symbols) fields.placeOfBirth = reading(symbols.text.trim(), symbols.confidence);
  }

  const number = matches(body, /([157])\/?(\d{6})[/(（[]?(\d)[)）\]]?/).find(
    ({ match }) => validateMacaoId(match[0]).valid,
  );
  if (number) {
    const formatted = validateMacaoId(number.match[0]).formatted ?? number.match[0];
    fields.idNumber = reading(formatted, weakestConfidence(number.line, number.match[0]));
  }

  const mrz = readIcaoMrz(mrzLines);
  if (mrz) {
    checks.push({
      name: 'mrz.valid',
      passed: mrz.valid,
      detail: mrz.parsed.errors.map((e) => e.message).join('; ') || 'all checks hold',
    });
    if (mrz.valid) {
      const f = mrz.parsed.fields;
      const take = (key: string, value: string | null | undefined): void => {
        if (value && !fields[key]) fields[key] = reading(value, Math.max(0.9, mrz.confidence), 'mrz');
      };
      take('surname', f.surname);
      take('givenname', f.givenNames);
      take('sex', f.sex === 'X' ? '' : f.sex);
      take('birthDate', f.birthDate);
      take('expiryDate', f.expiryDate);
      const mrzNumber = /^([157]\d{6})(\d)$/.exec(f.documentNumber);
      if (mrzNumber) take('idNumber', `${mrzNumber[1]}(${mrzNumber[2]})`);
    }
  }
  return { fields, checks, ...(mrz ? { mrz } : {}) };
}

function latinOnRow(lines: readonly CardLine[], row: CardLine): FieldReading | undefined {
  // The Chinese and Latin names may share one detected box: take the Latin part of the row.
  const sameRow = lines
    .filter((l) => Math.abs(centreY(l) - centreY(row)) < (row.y1 - row.y0) * 0.6)
    .sort((a, b) => a.x0 - b.x0);
  for (const l of sameRow) {
    const m = /[A-Z][A-Z' -]*[A-Z]/.exec(spacedText(l));
    if (m) return reading(m[0].replace(/\s+/g, ' ').trim(), l.confidence);
  }
  return undefined;
}

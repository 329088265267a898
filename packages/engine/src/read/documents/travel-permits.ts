import { PermitKind, normaliseDate, validatePermitNumber } from '@dococr/core';
import { centreY, findKeywordLine, type CardLine } from '../card-lines.js';
import {
  cjkOnly,
  inRegion,
  matches,
  partConfidence,
  reading,
  spacedText,
  valueNearLabel,
  weakestConfidence,
} from '../field-helpers.js';
import { type FieldCheck, type FieldReading, type MrzReading } from '../field-types.js';
import { findMrzLines, readPermitMrz } from '../mrz-reader.js';
import { type DocumentFields } from './cn-resident-id.js';

export interface PermitFields extends DocumentFields {
  mrz?: MrzReading;
}

const NUMBER_PATTERNS: Record<PermitKind, RegExp> = {
  [PermitKind.ExitEntryHkMacao]: /C[A-Z0-9]\d{7}/,
  [PermitKind.MainlandTravelHkMacao]: /[HM]\d{8}(?:\d{2})?/,
  [PermitKind.MainlandTravelTaiwan]: /(?<![A-Z\d])\d{8}(?:\d{2})?(?!\d)/,
};

const DATE = /(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})/;

/**
 * The three Chinese travel-permit cards: bilingual labels over their values (姓名 Name, 出生日期, 性别, 有效期限,
 * 签发机关, 签发地点), the number in red at the top right or under 证件号码, and on the exit-entry permit one
 * machine-readable line that also carries the number, expiry and birth dates with check digits.
 */
export function readTravelPermit(
  lines: readonly CardLine[],
  kind: PermitKind,
  withPlaceOfIssue: boolean,
): PermitFields {
  const fields: Record<string, FieldReading> = {};
  const checks: FieldCheck[] = [];
  const mrzLines = kind === PermitKind.ExitEntryHkMacao ? findMrzLines(lines) : [];
  const body = lines.filter((l) => !mrzLines.some((m) => Math.abs(centreY(m) - centreY(l)) < 0.03));

  const name = valueNearLabel(body, '姓名', {
    right: false,
    accept: (t) => cjkOnly(t).length >= 2 && !/出生|性别/.test(t),
  });
  if (name) {
    const value = cjkOnly(name.text);
    fields.name = reading(value, partConfidence(name.line, value));
    const english = body
      .filter(
        (l) => l.y0 > name.line.y0 + 0.01 && l.y0 - name.line.y1 < 0.12 && /^[A-Z][A-Z ,.'-]+$/.test(l.text.trim()),
      )
      .sort((a, b) => a.y0 - b.y0)[0];
    if (english) fields.englishName = reading(spacedText(english), english.confidence);
  }

  const birthLabel = findKeywordLine(body, '出生日期');
  const birth = (birthLabel ? body.filter((l) => l.y0 >= birthLabel.y0 - 0.01 && l.y0 - birthLabel.y1 < 0.1) : body)
    .flatMap((l) => matches([l], DATE))
    .sort((a, b) => a.line.y0 - b.line.y0)[0];
  if (birth) {
    const iso = normaliseDate(birth.match[0].replace(/[-/]/g, '.'), 'ymd');
    if (iso) fields.birthDate = reading(iso, weakestConfidence(birth.line, birth.match[0]));
  }

  const sexHit = matches(body, /([男女])(?:\/?([MF]))?/).find(({ line }) => !/姓名|性别/.test(line.text));
  if (sexHit) {
    const male = sexHit.match[1] === '男';
    const agrees = !sexHit.match[2] || (sexHit.match[2] === 'M') === male;
    if (agrees) fields.sex = reading(male ? 'Male' : 'Female', partConfidence(sexHit.line, sexHit.match[0]));
  }

  const validityLabel = findKeywordLine(body, '有效期限');
  const validityRows = validityLabel
    ? body.filter((l) => l.y0 >= validityLabel.y0 - 0.01 && l.y0 - validityLabel.y1 < 0.1)
    : [];
  const dates = validityRows
    .flatMap((l) => matches([l], DATE))
    .sort((a, b) => a.line.x0 - b.line.x0 || (a.match.index ?? 0) - (b.match.index ?? 0));
  const [issue, expiry] = dates;
  if (issue) {
    const iso = normaliseDate(issue.match[0].replace(/[-/]/g, '.'), 'ymd');
    if (iso) fields.issueDate = reading(iso, weakestConfidence(issue.line, issue.match[0]));
  }
  if (expiry) {
    const iso = normaliseDate(expiry.match[0].replace(/[-/]/g, '.'), 'ymd');
    if (iso) fields.expiryDate = reading(iso, weakestConfidence(expiry.line, expiry.match[0]));
  }

  const authority = chineseValueBelow(body, '签发机关', 3);
  if (authority) fields.originOfIssue = authority;
  const place = withPlaceOfIssue ? chineseValueBelow(body, '签发地点', 2) : undefined;
  if (place) fields.placeOfIssue = place;

  const number = matches(body, NUMBER_PATTERNS[kind])
    .filter(({ match }) => validatePermitNumber(kind, match[0]).valid)
    .filter(({ line }) => !DATE.test(line.text))[0];
  if (number) fields.idNumber = reading(number.match[0], weakestConfidence(number.line, number.match[0]));

  let mrz: MrzReading | undefined;
  if (kind === PermitKind.ExitEntryHkMacao) {
    const permitMrz = readPermitMrz(mrzLines);
    if (permitMrz) {
      mrz = permitMrz;
      checks.push({
        name: 'mrz.checkDigits',
        passed: permitMrz.valid,
        detail: Object.entries(permitMrz.checks)
          .map(([k, ok]) => `${k} ${ok ? 'holds' : 'fails'}`)
          .join(', '),
      });
      crossCheck(
        fields,
        checks,
        'idNumber',
        permitMrz.documentNumber,
        permitMrz.checks.documentNumber,
        permitMrz.confidence,
      );
      crossCheck(fields, checks, 'birthDate', permitMrz.birthDate, permitMrz.checks.birthDate, permitMrz.confidence);
      crossCheck(fields, checks, 'expiryDate', permitMrz.expiryDate, permitMrz.checks.expiryDate, permitMrz.confidence);
    }
  }
  if (!fields.idNumber) {
    // The number may sit in a region of its own without any label nearby.
    const region = inRegion(body, { x0: 0.65, y0: 0.1, x1: 1, y1: 0.3 })[0];
    const m = region ? NUMBER_PATTERNS[kind].exec(region.text.replace(/\s+/g, '')) : null;
    if (region && m && validatePermitNumber(kind, m[0]).valid)
      fields.idNumber = reading(m[0], weakestConfidence(region, m[0]));
  }
  return { fields, checks, ...(mrz ? { mrz } : {}) };
}

/** The Chinese text printed under a label (the label's own line excluded). */
function chineseValueBelow(lines: readonly CardLine[], label: string, minChars: number): FieldReading | undefined {
  const hit = valueNearLabel(lines, label, {
    right: false,
    accept: (t) => cjkOnly(t).length >= minChars && !/签发/.test(t),
  });
  if (!hit) return undefined;
  const value = cjkOnly(hit.text);
  return reading(value, partConfidence(hit.line, value));
}

/**
 * Visual zone against the machine-readable line. Agreement raises confidence; when they differ, a machine value whose
 * check digit holds wins over a doubtful visual reading, and otherwise the field is left for the caller to drop.
 */
function crossCheck(
  fields: Record<string, FieldReading>,
  checks: FieldCheck[],
  key: string,
  machine: string | null,
  machineValid: boolean,
  machineConfidence: number,
): void {
  const visual = fields[key];
  if (!machine) return;
  if (!visual) {
    if (machineValid) fields[key] = reading(machine, machineConfidence, 'mrz');
    return;
  }
  const agrees = visual.value === machine;
  checks.push({
    name: `${key}.matchesMrz`,
    passed: agrees,
    detail: agrees ? 'visual zone and MRZ agree' : 'visual zone and MRZ differ',
  });
  if (agrees)
    fields[key] = reading(
      visual.value,
      Math.max(visual.confidence, machineValid ? 0.99 : machineConfidence),
      'visual+mrz',
    );
  else if (machineValid && visual.confidence < 0.9) fields[key] = reading(machine, machineConfidence, 'mrz');
  else fields[key] = reading(visual.value, Math.min(visual.confidence, 0.5), 'visual');
}

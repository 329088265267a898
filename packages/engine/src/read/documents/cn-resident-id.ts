import { LONG_TERM, normaliseDate, parseValidityPeriod, validateCnResidentId } from '@dococr/core';
import { centreX, centreY, findKeywordLine, type CardLine } from '../card-lines.js';
import {
  afterLabel,
  cjkOnly,
  compactLine,
  inRegion,
  joinRows,
  matches,
  partConfidence,
  reading,
  valueNearLabel,
  weakestConfidence,
} from '../field-helpers.js';
import { type FieldCheck, type FieldReading } from '../field-types.js';

/** The 56 recognised ethnic groups as the card prints them (without 族), GB 3304 order (notes §1), plus old 毛难. */
export const ETHNIC_GROUPS = [
  ...'汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇'.split(
    ' ',
  ),
  ...'柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京'.split(
    ' ',
  ),
  ...'塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 毛难'.split(' '),
];

export interface DocumentFields {
  fields: Record<string, FieldReading>;
  checks: FieldCheck[];
}

const LABELS = ['姓名', '性别', '民族', '出生', '住址', '公民身份号码'];

/** Portrait side of the mainland resident ID: labels on the left, values to their right, photo on the right. */
export function readCnResidentIdFace(lines: readonly CardLine[]): DocumentFields {
  const fields: Record<string, FieldReading> = {};
  const checks: FieldCheck[] = [];
  const valueLines = lines.filter((l) => !LABELS.some((label) => l.text.replace(/\s+/g, '') === label));

  const name = valueNearLabel(lines, '姓名', { below: false, accept: (t) => cjkOnly(t).length >= 2 });
  const nameLine = name ?? { line: inRegion(valueLines, { x0: 0.12, y0: 0.08, x1: 0.62, y1: 0.22 })[0], text: '' };
  if (nameLine.line) {
    const value = cjkOnly(name ? name.text : nameLine.line.text);
    if (value.length >= 2) fields.name = reading(value, partConfidence(nameLine.line, value));
  }

  const sexHit = matches(lines, /[男女]/).find(({ line }) => centreY(line) < 0.4 && centreX(line) < 0.62);
  if (sexHit) fields.sex = reading(sexHit.match[0], partConfidence(sexHit.line, sexHit.match[0]));

  const ethnicity = readEthnicity(lines);
  if (ethnicity) fields.ethnicity = ethnicity;

  const birth = matches(lines, /(\d{4})年(\d{1,2})月(\d{1,2})日?/)[0];
  if (birth) {
    const iso = normaliseDate(`${birth.match[1]}年${birth.match[2]}月${birth.match[3]}日`, 'cjk');
    if (iso) fields.birthDate = reading(iso, weakestConfidence(birth.line, birth.match[0]));
  }

  const address = readAddress(lines);
  if (address) fields.address = address;

  const number = matches(lines, /\d{17}[\dXx×]/)
    .map((m) => ({ ...m, value: m.match[0].replace(/[x×]/, 'X') }))
    .sort((a, b) => b.line.y0 - a.line.y0)[0];
  if (number) {
    const result = validateCnResidentId(number.value);
    const confidence = weakestConfidence(number.line, number.match[0]);
    checks.push({
      name: 'idNumber.checkCharacter',
      passed: result.valid,
      detail: result.valid ? 'GB 11643 check character holds' : result.errors.map((e) => e.message).join('; '),
    });
    fields.idNumber = reading(number.value, confidence);
    if (result.birthDate && fields.birthDate) {
      const agrees = result.birthDate === fields.birthDate.value;
      checks.push({ name: 'birthDate.matchesIdNumber', passed: agrees, detail: agrees ? 'same date' : 'dates differ' });
    } else if (result.birthDate && result.valid) {
      fields.birthDate = reading(result.birthDate, confidence, 'derived');
    }
    if (result.sex && fields.sex) {
      const agrees = (result.sex === 'M') === (fields.sex.value === '男');
      checks.push({ name: 'sex.matchesIdNumber', passed: agrees, detail: agrees ? 'same sex' : 'sex differs' });
    }
  }
  // Reserved by the API: always empty.
  fields.province = reading('', 1, 'derived');
  fields.city = reading('', 1, 'derived');
  return { fields, checks };
}

function readEthnicity(lines: readonly CardLine[]): FieldReading | undefined {
  const isGroup = (t: string): boolean => ETHNIC_GROUPS.includes(cjkOnly(t).replace(/族$/, ''));
  const hit = valueNearLabel(lines, '民族', { below: false, accept: isGroup });
  if (hit) {
    const value = cjkOnly(hit.text).replace(/族$/, '');
    return reading(value, partConfidence(hit.line, value));
  }
  const label = findKeywordLine(lines, '民族');
  if (!label) return undefined;
  // Misread value: keep what follows the label only when it is a known group name.
  const rest = cjkOnly(afterLabel(label.text, '民族'));
  return isGroup(rest) ? reading(rest, partConfidence(label, rest)) : undefined;
}

function readAddress(lines: readonly CardLine[]): FieldReading | undefined {
  const label = findKeywordLine(lines, '住址');
  const numberLabel = findKeywordLine(lines, '公民身份号码', 0.6);
  // The first address line may sit a little higher than its label.
  const top = label ? label.y0 - 0.03 : 0.45;
  const bottom = numberLabel ? numberLabel.y0 : 0.8;
  const left = label ? label.x0 - 0.02 : 0.05;
  const parts = lines
    .filter((l) => centreY(l) >= top && centreY(l) < bottom && l.x0 >= left && centreX(l) < 0.66)
    .sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  if (!parts.length) return undefined;
  let text = '';
  let confidence = 1;
  for (const part of parts) {
    const compact = compactLine(part);
    const value = part === label ? afterLabel(compact.text, '住址') : compact.text;
    if (!value) continue;
    text += value;
    confidence = Math.min(confidence, partConfidence(compact, value));
  }
  return text.length >= 4 ? reading(text, confidence) : undefined;
}

/** National-emblem side: issuing authority and validity period. */
export function readCnResidentIdEmblem(lines: readonly CardLine[]): DocumentFields {
  const fields: Record<string, FieldReading> = {};
  const checks: FieldCheck[] = [];
  const authority = valueNearLabel(lines, '签发机关', { below: false, accept: (t) => cjkOnly(t).length >= 3 });
  if (authority) {
    const value = cjkOnly(authority.text);
    fields.originOfIssue = reading(value, partConfidence(authority.line, value));
  }
  const validity = matches(
    joinRows(lines),
    /(\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2})[-–—~～至一]*(\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}|长期)/,
  )[0];
  if (validity) {
    const period = parseValidityPeriod(`${validity.match[1]}-${validity.match[2]}`);
    const confidence = weakestConfidence(validity.line, validity.match[0]);
    checks.push({
      name: 'validityPeriod',
      passed: period.valid,
      detail: period.valid ? 'start before end' : period.errors.map((e) => e.message).join('; '),
    });
    if (period.startDate) fields.issueDate = reading(period.startDate, confidence);
    if (period.expiryDate) fields.expiryDate = reading(period.longTerm ? LONG_TERM : period.expiryDate, confidence);
  }
  return { fields, checks };
}

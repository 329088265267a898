import { computeMrzCheckDigit } from '@dococr/core';
import { centreY, type CardLine } from '../card-lines.js';
import { matches, reading } from '../field-helpers.js';
import { type FieldCheck, type FieldReading } from '../field-types.js';
import { findMrzLines, readIcaoMrz, type IcaoMrzReading } from '../mrz-reader.js';
import { type DocumentFields } from './cn-resident-id.js';

/**
 * Passport data page. The spec reads the passport from its MRZ; the visual zone is used only to check the passport
 * number, the field a forger changes and OCR most often garbles.
 */
export function readPassport(lines: readonly CardLine[]): DocumentFields & { mrz?: IcaoMrzReading } {
  const fields: Record<string, FieldReading> = {};
  const checks: FieldCheck[] = [];
  const mrz = readIcaoMrz(findMrzLines(lines));
  if (!mrz) return { fields, checks };
  const { parsed } = mrz;
  const f = parsed.fields;
  checks.push({
    name: 'mrz.valid',
    passed: parsed.valid,
    detail: parsed.valid ? 'every check digit holds' : parsed.errors.map((e) => e.message).join('; '),
  });
  const confidenceOf = (check: keyof typeof parsed.checks | undefined): number => {
    if (!check) return mrz.confidence;
    const c = parsed.checks[check];
    // A field whose own check digit fails is a misread (or a forgery): below the reporting threshold.
    return c && !c.valid ? Math.min(mrz.confidence, 0.4) : Math.max(mrz.confidence, 0.95);
  };
  // No check digit covers the name line: the visual zone is its only check.
  if (f.surname) fields.surname = nameReading(lines, f.surname, mrz.confidence, checks, 'surname');
  if (f.givenNames) fields.givenname = nameReading(lines, f.givenNames, mrz.confidence, checks, 'givenname');
  if (f.sex === 'M' || f.sex === 'F') fields.sex = reading(f.sex, mrz.confidence, 'mrz');
  if (f.birthDate) fields.birthDate = reading(f.birthDate, confidenceOf('birthDate'), 'mrz');
  if (f.expiryDate) fields.expiryDate = reading(f.expiryDate, confidenceOf('expiryDate'), 'mrz');
  if (/^[A-Z]{1,3}$/.test(f.nationality)) fields.nationality = reading(f.nationality, mrz.confidence, 'mrz');
  if (/^[A-Z]{1,3}$/.test(f.issuingState)) fields.countryCode = reading(f.issuingState, mrz.confidence, 'mrz');
  if (f.documentNumber) {
    fields.passportNo = reading(f.documentNumber, confidenceOf('documentNumber'), 'mrz');
    checkVisualNumber(lines, mrz, fields, checks);
  }
  return { fields, checks, mrz };
}

/**
 * The visual zone prints the passport number near the top. When the MRZ number fails its check digit but a visual
 * number satisfies it, the MRZ was misread and the visual number is taken; any other difference is a mismatch
 * (a misread or an altered page) and the number is left unreported.
 */
function checkVisualNumber(
  lines: readonly CardLine[],
  mrz: IcaoMrzReading,
  fields: Record<string, FieldReading>,
  checks: FieldCheck[],
): void {
  const mrzNumber = mrz.parsed.fields.documentNumber;
  const checkDigit = mrz.parsed.checks.documentNumber;
  const mrzRows = findMrzLines(lines);
  const upper = lines.filter(
    (l) => centreY(l) < 0.75 && !mrzRows.some((m) => Math.abs(centreY(m) - centreY(l)) < 0.02),
  );
  const candidates = matches(upper, /(?<![A-Z0-9])[A-Z0-9]{6,9}(?![A-Z0-9])/)
    .map((m) => m.match[0])
    .filter((s) => /\d/.test(s) && s.length === mrzNumber.length);
  if (!candidates.length) return;
  const same = candidates.find((c) => c === mrzNumber);
  if (same) {
    checks.push({ name: 'passportNo.matchesVisualZone', passed: true, detail: 'visual zone and MRZ agree' });
    fields.passportNo = reading(mrzNumber, Math.max(fields.passportNo?.confidence ?? 0, 0.97), 'visual+mrz');
    return;
  }
  const closest = candidates.map((c) => ({ c, d: distance(c, mrzNumber) })).sort((a, b) => a.d - b.d)[0];
  if (!closest || closest.d > 2) return;
  checks.push({ name: 'passportNo.matchesVisualZone', passed: false, detail: `differs in ${closest.d} character(s)` });
  if (checkDigit && !checkDigit.valid && computeMrzCheckDigit(closest.c) === checkDigit.digit) {
    fields.passportNo = reading(closest.c, 0.9, 'visual');
  } else {
    fields.passportNo = reading(mrzNumber, Math.min(fields.passportNo?.confidence ?? 0, 0.4), 'mrz');
  }
}

/**
 * A name from the MRZ against the visual zone: the same word printed above confirms it; a word that differs in one
 * or two letters (the MRZ lost or swapped a letter, or the page was altered) makes it doubtful, below the reporting
 * threshold; no such word leaves the MRZ's own recognition confidence.
 */
function nameReading(
  lines: readonly CardLine[],
  name: string,
  confidence: number,
  checks: FieldCheck[],
  field: string,
): FieldReading {
  const words = lines
    .filter((l) => centreY(l) < 0.75)
    .flatMap((l) => l.text.toUpperCase().split(/[^A-Z]+/))
    .filter((w) => w.length >= 2);
  const first = name.split(' ')[0] ?? name;
  if (words.includes(first)) {
    checks.push({ name: `${field}.matchesVisualZone`, passed: true, detail: 'visual zone and MRZ agree' });
    return reading(name, Math.max(confidence, 0.97), 'visual+mrz');
  }
  const near = words.find((w) => Math.abs(w.length - first.length) <= 1 && editDistance(w, first) <= 2 && w !== first);
  if (near) {
    checks.push({ name: `${field}.matchesVisualZone`, passed: false, detail: 'visual zone and MRZ differ' });
    return reading(name, Math.min(confidence, 0.5), 'mrz');
  }
  return reading(name, confidence, 'mrz');
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function distance(a: string, b: string): number {
  let d = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) d++;
  return d;
}

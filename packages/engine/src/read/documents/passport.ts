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
  const compositeHolds = parsed.checks.composite?.valid ?? false;
  const nameConfidence = compositeHolds ? Math.max(mrz.confidence, 0.9) : mrz.confidence;
  if (f.surname) fields.surname = reading(f.surname, nameConfidence, 'mrz');
  if (f.givenNames) fields.givenname = reading(f.givenNames, nameConfidence, 'mrz');
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

function distance(a: string, b: string): number {
  let d = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) d++;
  return d;
}

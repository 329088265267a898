import { type CardSide, type DocType, type MrzCorrection, type MrzFormat } from '@dococr/core';
import { type CardLine } from './card-lines.js';

/** Where a field's value came from. */
export type FieldSource = 'visual' | 'mrz' | 'visual+mrz' | 'derived';

/** One field as read, before it is put into the response; `confidence` is 0..1. */
export interface FieldReading {
  value: string;
  confidence: number;
  source: FieldSource;
}

/** A rule the reading was checked against (check digits, visual zone against MRZ, number against date of birth). */
export interface FieldCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** One character of a machine-readable line changed before parsing, and why (core's `repairMrz` record). */
export type { MrzCorrection };

export interface MrzReading {
  format: MrzFormat | 'CN-PERMIT';
  /** The lines after correction. */
  lines: string[];
  /** True when every check digit holds. */
  valid: boolean;
  /** How many problems parsing found (shape, characters, dates, check digits): 0 when valid. */
  errorCount: number;
  corrections: MrzCorrection[];
}

export interface ReadFieldsResult {
  docType: DocType;
  side?: CardSide;
  /** Every field of the DocType's ocrIdInfo that was read; fields not read are absent. */
  fields: Record<string, FieldReading>;
  mrz?: MrzReading;
  checks: FieldCheck[];
  /** The recognised lines the fields were taken from. */
  lines: CardLine[];
}

/** Fields below this confidence are left empty in the response: an empty field is better than a wrong one. */
export const MIN_FIELD_CONFIDENCE = 0.6;

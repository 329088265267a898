import {
  PermitKind,
  validateCnPassportNumber,
  validateCnResidentId,
  validateHkid,
  validateMacaoId,
  validatePermitNumber,
  type RuleIssue,
} from '@dococr/core';
import { pinyin } from 'pinyin-pro';
import type { AuditStore } from '../audit/index.js';
import { digestOf } from '../audit/index.js';
import { auditedStep } from './audited-step.js';

/** Recorded with the cross-check step: the validators come from core, the name readings from pinyin-pro. */
export const KYC_RULES_VERSION = 'dococr-core-rules/0.1.0 + pinyin-pro/3.29.4';

/** One document of an application, as the KYC workflow hands it over after its `docOcr` child finished. */
export interface CrossCheckDocument {
  /** 1-based position in the application. */
  index: number;
  docType: string;
  cardSide?: 'OCR_ID_FACE' | 'OCR_ID_NATIONAL_EMBLEM' | undefined;
  /** The child workflow that read it; its `recogniseDocument` audit event holds the engine's own checks. */
  workflowId: string;
  ocrIdInfo?: Record<string, string> | undefined;
  /** The holder's name in Chinese characters, when the document shows it without a romanised form. */
  chineseNameOnly?: string | undefined;
}

export interface CrossCheckInput {
  applicationId: string;
  /** The workflow's clock (yyyy-mm-dd), so that an ID number's birth date is judged against the same day. */
  referenceDate: string;
  documents: CrossCheckDocument[];
}

export interface CrossCheckResult {
  checks: DocumentRuleCheck[];
  /** Pinyin readings of the names shown only in Chinese, so the workflow can compare them with romanised names. */
  romanised: Array<{ document: number; readings: string[] }>;
}

/** One check of one document. `detail` names issue codes only, never the characters read. */
export interface DocumentRuleCheck {
  document: number;
  name: string;
  ok: boolean;
  detail: string;
  /** `rules`: core's validators on the returned fields; `engine`: the local engine's checks on what it saw. */
  source: 'rules' | 'engine';
}

function issues(errors: RuleIssue[]): string {
  return [...new Set(errors.map((e) => e.code))].join(', ');
}

const PERMIT_KINDS: Record<string, PermitKind> = {
  '00000007': PermitKind.ExitEntryHkMacao,
  '00000009': PermitKind.MainlandTravelHkMacao,
  '000000012': PermitKind.MainlandTravelTaiwan,
};

/** Core's validators on a document's identifying number, by DocType. */
export function documentNumberChecks(doc: CrossCheckDocument, referenceDate: string): DocumentRuleCheck[] {
  const info = doc.ocrIdInfo ?? {};
  const out: DocumentRuleCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) =>
    out.push({ document: doc.index, name, ok, detail, source: 'rules' });
  const idNumber = info.idNumber ?? '';
  if (doc.docType === '00000001' && doc.cardSide !== 'OCR_ID_NATIONAL_EMBLEM' && idNumber !== '') {
    const r = validateCnResidentId(idNumber, { referenceDate });
    add('idNumber.checkCharacter', r.valid, r.valid ? 'GB 11643 check character holds' : issues(r.errors));
    if (r.valid && r.birthDate && info.birthDate) {
      const same = r.birthDate === info.birthDate;
      add('birthDate.matchesIdNumber', same, same ? 'same date' : 'birth date differs from the ID number');
    }
  } else if ((doc.docType === '00000006' || doc.docType === '00000008') && idNumber !== '') {
    const r = validateHkid(idNumber);
    add('idNumber.checkDigit', r.valid, r.valid ? 'HKID check digit holds' : issues(r.errors));
  } else if (doc.docType === '000000011' && idNumber !== '') {
    const r = validateMacaoId(idNumber);
    add('idNumber.shape', r.valid, r.valid ? 'well formed (no public check-digit rule)' : issues(r.errors));
  } else if (PERMIT_KINDS[doc.docType] && idNumber !== '') {
    const r = validatePermitNumber(PERMIT_KINDS[doc.docType]!, idNumber);
    add('idNumber.shape', r.valid, r.valid ? 'well formed (checked in the MRZ, when printed)' : issues(r.errors));
  } else if (doc.docType === '01000000' && info.passportNo && info.nationality === 'CHN') {
    const r = validateCnPassportNumber(info.passportNo);
    add('passportNo.shape', r.valid, r.valid ? 'PRC ordinary passport number' : issues(r.errors));
  }
  return out;
}

/**
 * Mainland pinyin readings of a Chinese name, without tones, surname readings first ('单' is Shan as a surname):
 * `['ZHOU MEI']`. 'ü' has three spellings on documents (LYU since 2012, older LV and LU), so all are given. Nothing
 * for a name that is not all Han characters. Hong Kong and Macao names are romanised from Cantonese: they come with
 * their own Latin form and are not converted.
 */
export function pinyinReadings(name: string): string[] {
  if (!/^[\u3400-\u9fff]+$/.test(name)) return [];
  const reading = pinyin(name, { toneType: 'none', surname: 'head', type: 'array' }).join(' ').toUpperCase();
  return [...new Set(['YU', 'V', 'U'].map((u) => reading.replace(/Ü/g, u)))];
}

interface RecordedCheck {
  name: string;
  ok: boolean;
}

function isRecordedCheck(value: unknown): value is RecordedCheck {
  const v = value as Partial<RecordedCheck> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.ok === 'boolean';
}

export function createKycActivities(deps: { audit: AuditStore }) {
  return {
    /**
     * Document-level rules of a KYC application that need core's validators (not importable into workflow code):
     * ID-number check characters and shapes on the returned fields, plus the engine's own checks (MRZ check digits,
     * MRZ against the visual zone) as its `recogniseDocument` step recorded them in the audit chain. The
     * cross-document comparison (same person, expiry, age) is pure and stays in the workflow.
     */
    async crossCheckDocuments(input: CrossCheckInput): Promise<CrossCheckResult> {
      return auditedStep(
        {
          audit: deps.audit,
          applicationId: input.applicationId,
          step: 'crossCheckDocuments',
          engineVersion: KYC_RULES_VERSION,
          inputDigest: digestOf(input.documents.map((d) => d.ocrIdInfo ?? {})),
        },
        async () => {
          const events = await deps.audit.list(input.applicationId);
          const checks: DocumentRuleCheck[] = [];
          for (const doc of input.documents) {
            checks.push(...documentNumberChecks(doc, input.referenceDate));
            const recognised = events.filter(
              (e) => e.workflowId === doc.workflowId && e.step === 'recogniseDocument' && e.outcome === 'passed',
            );
            const recorded: unknown = recognised.at(-1)?.data.checks;
            for (const c of Array.isArray(recorded) ? (recorded as unknown[]).filter(isRecordedCheck) : []) {
              checks.push({
                document: doc.index,
                name: c.name,
                ok: c.ok,
                detail: 'recorded by the engine',
                source: 'engine',
              });
            }
          }
          const failed = checks.filter((c) => !c.ok);
          const romanised = input.documents
            .map((d) => ({ document: d.index, readings: pinyinReadings(d.chineseNameOnly ?? '') }))
            .filter((r) => r.readings.length > 0);
          return {
            result: { checks, romanised },
            outcome: failed.length === 0 ? 'passed' : 'failed',
            reasons: failed.map((c) => `document ${c.document}: ${c.name}`),
            data: { checks: checks.map((c) => ({ document: c.document, name: c.name, ok: c.ok, source: c.source })) },
            outputDigest: digestOf(checks),
          };
        },
      );
    },
  };
}

import { CardSide, DocType } from '@dococr/core';
import { bestKeywordScore, type CardLine } from '../read/card-lines.js';
import { findMrzLines, normaliseMrzText } from '../read/mrz-reader.js';

/** A document family the classifier tells apart; the two Hong Kong editions print the same words. */
export type DocumentClass =
  | 'passport'
  | 'hong-kong-id'
  | 'exit-entry-permit'
  | 'mainland-permit-hk-macao'
  | 'mainland-permit-taiwan'
  | 'macao-id'
  | 'cn-id-face'
  | 'cn-id-emblem';

interface Evidence {
  keywords: Array<[string, number]>;
  patterns?: Array<[RegExp, number]>;
}

// Titles weigh most: labels such as 签发机关 are shared between the permits and the ID card's emblem side.
const EVIDENCE: Record<DocumentClass, Evidence> = {
  passport: {
    keywords: [
      ['PASSPORT', 2],
      ['PASSEPORT', 1],
      ['护照', 2],
      ['護照', 2],
    ],
  },
  'hong-kong-id': {
    keywords: [
      ['香港永久性居民身份證', 4],
      ['香港居民身份證', 3],
      ['HONGKONG', 2],
      ['IDENTITYCARD', 1],
      ['DateofBirth', 1],
      ['DateofIssue', 1],
    ],
    patterns: [[/[A-Z]{1,2}\d{6}[(（[][0-9A-Z][)）\]]/, 2]],
  },
  'exit-entry-permit': {
    keywords: [
      ['往来港澳通行证', 4],
      ['EXIT-ENTRY', 2],
      ['EXITENTRYPERMIT', 2],
    ],
    patterns: [[/^C[SD]C[A-Z0-9]\d{7}/, 3]],
  },
  'mainland-permit-hk-macao': {
    keywords: [
      ['港澳居民来往内地通行证', 4],
      ['来往内地通行证', 3],
      ['HONGKONGANDMACAORESIDENTS', 2],
      ['换证次数', 1],
    ],
    patterns: [[/^[HM]\d{8}$/, 2]],
  },
  'mainland-permit-taiwan': {
    keywords: [
      ['台湾居民来往大陆通行证', 4],
      ['来往大陆通行证', 3],
      ['TAIWANRESIDENTS', 2],
    ],
  },
  'macao-id': {
    keywords: [
      ['澳門特別行政區', 2],
      ['澳門永久性居民身份證', 4],
      ['澳門居民身份證', 3],
      ['居民身份證', 1],
      ['MACAU', 2],
      ['BILHETEDEIDENTIDADE', 2],
    ],
    patterns: [[/^I.MAC/, 3]],
  },
  'cn-id-face': {
    keywords: [
      ['公民身份号码', 4],
      ['姓名', 1],
      ['性别', 1],
      ['民族', 2],
      ['住址', 2],
      ['出生', 1],
    ],
    patterns: [[/\d{17}[\dXx]/, 2]],
  },
  'cn-id-emblem': {
    keywords: [
      ['居民身份证', 3],
      ['中华人民共和国', 1],
      ['签发机关', 1],
      ['有效期限', 1],
    ],
    patterns: [[/\d{4}\.\d{2}\.\d{2}-(\d{4}\.\d{2}\.\d{2}|长期)/, 2]],
  },
};

export interface Classification {
  /** The best-scoring family, or undefined when nothing on the card points anywhere. */
  best?: DocumentClass;
  /** Each family's score, 0..1 (share of its evidence found). */
  scores: Record<DocumentClass, number>;
  /** The machine-readable zone found, if any: its format and document code. */
  mrz?: { format: 'TD1' | 'TD2' | 'TD3' | 'CN-PERMIT'; documentCode: string };
}

/** Scores the card's text against each document family's titles, labels, number patterns and MRZ shape. */
export function classifyDocument(lines: readonly CardLine[]): Classification {
  const compact = lines.map((l) => l.text.replace(/\s+/g, ''));
  const scores = {} as Record<DocumentClass, number>;
  for (const [cls, evidence] of Object.entries(EVIDENCE) as Array<[DocumentClass, Evidence]>) {
    let found = 0;
    let total = 0;
    for (const [keyword, weight] of evidence.keywords) {
      total += weight;
      const score = bestKeywordScore(lines, keyword.replace(/\s+/g, ''));
      if (score >= 0.75) found += weight * score;
    }
    for (const [pattern, weight] of evidence.patterns ?? []) {
      total += weight;
      if (compact.some((t) => pattern.test(t))) found += weight;
    }
    scores[cls] = total ? found / total : 0;
  }
  const mrz = describeMrz(lines);
  if (mrz?.format === 'TD3' && mrz.documentCode.startsWith('P')) scores.passport = Math.max(scores.passport, 0.9);
  if (mrz?.format === 'CN-PERMIT') scores['exit-entry-permit'] = Math.max(scores['exit-entry-permit'], 0.6);
  // A travel-document MRZ on the card argues against the mainland ID card, which has none.
  if (mrz && mrz.format !== 'CN-PERMIT') {
    scores['cn-id-face'] *= 0.5;
    scores['cn-id-emblem'] *= 0.5;
  }
  const ranked = (Object.entries(scores) as Array<[DocumentClass, number]>).sort((a, b) => b[1] - a[1]);
  const top = ranked[0];
  return { ...(top && top[1] > 0.15 ? { best: top[0] } : {}), scores, ...(mrz ? { mrz } : {}) };
}

function describeMrz(lines: readonly CardLine[]): Classification['mrz'] {
  const rows = findMrzLines(lines).map((l) => normaliseMrzText(l.text));
  if (!rows.length) return undefined;
  const last = rows[rows.length - 1] ?? '';
  if (rows.length === 1 || /^C[SD]/.test(last)) {
    if (/^C[SD]/.test(last) && last.length >= 26 && last.length <= 33)
      return { format: 'CN-PERMIT', documentCode: last.slice(0, 2) };
  }
  if (rows.length >= 3 && rows.slice(-3).every((r) => r.length >= 26 && r.length <= 34)) {
    return { format: 'TD1', documentCode: (rows[rows.length - 3] ?? '').slice(0, 2).replace(/</g, '') };
  }
  if (rows.length >= 2) {
    const first = rows[rows.length - 2] ?? '';
    const len = Math.max(first.length, last.length);
    if (len >= 40) return { format: 'TD3', documentCode: first.slice(0, 2).replace(/</g, '') };
    if (len >= 33) return { format: 'TD2', documentCode: first.slice(0, 2).replace(/</g, '') };
  }
  return undefined;
}

/** The family a requested DocType (and side) belongs to. */
export function documentClassFor(docType: DocType, side?: CardSide): DocumentClass {
  switch (docType) {
    case DocType.GlobalPassport:
      return 'passport';
    case DocType.HongKongId2003:
    case DocType.HongKongId2018:
      return 'hong-kong-id';
    case DocType.ExitEntryPermitHkMacao:
      return 'exit-entry-permit';
    case DocType.MainlandTravelPermitHkMacao:
      return 'mainland-permit-hk-macao';
    case DocType.MainlandTravelPermitTaiwan:
      return 'mainland-permit-taiwan';
    case DocType.MacaoId:
      return 'macao-id';
    case DocType.ChineseResidentId:
      return side === CardSide.NationalEmblem ? 'cn-id-emblem' : 'cn-id-face';
  }
}

export interface DocTypeCheck {
  matches: boolean;
  expected: DocumentClass;
  classification: Classification;
  reason: string;
}

/** Minimum share of a family's evidence before the card counts as that family. */
const MIN_SCORE = 0.3;
/** How far another family may lead before the card is taken for that family instead. */
const MAX_LEAD = 0.2;

/**
 * Whether the card is the requested document (and side). A wrong or unrecognisable document is SubCode 213.
 */
export function confirmDocType(lines: readonly CardLine[], docType: DocType, side?: CardSide): DocTypeCheck {
  const classification = classifyDocument(lines);
  const expected = documentClassFor(docType, side);
  const own = classification.scores[expected];
  const best = classification.best;
  const bestScore = best ? classification.scores[best] : 0;
  if (own < MIN_SCORE) {
    return { matches: false, expected, classification, reason: `too little ${expected} evidence (${own.toFixed(2)})` };
  }
  if (best && best !== expected && bestScore - own > MAX_LEAD) {
    return {
      matches: false,
      expected,
      classification,
      reason: `looks like ${best} (${bestScore.toFixed(2)} vs ${own.toFixed(2)})`,
    };
  }
  return { matches: true, expected, classification, reason: `${expected} evidence ${own.toFixed(2)}` };
}

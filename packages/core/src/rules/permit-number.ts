import { beginCheck, describe, IssueCode, RuleError, RuleErrorCode, type RuleIssue } from './rule-error.js';

export const PermitKind = {
  /** 往来港澳通行证, Exit-Entry Permit for travelling to and from Hong Kong and Macao (mainland residents). */
  ExitEntryHkMacao: 'exit-entry-hk-macao',
  /** 港澳居民来往内地通行证 (回乡证), Mainland Travel Permit for Hong Kong and Macao residents. */
  MainlandTravelHkMacao: 'mainland-travel-hk-macao',
  /** 台湾居民来往大陆通行证 (台胞证), Mainland Travel Permit for Taiwan residents. */
  MainlandTravelTaiwan: 'mainland-travel-taiwan',
} as const;
export type PermitKind = (typeof PermitKind)[keyof typeof PermitKind];

export interface PermitNumberResult {
  valid: boolean;
  errors: RuleIssue[];
  kind: PermitKind;
  /** Upper-cased, trimmed. */
  normalised: string;
  /** Mainland travel permits for HK/Macao: which region issued the holder's status. */
  region?: 'HK' | 'MO';
  /** The lifetime part of a travel-permit number (without the replacement count). */
  lifetimeNumber?: string;
  /** The 2-digit replacement count (换证次数) of 10/11-character travel-permit numbers. */
  replacementCount?: number;
  /** Parts of the judgement that rest on unconfirmed sources (see notes/chinese-documents.md §5). */
  unconfirmed: string[];
}

/**
 * Validates the number of a Chinese travel permit by kind. None of these numbers carries a check digit of its own
 * (the exit-entry permit's is in its MRZ line), so this is a shape check.
 * - exit-entry-hk-macao: 'C' + 8 digits, or 'C' + letter + 7 digits (cards since 2014).
 * - mainland-travel-hk-macao: 'H'/'M' + 8-digit lifetime number, optionally + 2-digit replacement count;
 *   'HA'/'MA' + 7 digits for non-Chinese permanent residents (digit count unconfirmed).
 * - mainland-travel-taiwan: 8 digits, optionally + 2-digit replacement count.
 */
export function validatePermitNumber(kind: PermitKind, value: string): PermitNumberResult {
  if (!Object.values(PermitKind).includes(kind)) {
    throw new RuleError(RuleErrorCode.InvalidInput, `unknown permit kind: ${describe(kind)} ${String(kind)}`);
  }
  const { lead, s, errors } = beginCheck(value, 'permit number');
  const result: PermitNumberResult = { valid: false, errors, kind, normalised: s, unconfirmed: [] };
  if (s === '') return result;
  switch (kind) {
    case PermitKind.ExitEntryHkMacao: {
      if (/^C[A-Z]\d{7}$/.test(s)) {
        // The letter set of the newer numbers is not published; any letter is accepted.
        result.unconfirmed.push('letter in position 2 (any A-Z accepted)');
      } else if (!/^C\d{8}$/.test(s)) {
        errors.push(shapeIssue(s, lead, /^C/, 'C + 8 digits or C + letter + 7 digits', 1));
      }
      break;
    }
    case PermitKind.MainlandTravelHkMacao: {
      const m = /^([HM])(\d{8})(\d{2})?$/.exec(s);
      if (m) {
        result.region = m[1] === 'H' ? 'HK' : 'MO';
        result.lifetimeNumber = m[1]! + m[2]!;
        if (m[3] !== undefined) result.replacementCount = Number(m[3]);
      } else if (/^[HM]A\d{7}$/.test(s)) {
        result.region = s.startsWith('H') ? 'HK' : 'MO';
        result.lifetimeNumber = s;
        result.unconfirmed.push('HA/MA numbers of non-Chinese residents: digit count after the prefix');
      } else {
        errors.push(shapeIssue(s, lead, /^[HM]/, 'H/M + 8 or 10 digits', 1));
      }
      break;
    }
    case PermitKind.MainlandTravelTaiwan: {
      const m = /^(\d{8})(\d{2})?$/.exec(s);
      if (m) {
        result.lifetimeNumber = m[1]!;
        if (m[2] !== undefined) result.replacementCount = Number(m[2]);
      } else {
        errors.push(shapeIssue(s, lead, null, '8 or 10 digits'));
      }
      break;
    }
  }
  result.valid = errors.length === 0;
  return result;
}

function shapeIssue(s: string, lead: number, head: RegExp | null, expected: string, letterAt?: number): RuleIssue {
  if (head && !head.test(s)) return { code: IssueCode.Format, message: `expected ${expected}`, position: lead };
  for (let i = head ? 1 : 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (!/\d/.test(ch) && !(i === letterAt && /[A-Z]/.test(ch))) {
      return { code: IssueCode.Character, message: `'${ch}': expected ${expected}`, position: lead + i };
    }
  }
  return { code: IssueCode.Length, message: `${s.length} characters: expected ${expected}` };
}

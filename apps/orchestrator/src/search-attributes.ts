import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes operators filter runs by (`dococr runs list`, the Web UI). They are never encrypted, so they
 * hold no PII: codes, flags and a salted hash of MerchantUserId. Registered on the embedded dev server at start.
 */
export const SA = {
  kind: defineSearchAttributeKey('DococrKind', SearchAttributeType.KEYWORD),
  docType: defineSearchAttributeKey('DococrDocType', SearchAttributeType.KEYWORD),
  sceneCode: defineSearchAttributeKey('DococrSceneCode', SearchAttributeType.KEYWORD),
  subCode: defineSearchAttributeKey('DococrSubCode', SearchAttributeType.KEYWORD),
  passed: defineSearchAttributeKey('DococrPassed', SearchAttributeType.KEYWORD),
  decision: defineSearchAttributeKey('DococrDecision', SearchAttributeType.KEYWORD),
  userHash: defineSearchAttributeKey('DococrUserHash', SearchAttributeType.KEYWORD),
} as const;

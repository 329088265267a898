import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../audit/index.js';
import {
  findRetentionDue,
  parseRetentionPeriod,
  recordLegalHold,
  recordRelationshipEnd,
  retentionExpiry,
} from './retention-records.js';

describe('retention records', () => {
  it('counts calendar years from the end of the relationship, and seconds when asked', () => {
    expect(retentionExpiry('2020-02-29T12:00:00.000Z', { years: 5 }).toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(retentionExpiry('2026-01-01T00:00:00.000Z', { seconds: 90 }).toISOString()).toBe('2026-01-01T00:01:30.000Z');
    expect(parseRetentionPeriod('5y')).toEqual({ years: 5 });
    expect(parseRetentionPeriod('2d')).toEqual({ seconds: 172_800 });
    expect(() => parseRetentionPeriod('0y')).toThrow(RangeError);
    expect(() => parseRetentionPeriod('5 years')).toThrow(RangeError);
  });

  it('lists expired applications as due, held ones apart, and forgets a released hold', async () => {
    const audit = new SqliteAuditStore({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'retention-')) });
    const actor = 'test';
    for (const [applicationId, endedAt] of [
      ['old', '2020-01-01T00:00:00Z'],
      ['heldOld', '2020-01-01T00:00:00Z'],
      ['young', '2024-01-01T00:00:00Z'],
    ] as const) {
      await recordRelationshipEnd(audit, { applicationId, endedAt, actor });
    }
    await audit.append({
      applicationId: 'open',
      eventId: 'x',
      step: 'received',
      startedAt: new Date().toISOString(),
      actor,
      outcome: 'passed',
    });
    await recordLegalHold(audit, { applicationId: 'heldOld', reason: 'court order', actor, release: false });
    // A re-verification of `old` follows it; one of `heldOld` is held with it.
    for (const [copy, original] of [
      ['oldR1', 'old'],
      ['heldOldR1', 'heldOld'],
    ] as const) {
      const startedAt = new Date().toISOString();
      const link = { eventId: 'link', step: 'reverifies', startedAt, actor, outcome: 'recorded' };
      await audit.append({ ...link, applicationId: copy, data: { originalApplicationId: original } });
    }
    const due = await findRetentionDue(audit, { asOf: '2026-11-26T00:00:00Z', period: { years: 5 } });
    expect(due.due.map((d) => d.applicationId)).toEqual(['old', 'oldR1']);
    expect(due.held.map((d) => d.applicationId)).toEqual(['heldOld', 'heldOldR1']);
    expect(due.held[0]).toEqual({
      applicationId: 'heldOld',
      relationshipEndedAt: '2020-01-01T00:00:00.000Z',
      expiredAt: '2025-01-01T00:00:00.000Z',
      reason: 'court order',
    });
    await recordLegalHold(audit, { applicationId: 'heldOld', reason: 'lifted', actor, release: true });
    const after = await findRetentionDue(audit, { asOf: '2026-11-26T00:00:00Z', period: { years: 5 } });
    expect(after.due.map((d) => d.applicationId)).toEqual(['heldOld', 'heldOldR1', 'old', 'oldR1']);
    await audit.close();
  });
});

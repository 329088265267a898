import { randomUUID } from 'node:crypto';
import type { AuditStore } from '@dococr/temporal-activities';

/**
 * Records a read of an application's personal data (fields read from a document, or its images) outside the
 * workflow: who, when, through what, and why. Reads through the codec endpoint are recorded by the codec server.
 */
export async function recordPiiAccess(
  audit: AuditStore,
  access: { applicationId: string; actor: string; via: 'cli' | 'gateway' | 'bundle'; reason: string; what: string[] },
): Promise<void> {
  const now = new Date().toISOString();
  await audit.append({
    applicationId: access.applicationId,
    eventId: `pii-access:${randomUUID()}`,
    step: 'pii-access',
    startedAt: now,
    endedAt: now,
    actor: access.actor,
    outcome: 'read',
    reasons: [access.reason],
    data: { via: access.via, what: access.what },
  });
}

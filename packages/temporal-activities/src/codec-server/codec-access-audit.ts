import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuditStore } from '../audit/audit-types.js';
import type { CodecAccess } from './codec-handler.js';

export interface CodecAccessAuditOptions {
  auditStore: AuditStore;
  /** Who is asking, from the authorised request (token name, OIDC subject, …). */
  actorOf(request: IncomingMessage): string;
  /** Default: `codec-endpoint`. */
  engineVersion?: string;
}

/**
 * An `onAccess` for `createCodecHandler` that appends one `pii-access` event to the chain of every application whose
 * data key was used (key ids `app:<applicationId>`), so each read of an application's data through the Web UI is in
 * its audit trail: who, when, decode or encode, how many payloads. Payloads under the master key belong to no
 * application and are not recorded. A failing append fails the request, so nothing is shown unaudited.
 */
export function auditCodecAccess(options: CodecAccessAuditOptions): (access: CodecAccess) => Promise<void> {
  return async (access) => {
    const actor = options.actorOf(access.request);
    const now = new Date().toISOString();
    const applicationIds = access.keyIds.filter((id) => id.startsWith('app:')).map((id) => id.slice('app:'.length));
    for (const applicationId of applicationIds) {
      await options.auditStore.append({
        applicationId,
        eventId: `pii-access:${randomUUID()}`,
        step: 'pii-access',
        startedAt: now,
        endedAt: now,
        actor,
        engineVersion: options.engineVersion ?? 'codec-endpoint',
        outcome: access.operation === 'decode' ? 'read' : 'written',
        reasons: [],
        data: {
          via: 'codec-endpoint',
          operation: access.operation,
          namespace: access.namespace ?? null,
          payloads: access.payloadCount,
        },
      });
    }
  };
}

import type { BlobStore } from '../blob-store/blob-store-types.js';
import type { KeyStore } from '../crypto/key-store.js';
import type { AuditEvent, AuditStore } from './audit-types.js';

export interface EraseApplicationDeps {
  keyStore: KeyStore;
  blobStore: BlobStore;
  auditStore: AuditStore;
}

export interface EraseApplicationRequest {
  applicationId: string;
  /** The legal reason, recorded in the erasure event (e.g. `GDPR Art. 17 request 2026-118`). */
  reason: string;
  /** Who ordered it: `cli:<user>`, `retention-workflow`, … */
  actor: string;
  /** Idempotency key of the erasure event. Default `erasure:<applicationId>`: an application is erased once. */
  eventId?: string;
  workflowId?: string;
  runId?: string;
}

export interface ErasureReport {
  applicationId: string;
  dataKeyDestroyedAt: string;
  blobsDeleted: number;
  event: AuditEvent;
}

/**
 * Erases an application: destroys its data key first (from then on its blobs and every payload encrypted for it,
 * in Temporal's history and backups alike, are unreadable), deletes its blob files, and appends the erasure to its
 * audit chain, which still verifies because the events hold digests, not values. Safe to retry: each step is
 * idempotent, and the event is written once.
 */
export async function eraseApplication(
  deps: EraseApplicationDeps,
  request: EraseApplicationRequest,
): Promise<ErasureReport> {
  const destruction = await deps.keyStore.destroyDataKey(request.applicationId);
  const blobsDeleted = await deps.blobStore.deleteApplication(request.applicationId);
  const event = await deps.auditStore.recordErasure(request.applicationId, request.reason, request.actor, {
    eventId: request.eventId ?? `erasure:${request.applicationId}`,
    workflowId: request.workflowId,
    runId: request.runId,
    data: { dataKeyDestroyedAt: destruction.destroyedAt, dataKeyExisted: destruction.existed, blobsDeleted },
  });
  return { applicationId: request.applicationId, dataKeyDestroyedAt: destruction.destroyedAt, blobsDeleted, event };
}

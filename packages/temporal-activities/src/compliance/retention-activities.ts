import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AuditStore } from '../audit/index.js';
import { eraseApplication } from '../audit/erase-application.js';
import type { BlobStore } from '../blob-store/index.js';
import type { KeyStore } from '../crypto/key-store.js';
import {
  findRetentionDue,
  retentionExpiry,
  effectiveRetentionState,
  type RetentionDue,
  type RetentionPeriod,
} from './retention-records.js';

export interface RetentionActivityDeps {
  audit: AuditStore;
  /**
   * Erasing destroys the data key and deletes the blobs, so it needs the whole key store and blob store. The worker's
   * deps carry them typed for their other steps; a worker given less fails `eraseForRetention` without retrying.
   */
  keyStore?: Partial<KeyStore> | undefined;
  blobs: Partial<BlobStore>;
}

function canErase(
  deps: RetentionActivityDeps,
): deps is RetentionActivityDeps & { keyStore: KeyStore; blobs: BlobStore } {
  return typeof deps.keyStore?.destroyDataKey === 'function' && typeof deps.blobs.deleteApplication === 'function';
}

export interface EraseForRetentionInput {
  applicationId: string;
  period: RetentionPeriod;
  /** The instant of the run, so the expiry is judged once for the whole run. */
  asOf: string;
}

export type EraseForRetentionResult =
  | { applicationId: string; status: 'erased'; relationshipEndedAt: string; blobsDeleted: number; eventSeq: number }
  | { applicationId: string; status: 'skipped'; reason: string };

export function createRetentionActivities(deps: RetentionActivityDeps) {
  return {
    /** The applications past retention at `asOf`, and those past it but held. */
    async findRetentionDue(input: { asOf: string; period: RetentionPeriod }): Promise<RetentionDue> {
      return findRetentionDue(deps.audit, input);
    },

    /**
     * Erases one application whose retention ended. Its state is read again first: a hold placed, or a newer
     * relationship end recorded, since the run listed it wins over the list.
     */
    async eraseForRetention(input: EraseForRetentionInput): Promise<EraseForRetentionResult> {
      if (!canErase(deps)) {
        throw ApplicationFailure.create({
          type: 'ErasureUnavailable',
          message: 'this worker was given no key store or blob store that can erase',
          nonRetryable: true,
        });
      }
      const { applicationId } = input;
      const state = await effectiveRetentionState(deps.audit, applicationId);
      if (state.hold) return { applicationId, status: 'skipped', reason: `legal hold: ${state.hold.reason}` };
      if (!state.relationshipEndedAt) return { applicationId, status: 'skipped', reason: 'relationship not ended' };
      const expiry = retentionExpiry(state.relationshipEndedAt, input.period);
      if (expiry > new Date(input.asOf)) {
        return { applicationId, status: 'skipped', reason: `retained until ${expiry.toISOString()}` };
      }
      const info = Context.current().info;
      const period = 'years' in input.period ? `${input.period.years} years` : `${input.period.seconds} seconds`;
      const report = await eraseApplication(
        { keyStore: deps.keyStore, blobStore: deps.blobs, auditStore: deps.audit },
        {
          applicationId,
          reason:
            `retention period (${period} after the relationship ended ${state.relationshipEndedAt}) elapsed ` +
            `${expiry.toISOString()}; record-keeping obligation fulfilled, erased under GDPR Art. 17(1)(a)`,
          actor: `workflow:${info.workflowType}`,
          ...(info.workflowExecution
            ? { workflowId: info.workflowExecution.workflowId, runId: info.workflowExecution.runId }
            : {}),
        },
      );
      return {
        applicationId,
        status: 'erased',
        relationshipEndedAt: state.relationshipEndedAt,
        blobsDeleted: report.blobsDeleted,
        eventSeq: report.event.seq,
      };
    },
  };
}

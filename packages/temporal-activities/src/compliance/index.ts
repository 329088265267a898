export {
  createRetentionActivities,
  type EraseForRetentionInput,
  type EraseForRetentionResult,
  type RetentionActivityDeps,
} from './retention-activities.js';
export {
  DEFAULT_RETENTION_PERIOD,
  RETENTION_AUDIT_CHAIN,
  RetentionStep,
  effectiveRetentionState,
  findRetentionDue,
  parseRetentionPeriod,
  recordLegalHold,
  recordRelationshipEnd,
  retentionExpiry,
  retentionStateOf,
  type RetentionDue,
  type RetentionPeriod,
  type RetentionState,
} from './retention-records.js';

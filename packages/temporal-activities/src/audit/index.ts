export { InvalidAuditEventError } from './audit-errors.js';
export { parseJsonLines, toCsv, toJsonLines } from './audit-export.js';
export {
  AuditOutcome,
  type AuditEvent,
  type AuditEventInput,
  type AuditStore,
  type ChainHead,
  type ChainVerification,
  type ErasureOptions,
} from './audit-types.js';
export { canonicalJson, type JsonObject, type JsonValue } from './canonical-json.js';
export { digestOf, keyedDigestOf, saltedHash } from './digest.js';
export {
  eraseApplication,
  type EraseApplicationDeps,
  type EraseApplicationRequest,
  type ErasureReport,
} from './erase-application.js';
export { GENESIS_HASH, chainEvent, hashEvent, normalizeAuditInput, verifyChain } from './hash-chain.js';
export { PostgresAuditStore, type PostgresAuditStoreOptions } from './postgres-audit-store.js';
export { SqliteAuditStore, type SqliteAuditStoreOptions } from './sqlite-audit-store.js';

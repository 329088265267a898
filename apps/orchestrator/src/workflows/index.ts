export * from './doc-ocr.js';
// Only workflows and their message definitions: every function exported here is registered as a workflow type.
export { kyc, kycDecideUpdate, kycStatusQuery } from './kyc.js';
export { batch, batchProgressQuery } from './batch.js';
export { retention } from './retention.js';

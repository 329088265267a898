export * from './doc-ocr.js';
export * from './kyc.js';
export * from './batch.js';

export * from './activities/index.js';
export * from './plugin/index.js';
export * from './crypto/index.js';
export * from './blob-store/index.js';
export * from './audit/index.js';
export * from './codec-server/index.js';
export * from './compliance/index.js';

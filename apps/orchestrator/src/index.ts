export * from './config.js';
export * from './logger.js';
export * from './local-services.js';
export * from './stack.js';
export * from './worker.js';
export * from './search-attributes.js';
export * from './temporal/dev-server.js';
export * from './temporal/temporal-binary.js';
export type * from './workflows/doc-ocr.js';

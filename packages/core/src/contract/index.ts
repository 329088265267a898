export * from './doc-types.js';
export * from './errors.js';
export * from './image-requirements.js';
export * from './request.js';
export * from './ext-id-info.js';
export * from './response.js';
export * from './effective-checks.js';
export * from './doc-ocr-client.js';

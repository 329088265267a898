export * from './doc-ocr.js';

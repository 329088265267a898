export * from './contract/index.js';
export * from './rules/index.js';
export * from './client/index.js';
export * from './net/index.js';

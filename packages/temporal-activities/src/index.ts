export * from './activities/index.js';
export * from './plugin/index.js';

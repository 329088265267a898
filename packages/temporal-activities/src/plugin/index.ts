export * from './dococr-plugin.js';

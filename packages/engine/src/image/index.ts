export * from './load-image.js';

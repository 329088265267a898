export * from './acs3-signature.js';

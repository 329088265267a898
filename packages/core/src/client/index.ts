export * from './acs3-signature.js';
export * from './http-transport.js';
export * from './alibaba-client.js';

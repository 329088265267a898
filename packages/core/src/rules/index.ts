export * from './rule-error.js';
export * from './check-digits.js';
export * from './dates.js';
export * from './cn-resident-id.js';
export * from './hkid.js';
export * from './macao-id.js';
export * from './permit-number.js';

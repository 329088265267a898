export * from './activity-types.js';
export * from './failures.js';
export * from './image-activities.js';
export * from './create-activities.js';
export * from './audited-step.js';
export * from './event-activities.js';
export * from './recognise-activities.js';

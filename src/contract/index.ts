export * from './errors.js';
export * from './config.js';
export * from './merge-rules.js';
export * from './segment-message.js';
export * from './metric-result.js';

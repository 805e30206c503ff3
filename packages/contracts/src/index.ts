export * from './access.js';
export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './errors.js';
export * from './practices.js';
export * from './setup.js';
export * from './staff.js';

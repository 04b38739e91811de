export * from './escape';
export * from './client';
export * from './migrate';
export * from './tables';

export * from './infra';
export * from './wait';
export * from './events';
export * from './issued-secrets';

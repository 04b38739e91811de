export * from './infra';
export * from './wait';
export * from './events';
export * from './migrated-database';
export * from './prefixed-server-kafka';
export * from './private-kafka';
export * from './issued-secrets';

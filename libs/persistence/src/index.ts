export * from './prisma-adapter';
export * from './prisma-config-url';
export * from './outbox-relay';
export * from './prisma-outbox-store';
export * from './throwaway-database';

export * from './prisma-adapter';
export * from './prisma-config-url';
export * from './outbox-relay';

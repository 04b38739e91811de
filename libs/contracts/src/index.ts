import 'reflect-metadata';
export * from './topics';
export * from './event-types';
export * from './envelope';
export * from './domain';
export * from './rpc';
export * from './events/campaign/campaign.v1';
export * from './events/click/click-recorded.v1';
export * from './events/conversion/conversion.v1';

// @funnel/contracts decorates its DTOs with class-transformer, which needs the metadata polyfill loaded first.
import 'reflect-metadata';

export * from './roles';
export * from './jwt';
export * from './principal';
export * from './secrets';

export * from './load-config';
export * from './env';
export * from './trusted-proxies';

export * from './kafka';
export * from './producer';
export * from './consumer';
export * from './outcome';
export * from './rpc-transport';
export * from './hosted-consumer';
export * from './rpc-server';
export * from './cluster-probe';

export * from './imaging-net';
export * from './tabular-net';
export * from './vitals-net';
export * from './seeded-initializers';
export * from './attention-fusion-params';
export * from './attention-fusion-forward';
export * from './attention-fusion-json';

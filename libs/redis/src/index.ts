export * from './keys';
export * from './case-store.types';
export * from './case-store';
export * from './redis-url';
export * from './redis-config';
export * from './redis-connection';
export * from './errors/case-state.error';
export * from './errors/corrupt-case-data.error';

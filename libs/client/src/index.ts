export * from './api-error';
export * from './late-fusion-client';
export * from './retry-after';
export * from './sse-parser';
export * from './progress-bar';

export * from './modality';
export * from './case-request.schema';
export * from './score-record';
export * from './model-manifest.schema';
export * from './queues';
export * from './modality-registry';
export * from './job-options';
export * from './strict-base64';

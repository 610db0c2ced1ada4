export * from './modality';
export * from './case-request.schema';
export * from './score-record';
export * from './model-manifest.schema';

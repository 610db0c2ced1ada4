export * from './free-port';
export * from './redis-server';
export * from './redis-sentinel';
export * from './redis-cluster';
export * from './launch-app';
export * from './launch-system';
export * from './dcmjs-dicom';
export * from './fhir-validators';

/** Nest injection tokens. Explicit tokens everywhere: tsx (esbuild) emits no decorator metadata. */
export const CASE_SUBMISSION = Symbol('CASE_SUBMISSION');
export const CASE_READER = Symbol('CASE_READER');
export const GATEWAY_METRICS = Symbol('GATEWAY_METRICS');
export const READINESS = Symbol('READINESS');
export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

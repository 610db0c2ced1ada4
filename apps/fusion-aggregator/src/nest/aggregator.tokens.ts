/** Injection tokens (explicit: tsx/esbuild emits no decorator metadata). */
export const CASE_FINALIZER = Symbol('CaseFinalizer');
export const AGGREGATOR_BULL_CONFIG_KEY = 'fusion-aggregator';

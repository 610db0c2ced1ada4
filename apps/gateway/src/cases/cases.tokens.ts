/** Nest injection tokens of the case routes (explicit: tsx emits no decorator metadata). */
export const CASE_RESULTS = Symbol('CASE_RESULTS');
export const CASE_ROUTE_OPTIONS = Symbol('CASE_ROUTE_OPTIONS');

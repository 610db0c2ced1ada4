export const SAMPLER = Symbol('dashboard sampler');
export const JOB_READER = Symbol('job reader');
export const DASHBOARD_METRICS = Symbol('dashboard metrics');
export const READINESS = Symbol('readiness');
export const ASSETS = Symbol('static assets');
export const SSE_HUB = Symbol('sse hub');
export const AUTH = Symbol('auth');
export const HISTORY_LIMITS = Symbol('history limits');

import { newTraceId } from '@lf/observability';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace id of a W3C `traceparent` header when the caller sent a valid one (so a hospital's trace
 * continues through the queue), else a fresh one. An all-zero trace id is invalid per the spec.
 */
export function traceIdFrom(traceparent: string | string[] | undefined): string {
  if (typeof traceparent === 'string') {
    const match = TRACEPARENT.exec(traceparent.trim());
    if (match && !/^0+$/.test(match[1])) return match[1];
  }
  return newTraceId();
}

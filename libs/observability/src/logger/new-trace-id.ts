import { randomBytes } from 'node:crypto';

/** A W3C trace-context trace id (32 lower-case hex digits), so traces can later join OpenTelemetry. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

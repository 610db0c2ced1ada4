import { createLogger, type Logger } from '@lf/observability';

/** A debug-level JSON logger writing into an array, so tests can assert on (and search) every line. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ app: 'test', level: 'debug', sink: (l) => lines.push(l) }), lines };
}

import type { Logger } from '../logger/json-logger';

export interface ExitOnSignalsOptions {
  /** Logged (with the signal and the timeout) when shutdown starts, and 'stopped' when it ends; omit when `shutdown` logs itself. */
  announce?: string;
  /** Exit 1 if shutdown has not finished by then. */
  timeoutMs?: number;
  /** For tests: where signals come from and how the process ends. */
  process?: Pick<NodeJS.Process, 'once'> & { exit(code: number): void };
}

/**
 * SIGTERM (Kubernetes, `npm start`'s Ctrl-C) or SIGINT: run `shutdown` once, then exit 0; exit 1 if it fails
 * or outlasts `timeoutMs`. The one graceful-stop policy of every app's main.
 */
export function exitOnSignals(shutdown: (signal: NodeJS.Signals) => Promise<void>, logger: Logger, options: ExitOnSignalsOptions = {}): void {
  const proc = options.process ?? process;
  const stop = (signal: NodeJS.Signals) => {
    if (options.announce) logger.info(options.announce, { signal, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    if (options.timeoutMs !== undefined) {
      const timer = setTimeout(() => {
        logger.error('shutdown timed out; exiting');
        proc.exit(1);
      }, options.timeoutMs);
      timer.unref();
    }
    shutdown(signal).then(
      () => {
        if (options.announce) logger.info('stopped');
        proc.exit(0);
      },
      (err: Error) => {
        logger.error('shutdown failed', { err });
        proc.exit(1);
      },
    );
  };
  proc.once('SIGTERM', stop);
  proc.once('SIGINT', stop);
}

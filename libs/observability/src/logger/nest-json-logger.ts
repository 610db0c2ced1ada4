import type { LoggerService } from '@nestjs/common';
import type { Logger } from './json-logger';

/**
 * Routes NestJS's own log calls (module init, BullMQ explorer warnings) through the JSON logger so an app
 * writes one format. Nest passes the context as the last string parameter; anything that is not a string
 * message is dropped rather than serialized (see redact-log-fields.ts).
 */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.logger.info(text(message), context(params));
  }
  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(text(message), context(params));
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(text(message), context(params));
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug(text(message), context(params));
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.debug(text(message), context(params));
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.logger.error(text(message), context(params));
  }
}

function text(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  return '[non-text log message omitted]';
}

function context(params: unknown[]): { context?: string } {
  const last = params[params.length - 1];
  return typeof last === 'string' ? { context: last } : {};
}

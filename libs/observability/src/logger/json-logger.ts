import { isLevelEnabled, type LogLevel } from './log-level';
import { redactLogFields } from './redact-log-fields';
import { sharedStdoutSink } from './buffered-line-sink';

/** Structured fields of one event. Values are redacted and flattened before writing (redact-log-fields.ts). */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `bindings` (e.g. caseId, traceId, jobId of one job). */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  app: string;
  level?: LogLevel;
  /** Receives one JSON document per event, without the newline. Default: stdout, in batches (buffered-line-sink.ts). */
  sink?: (line: string) => void;
  clock?: () => Date;
}

const RESERVED = new Set(['time', 'level', 'app', 'msg']);


class JsonLogger implements Logger {
  constructor(
    private readonly options: Required<LoggerOptions>,
    private readonly bindings: LogFields,
  ) {}

  get level(): LogLevel {
    return this.options.level;
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  child(bindings: LogFields): Logger {
    return new JsonLogger(this.options, { ...this.bindings, ...bindings });
  }

  private write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (!isLevelEnabled(this.options.level, level)) return;
    const safe = redactLogFields({ ...this.bindings, ...fields });
    const line: Record<string, unknown> = {
      time: this.options.clock().toISOString(),
      level,
      app: this.options.app,
      msg: typeof msg === 'string' ? msg : String(msg),
    };
    for (const [key, value] of Object.entries(safe)) if (!RESERVED.has(key)) line[key] = value;
    try {
      this.options.sink(JSON.stringify(line));
    } catch {
      // A logger must never take the process down (EPIPE on a closed stdout, a throwing test sink).
    }
  }
}

/** One JSON line per event: `{time, level, app, msg, ...fields}`; fields pass the PHI redaction. */
export function createLogger(options: LoggerOptions): Logger {
  return new JsonLogger(
    { level: 'info', clock: () => new Date(), ...options, sink: options.sink ?? sharedStdoutSink() },
    {},
  );
}

// Public API of @lf/observability: JSON logs with PHI redaction, Prometheus metrics, health/metrics server,
// boot-time config validation. Infra lib shared by every app.

export { LOG_LEVELS, isLevelEnabled, type LogLevel } from './logger/log-level';
export {
  redactLogFields,
  isDeniedLogKey,
  DENIED_LOG_KEYS,
  REDACTED,
  OMITTED_OBJECT,
  OMITTED_ARRAY,
  type SafeLogValue,
} from './logger/redact-log-fields';
export { createLogger, type Logger, type LoggerOptions, type LogFields } from './logger/json-logger';
export { bufferedLineSink, sharedStdoutSink, type BufferedLineSink, type BufferedLineSinkOptions } from './logger/buffered-line-sink';
export { NestJsonLogger } from './logger/nest-json-logger';
export { newTraceId } from './logger/new-trace-id';

export {
  assertMetricName,
  assertLabelNames,
  metricNameProblem,
  labelNameProblem,
  COUNT_GAUGE_SUFFIXES,
  type MetricKind,
} from './metrics/metric-name';
export {
  parseExposition,
  expositionProblems,
  registryProblems,
  type ExposedFamily,
  type ExposedSample,
  type ExpositionCheckOptions,
} from './metrics/check-exposition';
export {
  createMetrics,
  LATENCY_BUCKETS_SECONDS,
  BATCH_SIZE_BUCKETS,
  type Metrics,
  type MetricsOptions,
  type MetricSpec,
  type HistogramSpec,
} from './metrics/create-metrics';

export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops/start-ops-server';

export { ConfigError } from './config/config-error';
export { parseEnv, collectConfigProblems, type Env } from './config/parse-env';
export { envFields, type IntFieldOptions } from './config/env-fields';
export * from './throttled';
export { configOrExit, EXIT_CONFIG } from './process/config-or-exit';
export { exitOnSignals, type ExitOnSignalsOptions } from './process/exit-on-signals';
export { tuneHeapGrowth } from './process/tune-heap-growth';

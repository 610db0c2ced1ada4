/**
 * The naming scheme (Prometheus conventions, one prefix for the whole system; docs/metrics.md has the full
 * scheme and the table of every metric):
 * - every metric starts with `lf_`, snake_case;
 * - counters end in `_total`;
 * - histograms and gauges that measure something name the base unit: `_seconds`, `_bytes`, `_items`, `_ratio`;
 *   gauges may instead be `_info` (a constant 1 carrying labels, e.g. the loaded model version) or a count
 *   of things named in the plural (`lf_queue_jobs`, `lf_pending_cases`, `lf_queue_workers`, ...);
 * - label names are snake_case and bounded: never a case, job, trace or patient id (one series per case
 *   would grow without bound); `app` is set on every series by the registry itself.
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

const UNIT = /_(seconds|bytes|items|ratio)$/;
/** Plural nouns a count gauge may end in (the thing counted is its unit). */
export const COUNT_GAUGE_SUFFIXES = ['jobs', 'cases', 'models', 'workers', 'clients'] as const;
const COUNT = new RegExp(`_(info|${COUNT_GAUGE_SUFFIXES.join('|')})$`);
/** Label names that would carry an unbounded id. */
const UNBOUNDED_LABEL = /(^|_)(case|job|trace|request|patient|subject|span)(_(id|ref))?$/;
/** Set by the registry on every series (createMetrics), or by Prometheus at scrape time. */
const RESERVED_LABELS = new Set(['app', 'job', 'instance']);

export function assertMetricName(kind: MetricKind, name: string): void {
  const problem = metricNameProblem(kind, name);
  if (problem) throw new Error(`metric '${name}': ${problem}`);
}

/** What is wrong with a metric name for its kind, or undefined when it follows the scheme. */
export function metricNameProblem(kind: MetricKind, name: string): string | undefined {
  if (!/^lf_[a-z][a-z0-9_]*[a-z0-9]$/.test(name) || name.includes('__')) return "must be snake_case with the 'lf_' prefix";
  switch (kind) {
    case 'counter':
      return name.endsWith('_total') ? undefined : "a counter must end in '_total'";
    case 'histogram':
      return UNIT.test(name) ? undefined : 'a histogram must end in its unit (_seconds, _bytes, _items, _ratio)';
    case 'gauge':
      return UNIT.test(name) || COUNT.test(name)
        ? undefined
        : `a gauge must end in its unit (_seconds, _bytes, _items, _ratio), _info, or a plural count (${COUNT_GAUGE_SUFFIXES.map((s) => `_${s}`).join(', ')})`;
  }
}

export function assertLabelNames(metric: string, labelNames: readonly string[]): void {
  for (const label of labelNames) {
    const problem = labelNameProblem(label);
    if (problem) throw new Error(`metric '${metric}', label '${label}': ${problem}`);
  }
}

/** What is wrong with a label name a metric declares, or undefined. */
export function labelNameProblem(label: string): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(label) || label.endsWith('_') || label.includes('__')) return 'a label name must be snake_case';
  if (RESERVED_LABELS.has(label)) return `'${label}' is set by the registry or by Prometheus`;
  if (UNBOUNDED_LABEL.test(label)) return 'an id label has unbounded cardinality (one series per case/job/trace); log it instead';
  return undefined;
}

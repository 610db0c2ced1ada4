/**
 * The naming scheme (Prometheus conventions, one prefix for the whole system):
 * - every metric starts with `lf_`, snake_case;
 * - counters end in `_total`;
 * - histograms and gauges that measure something name the base unit: `_seconds`, `_bytes`, `_items`, `_ratio`;
 *   gauges may instead be `_info` (a constant 1 carrying labels, e.g. the loaded model version) or a count
 *   of things named in the plural (`lf_..._jobs`).
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

const UNIT = /_(seconds|bytes|items|ratio)$/;

export function assertMetricName(kind: MetricKind, name: string): void {
  const problem = metricNameProblem(kind, name);
  if (problem) throw new Error(`metric '${name}': ${problem}`);
}

function metricNameProblem(kind: MetricKind, name: string): string | undefined {
  if (!/^lf_[a-z][a-z0-9_]*[a-z0-9]$/.test(name)) return "must be snake_case with the 'lf_' prefix";
  switch (kind) {
    case 'counter':
      return name.endsWith('_total') ? undefined : "a counter must end in '_total'";
    case 'histogram':
      return UNIT.test(name) ? undefined : 'a histogram must end in its unit (_seconds, _bytes, _items, _ratio)';
    case 'gauge':
      return UNIT.test(name) || /_(info|jobs|cases|models)$/.test(name)
        ? undefined
        : 'a gauge must end in its unit (_seconds, _bytes, _items, _ratio), _info, or a plural count (_jobs, _cases, _models)';
  }
}

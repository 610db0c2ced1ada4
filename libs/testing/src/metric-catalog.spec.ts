import { catalogCoversApp, parseMetricCatalog, promqlProblems, scanPromQL } from './metric-catalog';

const DOC = `
| metric | type | labels | app | meaning |
|---|---|---|---|---|
| \`lf_queue_jobs\` | gauge | \`queue\`, \`state\` | dashboard | Jobs per queue and state. |
| \`lf_case_latency_seconds\` | histogram | \`cause\` | fusion-aggregator | Submit to final. |
| \`lf_score_outcomes_total\` | counter | \`modality\`, \`outcome\` | \`*-worker\` | What recording a score did. |
| \`lf_rate_limit_errors_total\` | counter | — | gateway | Fail-open checks. |
`;

describe('metric catalog (docs/metrics.md)', () => {
  const catalog = parseMetricCatalog(DOC);

  it('reads the table rows: name, type, labels, apps', () => {
    expect([...catalog.keys()]).toEqual(['lf_queue_jobs', 'lf_case_latency_seconds', 'lf_score_outcomes_total', 'lf_rate_limit_errors_total']);
    expect(catalog.get('lf_queue_jobs')).toMatchObject({ type: 'gauge', labels: ['queue', 'state'], apps: ['dashboard'] });
    expect(catalog.get('lf_rate_limit_errors_total')!.labels).toEqual([]);
    expect(catalogCoversApp(catalog.get('lf_score_outcomes_total')!, 'imaging-worker')).toBe(true);
    expect(catalogCoversApp(catalog.get('lf_score_outcomes_total')!, 'gateway')).toBe(false);
    expect(() => parseMetricCatalog('| `lf_x_total` | summary | — | gateway | x |')).toThrow(/type 'summary'/);
    expect(() => parseMetricCatalog('| `lf_x_total` | counter | — | gateway | x |\n| `lf_x_total` | counter | — | gateway | x |')).toThrow(/twice/);
  });

  it('scans PromQL: selectors with their matcher labels, grouping labels; skips strings, ranges, functions', () => {
    const scan = scanPromQL(
      'histogram_quantile(0.99, sum by (le, cause) (rate(lf_case_latency_seconds_bucket{cause="deadline", app=~"fus.*"}[$__rate_interval]))) > 1 # slow\n' +
        'and on (cause) max without (instance) (lf_queue_jobs{queue=~"$queue"} offset 5m)',
    );
    expect(scan.selectors).toEqual([
      { metric: 'lf_case_latency_seconds_bucket', labels: ['cause', 'app'] },
      { metric: 'lf_queue_jobs', labels: ['queue'] },
    ]);
    expect(scan.groupingLabels).toEqual(['le', 'cause', 'cause', 'instance']);
  });

  it('accepts queries over catalogued metrics and reports every unbacked name or label', () => {
    expect(promqlProblems('sum by (queue) (max by (queue, state) (lf_queue_jobs{state="waiting"})) > 500', catalog)).toEqual([]);
    expect(promqlProblems('histogram_quantile(0.5, sum by (le) (rate(lf_case_latency_seconds_bucket[5m])))', catalog)).toEqual([]);
    expect(promqlProblems('up{job="gateway"} == 0', catalog)).toEqual([]);
    expect(promqlProblems('lf_queue_workers_items > 0', catalog)).toEqual(["unknown metric 'lf_queue_workers_items' (not in docs/metrics.md)"]);
    expect(promqlProblems('lf_queue_jobs{status="waiting"}', catalog)).toEqual(["'lf_queue_jobs' has no label 'status'"]);
    expect(promqlProblems('sum by (modality) (lf_queue_jobs)', catalog)).toEqual(["grouping by 'modality', which none of its metrics has"]);
    expect(promqlProblems('rate(lf_case_latency_seconds[5m])', catalog)).toEqual(["histogram 'lf_case_latency_seconds' is used without _bucket, _sum or _count"]);
    expect(promqlProblems('lf_queue_jobs_bucket', catalog)).toEqual(["unknown metric 'lf_queue_jobs_bucket' (not in docs/metrics.md)"]);
    expect(promqlProblems('{__name__="lf_nope"}', catalog)).toEqual(["unknown metric 'lf_nope' (not in docs/metrics.md)"]);
    expect(promqlProblems('vector(1)', catalog)).toEqual(['uses no metric']);
  });
});

import { assertMetricName, labelNameProblem } from './metric-name';
import { createMetrics } from './create-metrics';
import { expositionProblems, parseExposition, registryProblems } from './check-exposition';

describe('metrics naming scheme', () => {
  it('accepts lf_ names with units, _total counters, _info and plural-count gauges', () => {
    expect(() => assertMetricName('counter', 'lf_jobs_processed_total')).not.toThrow();
    expect(() => assertMetricName('histogram', 'lf_model_inference_seconds')).not.toThrow();
    expect(() => assertMetricName('gauge', 'lf_model_loaded_info')).not.toThrow();
    expect(() => assertMetricName('gauge', 'lf_queue_workers')).not.toThrow();
    expect(() => assertMetricName('gauge', 'lf_redis_connected_clients')).not.toThrow();
  });

  it('rejects names without prefix, suffix or unit', () => {
    expect(() => assertMetricName('counter', 'jobs_total')).toThrow(/lf_/);
    expect(() => assertMetricName('counter', 'lf_Jobs_total')).toThrow(/snake_case/);
    expect(() => assertMetricName('counter', 'lf_jobs__total')).toThrow(/snake_case/);
    expect(() => assertMetricName('counter', 'lf_jobs')).toThrow(/_total/);
    expect(() => assertMetricName('histogram', 'lf_inference_time')).toThrow(/unit/);
    expect(() => assertMetricName('gauge', 'lf_queue_workers_total')).toThrow(/gauge must end/);
    expect(() => assertMetricName('gauge', 'lf_queue_depth')).toThrow(/_workers/);
  });

  it('rejects label names that are not snake_case, are reserved, or carry an id', () => {
    expect(labelNameProblem('modality')).toBeUndefined();
    expect(labelNameProblem('model_version')).toBeUndefined();
    expect(labelNameProblem('requested')).toBeUndefined();
    expect(labelNameProblem('modelVersion')).toMatch(/snake_case/);
    expect(labelNameProblem('app')).toMatch(/registry/);
    expect(labelNameProblem('instance')).toMatch(/Prometheus/);
    for (const id of ['case_id', 'case', 'trace_id', 'job_id', 'patient_ref']) expect(labelNameProblem(id)).toMatch(/unbounded/);
    const metrics = createMetrics('x', { defaultMetrics: false });
    expect(() => metrics.counter({ name: 'lf_cases_total', help: 'h', labelNames: ['case_id'] })).toThrow(/'lf_cases_total', label 'case_id'/);
  });

  it('keeps each app in its own registry', async () => {
    const a = createMetrics('a', { defaultMetrics: false });
    const b = createMetrics('b', { defaultMetrics: false });
    a.counter({ name: 'lf_scores_published_total', help: 'h', labelNames: ['modality', 'status'] }).inc({ modality: 'imaging', status: 'ok' });
    expect(await a.registry.metrics()).toContain('lf_scores_published_total{modality="imaging",status="ok",app="a"} 1');
    expect(await b.registry.metrics()).not.toContain('modality="imaging"');
  });
});

describe('the scheme over a whole registry', () => {
  it('passes a registry built with the factories, default process metrics included', async () => {
    const m = createMetrics('ok-app');
    m.histogram({ name: 'lf_case_latency_seconds', help: 'h', labelNames: ['cause'] }).observe({ cause: 'deadline' }, 0.2);
    m.gauge({ name: 'lf_queue_jobs', help: 'h', labelNames: ['queue', 'state'] }).set({ queue: 'imaging', state: 'waiting' }, 3);
    expect(await registryProblems(m.registry)).toEqual([]);
  });

  it('fails a metric registered past the factories, an id in a label value, and unbounded series', async () => {
    const m = createMetrics('bad-app', { defaultMetrics: false });
    const { Counter, Gauge } = await import('prom-client');
    new Gauge({ name: 'queue_depth', help: 'h', registers: [m.registry] }).set(1);
    new Gauge({ name: 'lf_workers_now', help: 'h', registers: [m.registry] }).set(1);
    new Counter({ name: 'lf_things_total', help: 'h', labelNames: ['caseId'], registers: [m.registry] });
    const byKey = m.counter({ name: 'lf_results_total', help: 'h', labelNames: ['key'] });
    byKey.inc({ key: '0190a5c4-7d3e-7b1a-9c2f-1234567890ab' });
    const problems = await registryProblems(m.registry, { maxSeriesPerFamily: 3 });
    expect(problems).toEqual(
      expect.arrayContaining([
        "metric 'queue_depth': not in the lf_ scheme and not a default process metric",
        expect.stringMatching(/^metric 'lf_workers_now': a gauge must end/),
        "metric 'lf_things_total', label 'caseId': a label name must be snake_case",
        "metric 'lf_results_total', label 'key': a value looks like an id (unbounded cardinality)",
      ]),
    );
    for (let i = 0; i < 4; i++) byKey.inc({ key: `k${i}` });
    expect(await registryProblems(m.registry, { maxSeriesPerFamily: 3 })).toContain("metric 'lf_results_total': 5 series (more than 3): a label is unbounded");
    // The offending value itself is never repeated in a problem (it may be patient-linked).
    expect(problems.join('\n')).not.toContain('0190a5c4');
  });

  it('parses the text format: escaped label values, histogram samples under their family, +Inf', () => {
    const text = [
      '# HELP lf_x_seconds h',
      '# TYPE lf_x_seconds histogram',
      'lf_x_seconds_bucket{le="0.5",route="/a \\"b\\"",app="g"} 1',
      'lf_x_seconds_bucket{le="+Inf",route="/a \\"b\\"",app="g"} 2',
      'lf_x_seconds_sum{route="/a \\"b\\"",app="g"} 0.75',
      'lf_x_seconds_count{route="/a \\"b\\"",app="g"} 2',
      '# TYPE lf_up_info gauge',
      'lf_up_info 1',
    ].join('\n');
    const families = parseExposition(text);
    expect([...families.keys()]).toEqual(['lf_x_seconds', 'lf_up_info']);
    const x = families.get('lf_x_seconds')!;
    expect(x.type).toBe('histogram');
    expect(x.samples).toHaveLength(4);
    expect(x.samples[0].labels).toEqual({ le: '0.5', route: '/a "b"', app: 'g' });
    expect(x.samples[1].labels['le']).toBe('+Inf');
    expect(expositionProblems(text)).toEqual(["metric 'lf_up_info': a series without the app label"]);
    expect(() => parseExposition('lf_x{a="b} 1')).toThrow(/unterminated/);
  });
});

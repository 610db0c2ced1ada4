import { assertMetricName } from './metric-name';
import { createMetrics } from './create-metrics';

describe('metrics naming scheme', () => {
  it('accepts lf_ names with units and _total counters', () => {
    expect(() => assertMetricName('counter', 'lf_jobs_processed_total')).not.toThrow();
    expect(() => assertMetricName('histogram', 'lf_model_inference_seconds')).not.toThrow();
    expect(() => assertMetricName('gauge', 'lf_model_loaded_info')).not.toThrow();
  });

  it('rejects names without prefix, suffix or unit', () => {
    expect(() => assertMetricName('counter', 'jobs_total')).toThrow(/lf_/);
    expect(() => assertMetricName('counter', 'lf_jobs')).toThrow(/_total/);
    expect(() => assertMetricName('histogram', 'lf_inference_time')).toThrow(/unit/);
  });

  it('keeps each app in its own registry', async () => {
    const a = createMetrics('a', { defaultMetrics: false });
    const b = createMetrics('b', { defaultMetrics: false });
    a.scoresPublished.inc({ modality: 'imaging', status: 'ok' });
    expect(await a.registry.metrics()).toContain('lf_scores_published_total{modality="imaging",status="ok",app="a"} 1');
    expect(await b.registry.metrics()).not.toContain('modality="imaging"');
  });
});

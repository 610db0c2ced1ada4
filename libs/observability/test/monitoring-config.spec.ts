/**
 * The monitoring config in docker/ against the metric catalog (docs/metrics.md): the catalog follows the naming
 * scheme; Prometheus scrapes every app; every alert rule and every Grafana panel queries only catalogued
 * metrics and labels; and, with promtool on the PATH (Debian package `prometheus`, installed by .ci/run),
 * the files pass `promtool check` and the alert rules pass their unit tests (alerts.test.yml).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { promqlProblems, readMetricCatalog, scanPromQL, SYSTEM_APPS, WORKSPACE_ROOT } from '@lf/testing';
import { labelNameProblem, metricNameProblem } from '../src';

const file = (...parts: string[]) => join(WORKSPACE_ROOT, ...parts);
const yamlFile = (...parts: string[]) => parse(readFileSync(file(...parts), 'utf8')) as Record<string, unknown>;
const catalog = readMetricCatalog();

const PORTS: Record<string, number> = {
  gateway: 3000,
  dashboard: 3001,
  'imaging-worker': 3011,
  'tabular-worker': 3012,
  'vitals-worker': 3013,
  'fusion-aggregator': 3014,
  'webhook-dispatcher': 3015,
};

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (yamlFile('docker', 'prometheus', 'alerts.yml')['groups'] as Array<{ name: string; rules: AlertRule[] }>).flatMap((g) => g.rules);

interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Array<{ refId: string; expr?: string; datasource?: { uid: string } }>;
}
const dashboard = JSON.parse(readFileSync(file('docker', 'grafana', 'dashboards', 'late-fusion.json'), 'utf8')) as {
  uid: string;
  panels: GrafanaPanel[];
  templating: { list: Array<{ name: string; query: { query: string } | string; datasource: { uid: string } }> };
};
const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
const grafanaExprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));

describe('the metric catalog (docs/metrics.md)', () => {
  it('lists every metric once, each named and labelled by the scheme, for known apps', () => {
    expect(catalog.size).toBeGreaterThan(40);
    const apps = new Set<string>([...SYSTEM_APPS, '*-worker']);
    for (const m of catalog.values()) {
      expect({ metric: m.name, problem: metricNameProblem(m.type, m.name) }).toEqual({ metric: m.name, problem: undefined });
      for (const label of m.labels) expect({ metric: m.name, label, problem: labelNameProblem(label) }).toEqual({ metric: m.name, label, problem: undefined });
      expect(m.apps.length).toBeGreaterThan(0);
      for (const app of m.apps) expect({ metric: m.name, app, known: apps.has(app) }).toEqual({ metric: m.name, app, known: true });
      expect(m.meaning.length).toBeGreaterThan(10);
    }
  });

  it('has what issue 5 asks for: queue gauges, case latency, finalizations by cause and status, late scores, inference time by model version', () => {
    expect(catalog.get('lf_queue_jobs')).toMatchObject({ type: 'gauge', labels: ['queue', 'state'] });
    expect(catalog.get('lf_queue_workers')).toMatchObject({ type: 'gauge', labels: ['queue'] });
    expect(catalog.get('lf_case_latency_seconds')).toMatchObject({ type: 'histogram', labels: ['cause'] });
    expect(catalog.get('lf_cases_finalized_total')).toMatchObject({ type: 'counter', labels: ['cause', 'status'] });
    expect(catalog.get('lf_score_outcomes_total')).toMatchObject({ type: 'counter', labels: ['modality', 'outcome'] });
    expect(catalog.get('lf_model_inference_seconds')).toMatchObject({ type: 'histogram', labels: expect.arrayContaining(['modality', 'model_version']) });
    expect(catalog.get('lf_case_deadline_slack_seconds')).toMatchObject({ type: 'histogram', labels: ['cause'] });
  });
});

describe('Prometheus scrape config', () => {
  const config = yamlFile('docker', 'prometheus', 'prometheus.yml') as {
    rule_files: string[];
    scrape_configs: Array<{ job_name: string; metrics_path: string; dns_sd_configs: Array<{ names: string[]; port: number }>; relabel_configs: Array<{ target_label: string; replacement: string }> }>;
  };

  it('scrapes every app by its compose service name and port at /metrics, labelled system="late-fusion"', () => {
    expect(config.rule_files).toEqual(['alerts.yml']);
    expect(config.scrape_configs.map((j) => j.job_name).sort()).toEqual([...SYSTEM_APPS].sort());
    for (const job of config.scrape_configs) {
      expect({ job: job.job_name, path: job.metrics_path, targets: job.dns_sd_configs }).toEqual({
        job: job.job_name,
        path: '/metrics',
        targets: [expect.objectContaining({ names: [job.job_name], port: PORTS[job.job_name] })],
      });
      expect(job.relabel_configs).toContainEqual({ target_label: 'system', replacement: 'late-fusion' });
    }
  });

  it('documents the Kubernetes variant (pod annotations, app name as the job)', () => {
    const text = readFileSync(file('docker', 'prometheus', 'prometheus.yml'), 'utf8');
    expect(text).toMatch(/#\s+kubernetes_sd_configs:/);
    expect(text).toContain('prometheus.io/scrape');
    expect(text).toMatch(/#\s+target_label: job/);
  });
});

describe('alert rules', () => {
  it('are the alerts the issue asks for, plus app down', () => {
    const names = new Set(rules.map((r) => r.alert));
    for (const name of ['LFAppDown', 'LFQueueBacklogGrowing', 'LFDegradedShareHigh', 'LFQueueNoWorkers', 'LFRedisMemoryHigh', 'LFDeadlineSlackHigh']) {
      expect({ name, present: names.has(name) }).toEqual({ name, present: true });
    }
  });

  it('each has a for:, a severity, a summary and a description', () => {
    for (const r of rules) {
      expect({ alert: r.alert, for: r.for }).toEqual({ alert: expect.stringMatching(/^LF[A-Za-z]+$/), for: expect.stringMatching(/^\d+[smh]$/) });
      expect({ alert: r.alert, severity: r.labels?.['severity'] }).toEqual({ alert: r.alert, severity: expect.stringMatching(/^(warning|critical)$/) });
      expect({ alert: r.alert, summary: r.annotations?.['summary'], description: r.annotations?.['description'] }).toEqual({
        alert: r.alert,
        summary: expect.any(String),
        description: expect.stringMatching(/.{80,}/s),
      });
    }
  });

  it('query only metrics and labels from the catalog', () => {
    for (const r of rules) expect({ alert: r.alert, problems: promqlProblems(r.expr, catalog) }).toEqual({ alert: r.alert, problems: [] });
  });

  it('deadline slack watches the deadline-closed cases, backlog growth a 10-minute slope above a floor', () => {
    const expr = (name: string) => rules.filter((r) => r.alert === name).map((r) => r.expr.replace(/\s+/g, ' '));
    expect(expr('LFDeadlineSlackHigh')[0]).toContain('histogram_quantile(0.99, sum by (le) (rate(lf_case_deadline_slack_seconds_bucket{cause="deadline"}');
    expect(expr('LFQueueBacklogGrowing')[0]).toMatch(/deriv\(lf_queue_jobs\{[^}]*\}\[10m\]\)/);
    expect(expr('LFQueueBacklogGrowing')[0]).toMatch(/> 500/);
    expect(expr('LFRedisMemoryHigh').map((e) => /> (0\.\d+)$/.exec(e)?.[1])).toEqual(['0.8', '0.9']);
  });
});

describe('Grafana dashboard', () => {
  it('parses, with unique panel ids, every panel placed and querying the provisioned datasource', () => {
    expect(dashboard.uid).toBe('late-fusion');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(queryPanels.length).toBeGreaterThanOrEqual(25);
    for (const p of dashboard.panels) expect({ title: p.title, gridPos: p.gridPos }).toEqual({ title: p.title, gridPos: expect.objectContaining({ h: expect.any(Number), w: expect.any(Number) }) });
    for (const p of queryPanels) {
      expect({ panel: p.title, hasQuery: (p.targets ?? []).length > 0 }).toEqual({ panel: p.title, hasQuery: true });
      for (const t of p.targets ?? []) {
        expect({ panel: p.title, expr: t.expr?.trim() ? 'set' : 'empty', ds: t.datasource?.uid ?? p.datasource?.uid }).toEqual({ panel: p.title, expr: 'set', ds: 'lf-prometheus' });
      }
    }
  });

  it('every query uses only metrics and labels from the catalog', () => {
    for (const { panel, expr } of grafanaExprs) expect({ panel, expr, problems: promqlProblems(expr, catalog) }).toEqual({ panel, expr, problems: [] });
    for (const v of dashboard.templating.list) {
      const query = typeof v.query === 'string' ? v.query : v.query.query;
      const [, metric, label] = /^label_values\((\w+),\s*(\w+)\)$/.exec(query) ?? [];
      expect({ variable: v.name, label: catalog.get(metric ?? '')?.labels.includes(label ?? '') }).toEqual({ variable: v.name, label: true });
    }
  });

  it('has the web dashboard\'s panels: queue states, throughput, times, workers; fusion; Redis', () => {
    const used = new Set(grafanaExprs.flatMap(({ expr }) => scanPromQL(expr).selectors.map((s) => s.metric.replace(/_(bucket|sum|count)$/, ''))));
    for (const metric of [
      'lf_queue_jobs',
      'lf_queue_last_minute_jobs',
      'lf_queue_wait_seconds',
      'lf_queue_processing_seconds',
      'lf_queue_workers',
      'lf_queue_oldest_waiting_seconds',
      'lf_cases_finalized_total',
      'lf_score_outcomes_total',
      'lf_case_modality_replies_total',
      'lf_modality_reply_seconds',
      'lf_case_deadline_slack_seconds',
      'lf_case_latency_seconds',
      'lf_model_inference_seconds',
      'lf_redis_memory_used_bytes',
      'lf_redis_maxmemory_bytes',
      'lf_redis_commands_processed_total',
      'lf_redis_connected_clients',
    ]) {
      expect({ metric, used: used.has(metric) }).toEqual({ metric, used: true });
    }
    const queueStates = grafanaExprs.flatMap(({ expr }) => [...expr.matchAll(/lf_queue_jobs\{state="(\w+)"/g)].map((m) => m[1]));
    expect(new Set(queueStates)).toEqual(new Set(['waiting', 'active', 'delayed', 'failed']));
  });

  it('is provisioned: the datasource uid it uses, and the folder it is mounted in', () => {
    const datasource = (yamlFile('docker', 'grafana', 'provisioning', 'datasources', 'prometheus.yaml')['datasources'] as Array<Record<string, unknown>>)[0];
    expect(datasource).toMatchObject({ uid: 'lf-prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
    const provider = (yamlFile('docker', 'grafana', 'provisioning', 'dashboards', 'late-fusion.yaml')['providers'] as Array<Record<string, unknown>>)[0];
    expect(provider).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
  });
});

// promtool is Prometheus's own checker; CI installs it (.ci/run), a developer machine may not have it.
const promtool = spawnSync('promtool', ['--version']).status === 0;
const requirePromtool = process.env['CI'] === 'true';
(promtool || requirePromtool ? describe : describe.skip)('promtool (Prometheus\'s own checks)', () => {
  const run = (...args: string[]) => execFileSync('promtool', args, { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: 'pipe' });

  it('is installed (CI)', () => {
    expect(promtool).toBe(true);
  });

  it('accepts the scrape config and the alert rules', () => {
    expect(run('check', 'config', 'docker/prometheus/prometheus.yml')).toContain('SUCCESS');
    expect(run('check', 'rules', 'docker/prometheus/alerts.yml')).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('passes the alert rules\' unit tests (each alert fires on its case and not on the look-alike)', () => {
    expect(run('test', 'rules', 'docker/prometheus/alerts.test.yml')).toContain('SUCCESS');
  });

  it('parses every Grafana query as PromQL (Grafana variables substituted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-grafana-promql-'));
    try {
      const rulesFile = join(dir, 'grafana-queries.yml');
      const groups = [
        {
          name: 'grafana',
          rules: grafanaExprs.map(({ expr }, i) => ({ record: `lf:grafana_query_${i}`, expr: expr.replace(/\$__rate_interval/g, '1m').replace(/\$queue/g, '.*') })),
        },
      ];
      writeFileSync(rulesFile, JSON.stringify({ groups }));
      expect(run('check', 'rules', rulesFile)).toContain(`SUCCESS: ${grafanaExprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

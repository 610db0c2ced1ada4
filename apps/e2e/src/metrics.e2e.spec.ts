/**
 * Every app's /metrics against the naming scheme and the catalog (docs/metrics.md), with the whole system
 * running as separate processes and cases flowing: three fused when all modalities reply, one closed by its
 * deadline while the vitals worker is frozen (SIGSTOP), whose vitals score then arrives late. A metric that
 * breaks the scheme, carries an id in a label, or is missing from (or absent but listed in) the catalog fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCohort } from '@lf/cohort';
import { expositionProblems, parseExposition, type ExposedFamily } from '@lf/observability';
import { catalogCoversApp, readMetricCatalog, SYSTEM_APPS, WORKSPACE_ROOT, type SystemAppName } from '@lf/testing';
import { startSystemFixture, type SystemFixture } from './support/system-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('metrics, end to end: every app follows the naming scheme and the catalog', () => {
  let fx: SystemFixture;
  const scrapes = {} as Record<SystemAppName, Map<string, ExposedFamily>>;
  const texts = {} as Record<SystemAppName, string>;
  const catalog = readMetricCatalog();

  const scrape = async (app: SystemAppName) => {
    const url = fx.system.specs[app].readyUrl.replace('/health/ready', '/metrics');
    const text = await (await fetch(url)).text();
    return { text, families: parseExposition(text) };
  };
  /** Sum of a family's samples (by sample name) whose labels include `labels`. */
  const value = (app: SystemAppName, sample: string, labels: Record<string, string> = {}) => {
    const family = scrapes[app].get(sample.replace(/_(bucket|sum|count)$/, '')) ?? scrapes[app].get(sample);
    return (family?.samples ?? [])
      .filter((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  };

  beforeAll(async () => {
    fx = await startSystemFixture({ only: SYSTEM_APPS, env: { dashboard: { LF_DASHBOARD_SAMPLE_MS: '250' } } });

    const cases = [...generateCohort({ seed: 4242, n: 4, naturalMissingness: false })];
    const complete = await Promise.all(cases.slice(0, 3).map(async (c) => String((await fx.submit({ ...c.request, deadlineMs: 30_000 })).body['caseId'])));
    for (const id of complete) expect((await fx.waitForFinal(id)).result!.completedBy).toBe('all-replied');

    const vitals = fx.system.apps['vitals-worker']!;
    vitals.signal('SIGSTOP');
    let lateCase: string;
    try {
      lateCase = String((await fx.submit({ ...cases[3].request, deadlineMs: 1000 })).body['caseId']);
      expect((await fx.waitForFinal(lateCase, 10_000)).result!.completedBy).toBe('deadline');
    } finally {
      vitals.signal('SIGCONT');
    }
    for (const deadline = Date.now() + 10_000; ; await sleep(50)) {
      if (((await fx.get(lateCase)).body.result?.late ?? []).includes('vitals')) break;
      if (Date.now() > deadline) throw new Error('the vitals score never arrived late');
    }
    // The dashboard samples every 250 ms: wait until it has seen the finalizations and every queue's workers.
    for (const deadline = Date.now() + 10_000; ; await sleep(100)) {
      const { families } = await scrape('dashboard');
      const workers = families.get('lf_queue_workers')?.samples ?? [];
      const seenAll = ['imaging', 'tabular', 'vitals', 'fusion', 'webhooks'].every((q) => workers.some((s) => s.labels['queue'] === q && s.value >= 1));
      // (The late vitals job completes just after its score is recorded: wait for the sample that saw it.)
      const vitalsCompleted = families.get('lf_queue_jobs')?.samples.find((s) => s.labels['queue'] === 'vitals' && s.labels['state'] === 'completed')?.value;
      if (seenAll && vitalsCompleted === 4 && (families.get('lf_pending_cases')?.samples[0]?.value ?? 1) === 0) break;
      if (Date.now() > deadline) throw new Error('the dashboard did not sample the system in time');
    }
    for (const app of SYSTEM_APPS) {
      const { text, families } = await scrape(app);
      texts[app] = text;
      scrapes[app] = families;
    }
  }, 120_000);
  afterAll(() => fx?.stop());

  it('every app\'s whole scrape follows the scheme: lf_ names with units, snake_case bounded labels, no ids in label values', () => {
    for (const app of SYSTEM_APPS) expect({ app, problems: expositionProblems(texts[app]) }).toEqual({ app, problems: [] });
  });

  it('each app exposes exactly the lf_ metrics the catalog gives it, of the catalogued type, with the catalogued labels', () => {
    for (const app of SYSTEM_APPS) {
      const exposed = [...scrapes[app].keys()].filter((name) => name.startsWith('lf_')).sort();
      const listed = [...catalog.values()].filter((m) => catalogCoversApp(m, app)).map((m) => m.name).sort();
      expect({ app, exposed }).toEqual({ app, exposed: listed });
      for (const name of exposed) {
        const family = scrapes[app].get(name)!;
        const entry = catalog.get(name)!;
        expect({ app, name, type: family.type }).toEqual({ app, name, type: entry.type });
        const seen = new Set(family.samples.flatMap((s) => Object.keys(s.labels)).filter((l) => l !== 'app' && l !== 'le'));
        // Only series that exist show their labels: each one seen must be catalogued (and all of them, once any is).
        if (family.samples.length > 0) expect({ app, name, labels: [...seen].sort() }).toEqual({ app, name, labels: [...entry.labels].sort() });
      }
    }
  });

  it('the metrics moved with what happened: submissions, finalizations by cause, slack, replies, a late score, inference per version, queues', () => {
    expect(value('gateway', 'lf_cases_submitted_total', { tenant: 'tenant-a' })).toBe(4);
    expect(value('fusion-aggregator', 'lf_cases_finalized_total', { cause: 'all-replied', status: 'complete' })).toBe(3);
    expect(value('fusion-aggregator', 'lf_cases_finalized_total', { cause: 'deadline', status: 'degraded' })).toBe(1);
    expect(value('fusion-aggregator', 'lf_case_latency_seconds_count')).toBe(4);
    expect(value('fusion-aggregator', 'lf_case_deadline_slack_seconds_count', { cause: 'deadline' })).toBe(1);
    // Closed by its deadline: finalized at or after it (and well within a second on this machine).
    const slack = value('fusion-aggregator', 'lf_case_deadline_slack_seconds_sum', { cause: 'deadline' });
    expect(slack).toBeGreaterThanOrEqual(0);
    expect(slack).toBeLessThan(1);
    expect(value('fusion-aggregator', 'lf_case_deadline_slack_seconds_sum', { cause: 'all-replied' })).toBeLessThan(0);
    expect(value('fusion-aggregator', 'lf_case_modality_replies_total', { modality: 'vitals', reply: 'missing' })).toBe(1);
    expect(value('fusion-aggregator', 'lf_case_modality_replies_total', { modality: 'vitals', reply: 'ok' })).toBe(3);

    expect(value('vitals-worker', 'lf_score_outcomes_total', { modality: 'vitals', outcome: 'late' })).toBe(1);
    expect(value('vitals-worker', 'lf_modality_reply_seconds_count', { modality: 'vitals' })).toBe(3);
    for (const modality of ['imaging', 'tabular', 'vitals'] as const) {
      const manifest = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'models', modality, '1.0.0', 'manifest.json'), 'utf8')) as { version: string };
      const app = `${modality}-worker` as SystemAppName;
      expect(value(app, 'lf_model_loaded_info', { modality, model_version: manifest.version })).toBe(1);
      expect(value(app, 'lf_model_inference_seconds_count', { modality, model_version: manifest.version })).toBeGreaterThanOrEqual(1);
    }

    for (const queue of ['imaging', 'tabular', 'vitals', 'fusion', 'webhooks']) {
      expect(value('dashboard', 'lf_queue_workers', { queue })).toBeGreaterThanOrEqual(1);
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed']) {
        expect({ queue, state, exposed: scrapes.dashboard.get('lf_queue_jobs')!.samples.some((s) => s.labels['queue'] === queue && s.labels['state'] === state) }).toEqual({
          queue,
          state,
          exposed: true,
        });
      }
    }
    expect(value('dashboard', 'lf_queue_jobs', { queue: 'vitals', state: 'completed' })).toBe(4);
    expect(value('dashboard', 'lf_redis_commands_processed_total')).toBeGreaterThan(0);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lf/observability';
import { dashboardConfigFromEnv } from './dashboard.config';

const KEYS = { LF_DASHBOARD_KEYS: 'ops:dashboard-key-0000000001' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    dashboardConfigFromEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('dashboardConfigFromEnv', () => {
  it('has defaults: port 3001, the registry queues plus fusion and webhooks, thresholds', () => {
    const config = dashboardConfigFromEnv(KEYS);
    expect(config.port).toBe(3001);
    expect(config.host).toBe('127.0.0.1');
    expect(config.queues.map((q) => `${q.name}:${q.kind}:${q.enabled}`)).toEqual(['imaging:modality:true', 'tabular:modality:true', 'vitals:modality:true', 'fusion:fusion:true', 'webhooks:webhooks:true']);
    expect(config.thresholds).toEqual({ maxBacklog: 1000, maxOldestWaitSeconds: 30, minWorkers: 1, maxFailedPerMinute: 10, maxDegradedShare: 0.2, maxDeadlineSlackMs: 1000, maxMemoryRatio: 0.8 });
    expect(config.sampleMs).toBe(2000);
    expect(config.historyPointMs).toBe(5000);
    expect(config.historyMinutes).toBe(60);
    expect(config.keys.static).toEqual([{ id: 'dashboard/ops', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('reads thresholds and follows the modality registry (a disabled modality stays visible)', () => {
    const config = dashboardConfigFromEnv({
      ...KEYS,
      LF_DASHBOARD_PORT: '4001',
      LF_DASHBOARD_MAX_BACKLOG: '50',
      LF_DASHBOARD_MAX_OLDEST_WAIT_SECONDS: '2.5',
      LF_DASHBOARD_MAX_DEGRADED_SHARE: '0.5',
      LF_MODALITIES_DISABLED: 'vitals',
    });
    expect(config.port).toBe(4001);
    expect(config.thresholds.maxBacklog).toBe(50);
    expect(config.thresholds.maxOldestWaitSeconds).toBe(2.5);
    expect(config.thresholds.maxDegradedShare).toBe(0.5);
    expect(config.queues.find((q) => q.name === 'vitals')?.enabled).toBe(false);
  });

  it('names every bad variable at once, without echoing values', () => {
    const problems = problemsOf({ ...KEYS, LF_DASHBOARD_PORT: 'x-secret', LF_DASHBOARD_MAX_DEGRADED_SHARE: '2', LF_DASHBOARD_SAMPLE_MS: '10', REDIS_URL: 'ftp://nope' });
    expect(problems.some((p) => p.startsWith('LF_DASHBOARD_PORT:'))).toBe(true);
    expect(problems).toContain('LF_DASHBOARD_MAX_DEGRADED_SHARE: must be <= 1');
    expect(problems).toContain('LF_DASHBOARD_SAMPLE_MS: must be >= 250');
    expect(problems.some((p) => p.startsWith('REDIS_URL:'))).toBe(true);
    expect(problems.join('\n')).not.toContain('x-secret');
  });

  it('needs a key source, and rejects short keys naming the entry but not the key', () => {
    expect(problemsOf({})[0]).toMatch(/^LF_DASHBOARD_KEYS \/ LF_TENANTS_FILE \/ LF_API_KEYS: missing \(required\)/);
    const problems = problemsOf({ LF_DASHBOARD_KEYS: 'ops:short-secret' });
    expect(problems).toEqual(['LF_DASHBOARD_KEYS entry 1 (ops): the key must be at least 16 characters']);
  });

  it('accepts LF_API_KEYS (every scope) when there is no tenants file', () => {
    const config = dashboardConfigFromEnv({ LF_API_KEYS: 'dev:lf-dev-local-key-not-secret' });
    expect(config.keys.static.map((k) => k.id)).toEqual(['dev/env-1']);
  });

  it('validates the tenants file at boot and warns when no key has dashboard:read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-dash-'));
    const good = join(dir, 'tenants.json');
    writeFileSync(good, JSON.stringify({ tenants: [{ id: 'north', keys: [{ id: 'k1', sha256: 'a'.repeat(64), scopes: ['cases:read'] }] }] }));
    const config = dashboardConfigFromEnv({ LF_TENANTS_FILE: good, LF_API_KEYS: 'dev:lf-dev-local-key-not-secret' });
    expect(config.keys.tenantsFile).toBe(good);
    expect(config.keys.static).toEqual([]); // the tenants file wins over LF_API_KEYS, as in the gateway
    expect(config.warnings[0]).toMatch(/no key with the dashboard:read scope/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tenants: [{ id: 'north', keys: [{ id: 'k1', sha256: 'nope', scopes: ['cases:read'] }] }] }));
    expect(problemsOf({ LF_TENANTS_FILE: bad })[0]).toMatch(/^LF_TENANTS_FILE \(.*bad\.json\): \$\.tenants\.0\.keys\.0\.sha256: /);
  });
});

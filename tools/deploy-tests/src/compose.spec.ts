// docker/compose.yaml checked without a Docker engine: valid against the Compose Specification schema (dclint);
// one service per app with .env.example's variables and the container overrides the apps need; Redis durable and
// non-evicting; every mounted file present; Prometheus scraping every app on its port, Grafana provisioned from
// the mounted folders.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { tenantsFileSchema } from '@lf/contracts';
import { parseRedisUrl } from '@lf/redis';
import { healthcheck } from './support/docker-scripts';
import { CLOSE_SECONDS, longestJobSeconds, readEnvExample, readRepoFile, readYaml, repoPath, SYSTEM_APPS, type SystemAppName } from './support/workspace';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  env_file?: string[];
  environment?: Record<string, string>;
  read_only?: boolean;
  tmpfs?: string[];
  user?: string;
  cap_drop?: string[];
  security_opt?: string[];
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }> | string[];
  secrets?: string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
}

const COMPOSE = 'docker/compose.yaml';
const compose = readYaml<Compose>(COMPOSE);
/** A path in compose.yaml, relative to its directory, as a repository path. */
const fromCompose = (path: string) => posix.normalize(posix.join(dirname(COMPOSE), path));
const envExample = readEnvExample();
const seconds = (duration: string) => {
  const match = /^(\d+)(s|m)$/.exec(duration);
  if (!match) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
};
/** host dir -> container path, for the bind mounts of a service. */
const binds = (service: Service) =>
  (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source.startsWith('.'))
    .map(([source, target]) => ({ source: fromCompose(source), target }));

describe('docker/compose.yaml', () => {
  it('validates against the Compose Specification (dclint, errors only)', () => {
    const bin = join(dirname(require.resolve('dclint/package.json')), 'bin', 'dclint.cjs');
    const result = spawnSync(process.execPath, [bin, '--quiet', '--color', 'false', repoPath(COMPOSE)], { encoding: 'utf8', timeout: 60_000 });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs every app of the system, plus Redis, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...SYSTEM_APPS, 'redis', 'prometheus', 'grafana'].sort());
  });

  it('Redis keeps an append-only file and never evicts', () => {
    const redis = compose.services['redis'];
    const command = (redis.command ?? []).join(' ');
    expect(command).toMatch(/--appendonly yes\b/);
    expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    expect(command).toMatch(/--maxmemory \d+[kmg]b\b/); // what the gateway's memory backpressure compares against
    expect(redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('every file it mounts or builds from exists', () => {
    const build = compose.services['gateway'].build!;
    expect(existsSync(repoPath(fromCompose(build.context), build.dockerfile))).toBe(true);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const file of service.env_file ?? []) expect({ name, file, exists: existsSync(repoPath(fromCompose(file))) }).toEqual({ name, file, exists: true });
      for (const { source } of binds(service)) expect({ name, source, exists: existsSync(repoPath(source)) }).toEqual({ name, source, exists: true });
    }
    for (const [name, secret] of Object.entries(compose.secrets ?? {})) expect({ name, exists: existsSync(repoPath(fromCompose(secret.file))) }).toEqual({ name, exists: true });
  });

  describe.each([...SYSTEM_APPS])('%s', (app: SystemAppName) => {
    const service = compose.services[app];
    /** What the app sees: .env.example (env_file), then the service's environment. */
    const env = (): Record<string, string> => ({ ...Object.fromEntries(envExample.active), ...service.environment });

    it('runs the one image with APP set to it, built from docker/Dockerfile', () => {
      expect(service.image).toBe(compose.services['gateway'].image);
      expect(service.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      expect(service.environment?.['APP']).toBe(app);
    });

    it("gets .env.example's variables, overriding only known ones", () => {
      expect(service.env_file).toEqual(['../.env.example']);
      const unknown = Object.keys(service.environment ?? {}).filter((k) => k !== 'APP' && !envExample.known.has(k));
      expect(unknown).toEqual([]);
    });

    it('reaches the Redis service and listens on all interfaces of its container', () => {
      const target = parseRedisUrl(env()['REDIS_URL']);
      expect(target).toMatchObject({ kind: 'standalone', host: 'redis', port: 6379 });
      const hostVariable = app === 'gateway' ? 'LF_GATEWAY_HOST' : app === 'dashboard' ? 'LF_DASHBOARD_HOST' : 'LF_OPS_HOST';
      expect(env()[hostVariable]).toBe('0.0.0.0');
      expect(healthcheck.appPort(app, env())).toBe(healthcheck.appPort(app, {}));
    });

    it('is hardened: read-only root, tmpfs /tmp, non-root, no capabilities, no privilege gain', () => {
      expect(service.read_only).toBe(true);
      expect(service.tmpfs?.some((t) => t.split(':')[0] === '/tmp')).toBe(true);
      expect(service.user).toBe('1000:1000');
      expect(service.cap_drop).toEqual(['ALL']);
      expect(service.security_opt).toContain('no-new-privileges:true');
    });

    it('waits for a healthy Redis and gets time to drain on stop', () => {
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
      const needed = longestJobSeconds(app, env()) + Number(env()['LF_SHUTDOWN_TIMEOUT_MS']) / 1000 + CLOSE_SECONDS;
      expect(seconds(service.stop_grace_period ?? '10s')).toBeGreaterThan(needed);
    });

    it('can authenticate callers: a valid tenants file mounted as a compose secret, or API keys', () => {
      const file = env()['LF_TENANTS_FILE'];
      if (!file) {
        expect(['gateway', 'dashboard', 'webhook-dispatcher']).not.toContain(app);
        return;
      }
      const secret = /^\/run\/secrets\/([^/]+)$/.exec(file)?.[1];
      expect(service.secrets).toContain(secret);
      const tenants = tenantsFileSchema.parse(JSON.parse(readRepoFile(fromCompose(compose.secrets![secret!].file))));
      // The dashboard signs in with keys that have the dashboard:read scope (LF_DASHBOARD_KEYS is empty).
      if (app === 'dashboard') expect(tenants.tenants.some((t) => t.keys.some((k) => k.scopes.includes('dashboard:read')))).toBe(true);
    });

    it('publishes the gateway and dashboard on loopback only; the others stay on the compose network', () => {
      const port = healthcheck.appPort(app, {});
      if (app === 'gateway' || app === 'dashboard') expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
      else expect({ ports: service.ports, expose: service.expose }).toEqual({ ports: undefined, expose: [String(port)] });
    });
  });
});

describe('docker/compose.yaml monitoring', () => {
  interface ScrapeJob {
    job_name: string;
    dns_sd_configs?: { names: string[]; port: number }[];
    static_configs?: { targets: string[] }[];
  }
  const prometheus = compose.services['prometheus'];
  const mountOf = (service: Service, containerPath: string) =>
    binds(service).find(({ target }) => containerPath === target || containerPath.startsWith(`${target}/`));
  const hostPath = (service: Service, containerPath: string) => {
    const mount = mountOf(service, containerPath);
    return mount && join(mount.source, posix.relative(mount.target, containerPath));
  };

  it('Prometheus loads a mounted config whose rule files are mounted too', () => {
    const configArg = (prometheus.command ?? []).find((c) => c.startsWith('--config.file='))!;
    const configPath = configArg.split('=')[1];
    const config = hostPath(prometheus, configPath);
    expect(config && existsSync(repoPath(config))).toBe(true);
    const rules = (readYaml<{ rule_files?: string[] }>(config!).rule_files ?? []).map((f) => posix.resolve(posix.dirname(configPath), f));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect({ rule, host: hostPath(prometheus, rule) && existsSync(repoPath(hostPath(prometheus, rule)!)) }).toEqual({ rule, host: true });
  });

  it.each([...SYSTEM_APPS])('Prometheus scrapes %s (its compose service, every replica) on its metrics port', (app) => {
    const config = readYaml<{ scrape_configs: ScrapeJob[] }>(hostPath(prometheus, '/etc/prometheus/prometheus.yml')!);
    const port = healthcheck.appPort(app, {});
    const targets = config.scrape_configs.flatMap((job) => [
      ...(job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}`)),
      ...(job.static_configs ?? []).flatMap((s) => s.targets),
    ]);
    expect(targets).toContain(`${app}:${port}`);
  });

  it('Grafana is provisioned from mounted folders: dashboards where its provider looks, the Prometheus service as datasource', () => {
    const grafana = compose.services['grafana'];
    const provisioning = hostPath(grafana, '/etc/grafana/provisioning');
    expect(provisioning && statSync(repoPath(provisioning)).isDirectory()).toBe(true);
    const providers = readdirSync(repoPath(provisioning!, 'dashboards')).flatMap(
      (f) => readYaml<{ providers: { options: { path: string } }[] }>(join(provisioning!, 'dashboards', f)).providers,
    );
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) {
      const dir = hostPath(grafana, provider.options.path);
      expect({ path: provider.options.path, mounted: dir !== undefined }).toEqual({ path: provider.options.path, mounted: true });
      expect(readdirSync(repoPath(dir!)).some((f) => f.endsWith('.json'))).toBe(true);
    }
    const datasources = readdirSync(repoPath(provisioning!, 'datasources')).flatMap(
      (f) => readYaml<{ datasources: { type: string; url: string }[] }>(join(provisioning!, 'datasources', f)).datasources,
    );
    for (const ds of datasources.filter((d) => d.type === 'prometheus')) expect(new URL(ds.url).host).toBe('prometheus:9090');
  });
});

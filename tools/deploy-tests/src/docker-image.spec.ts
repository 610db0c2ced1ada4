// docker/Dockerfile checked without a Docker engine: it lints; its stages are what docker/README.md says; every
// file each app loads at run time reaches the image (COPY + .dockerignore) and every package it loads is a
// production dependency; the entrypoint starts the apps the way `npm start` does; the HEALTHCHECK script asks
// the right port.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { validate } from 'dockerfile-utils';
import { copies, dockerignore, execForm, instructionsOf, readDockerfile, words, type Stage } from './support/dockerfile';
import { healthcheck } from './support/docker-scripts';
import { RUNTIME_TUNING } from '@lf/testing';
import { readEnvExample, readRepoFile, repoFileExists, repoPath, SYSTEM_APPS, WORKER_QUEUES, WORKSPACE_ROOT } from './support/workspace';

const { args, stages, text } = readDockerfile();
const runtime = stages[stages.length - 1];
const stage = (name: string): Stage => stages.find((s) => s.name === name)!;
const ignored = dockerignore();

/** Paths (files or directories, relative to the repository root) the runtime stage copies from the build context. */
const copiedFromContext = copies(runtime)
  .filter((c) => !c.from)
  .flatMap((c) => c.sources);
const inImage = (path: string) => !ignored.ignores(path) && copiedFromContext.some((src) => path === src || path.startsWith(`${src.replace(/\/$/, '')}/`));

describe('docker/Dockerfile', () => {
  it('lints clean (dockerfile-utils: unknown instructions, bad flags, malformed JSON forms)', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds production node_modules in one stage and runs from a clean second one', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'runtime']);
    for (const s of stages) expect(s.from).toBe('${NODE_IMAGE}');
    // Node 20 on Debian (glibc): onnxruntime-node's bundled CPU runtime does not load on musl (Alpine).
    expect(args['NODE_IMAGE']).toMatch(/^node:20(\.\d+){0,2}-(bookworm|bullseye|trixie)(-slim)?(@sha256:[0-9a-f]{64})?$/);
    const install = instructionsOf(stage('deps'), 'RUN').map((r) => words(r).join(' ')).join(' && ');
    expect(install).toMatch(/npm ci --omit=dev\b/);
    expect(copies(stage('deps')).flatMap((c) => c.sources)).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', '.npmrc']));
    expect(copies(runtime).filter((c) => c.from)).toEqual([{ stage: 'runtime', from: 'deps', sources: ['/app/node_modules'], destination: './node_modules' }]);
  });

  it('runs as a numeric non-root user, under tini, with a HEALTHCHECK and TMPDIR on /tmp', () => {
    const users = instructionsOf(runtime, 'USER').map((u) => words(u)[0]);
    expect(users).toEqual(['1000:1000']); // numeric, so Kubernetes' runAsNonRoot can verify it (k8s runAsUser: 1000)
    expect(instructionsOf(runtime, 'RUN').map((r) => words(r).join(' ')).join(' ')).toMatch(/apt-get install .*\btini\b/);
    const [entrypoint] = instructionsOf(runtime, 'ENTRYPOINT');
    expect(execForm(entrypoint)).toEqual(['/usr/bin/tini', '--', '/app/docker/entrypoint.sh']);
    const [check] = instructionsOf(runtime, 'HEALTHCHECK');
    expect(execForm(check)).toEqual(['node', '/app/docker/healthcheck.js']);
    const env = instructionsOf(runtime, 'ENV').flatMap(words).join(' ');
    expect(env).toContain('TMPDIR=/tmp');
    expect(env).toContain('LF_MODELS_DIR=/app/models');
    // The same malloc and V8 tuning as npm start and the e2e tests run with.
    for (const [name, value] of Object.entries(RUNTIME_TUNING)) expect(env).toContain(`${name}=${value.includes(' ') ? JSON.stringify(value) : value}`);
    expect(instructionsOf(runtime, 'WORKDIR').map((w) => words(w)[0])).toEqual(['/app']);
  });

  it('exposes every app port', () => {
    const exposed = instructionsOf(runtime, 'EXPOSE').flatMap(words).map(Number);
    for (const app of SYSTEM_APPS) expect(exposed).toContain(healthcheck.appPort(app, {}));
  });

  it('copies only files that exist and pass .dockerignore', () => {
    for (const s of stages) {
      for (const copy of copies(s).filter((c) => !c.from)) {
        for (const source of copy.sources) {
          expect({ source, exists: repoFileExists(source) }).toEqual({ source, exists: true });
          expect({ source, ignored: ignored.ignores(source) }).toEqual({ source, ignored: false });
        }
      }
    }
  });

  it('bakes in every model version (manifest and ONNX file)', () => {
    let versions = 0;
    for (const model of readdirSync(repoPath('models'))) {
      for (const version of readdirSync(repoPath('models', model))) {
        versions += 1;
        for (const file of ['manifest.json', 'model.onnx']) expect({ file: `models/${model}/${version}/${file}`, inImage: inImage(`models/${model}/${version}/${file}`) }).toMatchObject({ inImage: true });
      }
    }
    expect(versions).toBeGreaterThanOrEqual(4);
  });
});

describe('what each app loads at run time is in the image', () => {
  // The same esbuild that tsx (the image's loader) transforms TypeScript with, asked for the import graph.
  const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as typeof import('esbuild');
  const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  /** Installed by `npm ci --omit=dev`: in the lockfile and not marked dev-only. */
  const production = (pkg: string) => {
    const entry = lock.packages[`node_modules/${pkg}`];
    return entry !== undefined && !entry.dev && !entry.devOptional;
  };

  it.each([...SYSTEM_APPS])('%s: every source file, and every package as a production dependency', async (app) => {
    const result = await esbuild.build({
      entryPoints: [`apps/${app}/src/main.ts`],
      absWorkingDir: WORKSPACE_ROOT,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      target: 'node20',
      packages: 'external',
      tsconfig: 'tsconfig.json',
      logLevel: 'silent',
    });
    const files = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('<'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => !inImage(f))).toEqual([]);
    const packages = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (!imported.external || imported.path.startsWith('node:') || imported.path.startsWith('<')) continue;
        const parts = imported.path.split('/');
        packages.add(imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
      }
    }
    expect(packages.size).toBeGreaterThan(3);
    expect([...packages].filter((p) => !production(p)).sort()).toEqual([]);
  });

  it('tsx, which runs the TypeScript in the image, is a production dependency (npm ci --omit=dev installs it)', () => {
    expect(production('tsx')).toBe(true);
  });

  it('the files the apps read by path (not import) are in the image too', () => {
    // gateway: its version from package.json; dashboard: its page assets; every app: tsconfig paths for tsx.
    const read = ['package.json', 'tsconfig.json', 'tsconfig.base.json', ...readdirSync(repoPath('apps/dashboard/src/web')).map((f) => `apps/dashboard/src/web/${f}`)];
    expect(read.filter((f) => !inImage(f))).toEqual([]);
  });
});

describe('docker/entrypoint.sh', () => {
  const run = (env: Record<string, string>) =>
    spawnSync('sh', [repoPath('docker/entrypoint.sh')], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });

  it('refuses an unknown APP, listing exactly the apps of the system', () => {
    for (const app of ['', 'e2e', '../tools', 'nope']) {
      const result = run({ APP: app });
      expect({ app, status: result.status }).toEqual({ app, status: 64 });
      const listed = /one of: (.*)$/m.exec(result.stderr)?.[1].trim().split(/\s+/).sort();
      expect(listed).toEqual([...SYSTEM_APPS].sort());
    }
  });

  it('starts the app with tsx, as npm start does (the gateway refuses a bad port: its own config error, exit 78)', () => {
    const result = run({ APP: 'gateway', LF_GATEWAY_PORT: 'not-a-port', LF_API_KEYS: 'dev:0123456789abcdef0123' });
    expect(`${result.stdout}${result.stderr}`).toContain('LF_GATEWAY_PORT');
    expect(result.status).toBe(78);
  });
});

describe('docker/healthcheck.js', () => {
  it('knows every app of the system and nothing else', () => {
    expect(Object.keys(healthcheck.APP_PORTS).sort()).toEqual([...SYSTEM_APPS].sort());
  });

  it('uses the port variables and defaults the apps use', () => {
    const env = readEnvExample();
    for (const app of SYSTEM_APPS) {
      const [names, port] = healthcheck.APP_PORTS[app];
      for (const name of names) expect({ app, name, known: env.known.has(name) }).toEqual({ app, name, known: true });
      const configured = env.active.get(names[0]);
      if (configured !== undefined) expect({ app, port }).toEqual({ app, port: Number(configured) });
    }
    // The workers' defaults live in their modality definitions.
    for (const worker of WORKER_QUEUES.keys()) {
      const source = readFileSync(repoPath(`apps/${worker}/src/${worker.replace(/-worker$/, '')}.modality.ts`), 'utf8');
      expect({ worker, port: healthcheck.appPort(worker, {}) }).toEqual({ worker, port: Number(/defaultOpsPort:\s*(\d+)/.exec(source)?.[1]) });
    }
    // A worker's own variable wins over LF_OPS_PORT, which wins over the default; blank counts as unset.
    expect(healthcheck.appPort('imaging-worker', { LF_OPS_PORT: '4001' })).toBe(4001);
    expect(healthcheck.appPort('imaging-worker', { LF_OPS_PORT: '4001', LF_IMAGING_WORKER_OPS_PORT: '4002' })).toBe(4002);
    expect(healthcheck.appPort('gateway', { LF_GATEWAY_PORT: ' ' })).toBe(3000);
  });

  describe('as the HEALTHCHECK command', () => {
    let server: Server;
    let port: number;
    let status = 200;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === '/health/ready' ? status : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const check = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [repoPath('docker/healthcheck.js')], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });

    it('exits 0 when /health/ready answers 200, 1 on 503 or nothing listening, 2 for an unknown APP', async () => {
      status = 200;
      expect(await check({ APP: 'gateway', LF_GATEWAY_PORT: String(port) })).toBe(0);
      expect(await check({ APP: 'vitals-worker', LF_OPS_PORT: String(port) })).toBe(0);
      status = 503;
      expect(await check({ APP: 'dashboard', LF_DASHBOARD_PORT: String(port) })).toBe(1);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await check({ APP: 'fusion-aggregator', LF_AGGREGATOR_OPS_PORT: String(closedPort) })).toBe(1);
      expect(await check({ APP: 'nope' })).toBe(2);
    });
  });
});

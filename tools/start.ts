/**
 * `npm start`: the whole system on this machine as separate processes (gateway, three modality workers,
 * fusion aggregator, webhook dispatcher, dashboard) with prefixed, readable logs. Redis: REDIS_URL if set; else
 * 127.0.0.1:6379 if it answers; else a local redis-server with its data under .data/redis. Ctrl-C stops
 * everything cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { launchSystem, SYSTEM_APPS, WORKSPACE_ROOT, type RunningSystem } from '@lf/testing';
import { prettyLogLine } from './lib/pretty-log-line';

const DEV_API_KEY = 'lf-dev-local-key-not-secret';
const PORTS = { gateway: 3000, dashboard: 3001, 'imaging-worker': 3011, 'tabular-worker': 3012, 'vitals-worker': 3013, 'fusion-aggregator': 3014, 'webhook-dispatcher': 3015 } as const;

function redisAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      resolve(false);
      socket.destroy();
    });
  });
}

async function resolveRedis(): Promise<{ url: string; embedded?: ChildProcess; note: string }> {
  if (process.env['REDIS_URL']) return { url: process.env['REDIS_URL'], note: 'REDIS_URL' };
  if (await redisAnswers(6379)) return { url: 'redis://127.0.0.1:6379', note: 'the Redis already answering on 127.0.0.1:6379' };
  if (spawnSync('redis-server', ['--version']).error) {
    console.error(
      'No Redis: REDIS_URL is not set, nothing answers on 127.0.0.1:6379, and there is no `redis-server` to start.\n' +
        'Install Redis 7 (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) or set REDIS_URL.',
    );
    process.exit(1);
  }
  const dir = join(WORKSPACE_ROOT, '.data/redis');
  mkdirSync(dir, { recursive: true });
  const embedded = spawn('redis-server', ['--port', '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 50 && !(await redisAnswers(6379)); i++) await new Promise((r) => setTimeout(r, 100));
  return { url: 'redis://127.0.0.1:6379', embedded, note: `an embedded redis-server (data in ${dir})` };
}

async function main() {
  const redis = await resolveRedis();
  // A tenants file (LF_TENANTS_FILE, inherited by the gateway) replaces the development key.
  const apiKeys = process.env['LF_API_KEYS'] ?? (process.env['LF_TENANTS_FILE'] ? '' : `dev:${DEV_API_KEY}`);
  const width = Math.max(...SYSTEM_APPS.map((a) => a.length));
  console.log(`starting late-fusion with ${redis.note} ...`);
  let system: RunningSystem | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping (SIGTERM to every app, waiting for in-flight work) ...');
    await system?.stop();
    redis.embedded?.kill('SIGTERM');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    system = await launchSystem({
      redisUrl: redis.url,
      apiKeys,
      modelsDir: process.env['LF_MODELS_DIR'],
      ports: PORTS,
      only: SYSTEM_APPS, // the dashboard too (tests launch it only when they ask)
      // One audit line per request would drown the console while `npm run demo` polls; the Redis audit
      // stream still records every request (LF_AUDIT_LOG=true npm start to see them).
      env: { gateway: { LF_AUDIT_LOG: process.env['LF_AUDIT_LOG'] ?? 'false' } },
      onLine: (app, line) => process.stdout.write(`${app.padEnd(width)} | ${prettyLogLine(line)}\n`),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
    return;
  }
  for (const app of Object.values(system.apps)) {
    void app!.exited.then((code) => {
      if (!stopping) {
        console.error(`${app!.name} exited unexpectedly (${code}); stopping the system`);
        void shutdown(1);
      }
    });
  }
  console.log(
    [
      '',
      'late-fusion is up:',
      `  API                 http://127.0.0.1:${PORTS.gateway}   (POST /v1/cases, GET /v1/cases/{id})`,
      `  dashboard           http://127.0.0.1:${PORTS.dashboard}   (queue health; sign in with the API key below, or a dashboard:read key)`,
      ...SYSTEM_APPS.filter((a) => a !== 'gateway' && a !== 'dashboard').map((a) => `  ${a.padEnd(20)}http://127.0.0.1:${PORTS[a]}/metrics`),
      process.env['LF_TENANTS_FILE'] ? `  API keys            from LF_TENANTS_FILE (${process.env['LF_TENANTS_FILE']})` : process.env['LF_API_KEYS'] ? '  API keys            from LF_API_KEYS' : `  API key             ${DEV_API_KEY}   (development only: Authorization: Bearer ${DEV_API_KEY})`,
      '  try                 npm run demo',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

void main();

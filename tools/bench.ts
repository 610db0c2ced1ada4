/**
 * `npm run bench [-- --rate 100 --seconds 20 --concurrency 64 --warmup 5 --only fixed|saturation --url ... --key ...]`
 * against a running system (`npm start`). A warm-up at half `--rate` for `--warmup` seconds, not counted (freshly
 * started apps are still compiling their hot paths), then two phases (or the one `--only` names), each `--seconds` long:
 *   fixed rate  - open loop at `--rate` cases/s: submit-to-result latency p50/p95/p99 (server clock,
 *                 finalizedAt - submittedAt, so the client's own scheduling noise is excluded);
 *   saturation  - closed loop with `--concurrency` submitters: fused cases/s (finalizations per second of
 *                 wall time) and the same latency percentiles. A submitter refused with 503 (backpressure)
 *                 or 429 waits the Retry-After it was given, as a client should; refusals are counted.
 * Peak RSS per app comes from each app's /metrics (process_resident_memory_bytes), each app scraped every
 * 2 s, one app at a time (as Prometheus spreads its targets over the interval): a scrape costs its app ~1-3 ms
 * of CPU, and all of them at once stalled the pipeline ~30-60 ms every 2 s, a bench artefact in its p99.
 * CPU per case (`cpuMsPerCase`): each app's process_cpu_seconds_total, Redis' INFO cpu and this client's own
 * CPU over the phase (results collected included), divided by the cases submitted in it.
 * Writes reports/bench.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import Redis from 'ioredis';
import { generateCohort } from '@lf/cohort';
import { createHttpClient } from './lib/http-client';
import { percentile } from './lib/percentile';

const OPS = { gateway: 3000, 'imaging-worker': 3011, 'tabular-worker': 3012, 'vitals-worker': 3013, 'fusion-aggregator': 3014, 'webhook-dispatcher': 3015, dashboard: 3001 };
const RSS_SCRAPE_MS = 2000;
/** An app that does not answer (stopped, overloaded) must not hang the bench: its figures are left out. */
const METRICS_TIMEOUT_MS = 2000;
/** Apps whose peak RSS is reported against the 250 MB target. */
const RSS_APPS = new Set(['gateway', 'imaging-worker', 'tabular-worker', 'vitals-worker', 'fusion-aggregator']);

function parseArgs(argv: string[]) {
  const args: { rate: number; seconds: number; concurrency: number; warmup: number; only?: 'fixed' | 'saturation'; url: string; key: string } = { rate: 100, seconds: 20, concurrency: 64, warmup: 5, url: process.env['LF_GATEWAY_URL'] ?? 'http://127.0.0.1:3000', key: process.env['LF_API_KEY'] ?? 'lf-dev-local-key-not-secret' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--url') args.url = value;
    else if (flag === '--key') args.key = value;
    else if (flag === '--only') {
      if (value !== 'fixed' && value !== 'saturation') throw new Error(`--only must be 'fixed' or 'saturation', got '${value}'`);
      args.only = value;
    } else if (flag === '--rate' || flag === '--seconds' || flag === '--concurrency' || flag === '--warmup') {
      const num = Number(value);
      if (!(num > 0) && !(flag === '--warmup' && num === 0)) throw new Error(`${flag} must be a positive number, got '${value}'`);
      args[flag.slice(2) as 'rate' | 'seconds' | 'concurrency' | 'warmup'] = num;
    } else throw new Error(`unknown argument '${flag}' (expected --rate, --seconds, --concurrency, --warmup, --only, --url, --key)`);
  }
  return args;
}

const toMs = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const http = createHttpClient(args.url, { authorization: `Bearer ${args.key}` });
  if ((await http.get('/health/ready').catch(() => undefined))?.status !== 200) throw new Error(`the gateway at ${args.url} is not ready: run \`npm start\` first`);
  // A pool of realistic bodies (all three modalities, mixed image formats), reused round robin.
  const bodies = [...generateCohort({ seed: 5150, n: 200, naturalMissingness: false, imagingFormat: 'mixed' })].map((c) => Buffer.from(JSON.stringify({ ...c.request, deadlineMs: 5000 })));
  let next = 0;
  /** A case id, or how long the gateway asked us to wait (503 backpressure, 429 rate limit: Retry-After). */
  const submit = async (): Promise<{ caseId: string } | { retryAfterMs: number } | undefined> => {
    const response = await http.post('/v1/cases', bodies[next++ % bodies.length]);
    if (response.status === 202) return { caseId: (JSON.parse(response.body) as { caseId: string }).caseId };
    if (response.status === 503 || response.status === 429) return { retryAfterMs: 1000 * Number(response.headers['retry-after'] ?? 1) };
    return undefined;
  };

  const peakRss: Record<string, number> = {};
  let scraping = true;
  const host = new URL(args.url).hostname;
  // One app at a time, spread over the period: scraping all of them at once made a burst every period
  // (each scrape costs its app ~1-3 ms of CPU, and this client's own loop stalls its open-loop submissions,
  // which then go out together) that showed up as a cluster of slow cases every 2 s at 100 cases/s.
  const rssApps = Object.entries(OPS).filter(([app]) => RSS_APPS.has(app));
  const scraper = (async () => {
    for (let i = 0; scraping; i = (i + 1) % rssApps.length) {
      const [app, port] = rssApps[i];
      const rss = await metricValue(host, port, 'process_resident_memory_bytes');
      if (rss !== undefined) peakRss[app] = Math.max(peakRss[app] ?? 0, rss);
      await sleep(RSS_SCRAPE_MS / rssApps.length);
    }
  })();

  const collect = async (ids: string[]) => {
    const latencies: number[] = [];
    const finalizedAt: number[] = [];
    const statuses: Record<string, number> = {};
    let index = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (index < ids.length) {
        const id = ids[index++];
        // Long-polls (the gateway answers as soon as the case is final); a 429/503 is waited out, not counted.
        for (let tries = 0; tries < 60; tries++) {
          const reply = await http.get(`/v1/cases/${id}?wait=10s`);
          if (reply.status === 429 || reply.status === 503) {
            await sleep(1000 * Number(reply.headers['retry-after'] ?? 1));
            continue;
          }
          const body = JSON.parse(reply.body) as { status: string; submittedAt: string; finalizedAt?: string };
          if (body.status !== 'pending') {
            statuses[body.status] = (statuses[body.status] ?? 0) + 1;
            latencies.push(toMs(body.finalizedAt!) - toMs(body.submittedAt));
            finalizedAt.push(toMs(body.finalizedAt!));
            break;
          }
        }
      }
    }));
    return { latencies, finalizedAt, statuses };
  };
  /**
   * CPU seconds used so far by each app (process_cpu_seconds_total on its /metrics), by Redis (INFO cpu, when
   * REDIS_URL or 127.0.0.1:6379 answers) and by this client: a phase's difference per case is where the CPU
   * of a case goes, which on a machine this small decides throughput more than any latency figure.
   */
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const cpuSeconds = async (): Promise<Record<string, number>> => {
    const used: Record<string, number> = {};
    await Promise.all(Object.entries(OPS).map(async ([app, port]) => {
      const seconds = await metricValue(host, port, 'process_cpu_seconds_total');
      if (seconds !== undefined) used[app] = seconds;
    }));
    const info = await redisCpuInfo(redisUrl);
    if (info !== undefined) used['redis'] = info;
    const own = process.cpuUsage();
    used['bench client'] = (own.user + own.system) / 1e6;
    return used;
  };
  const cpuPerCase = (before: Record<string, number>, after: Record<string, number>, cases: number) => {
    const perCase: Record<string, number> = {};
    for (const [name, seconds] of Object.entries(after)) {
      if (before[name] !== undefined && cases > 0) perCase[name] = Math.round(((seconds - before[name]) * 1000 * 100) / cases) / 100;
    }
    const sorted = Object.fromEntries(Object.entries(perCase).sort((a, b) => b[1] - a[1]));
    return { ...sorted, total: Math.round(Object.values(perCase).reduce((a, b) => a + b, 0) * 100) / 100 };
  };
  const summary = (latencies: number[]) => ({ p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) });

  /** Open loop: submits `rate` cases/s for `seconds`, then waits for every accepted case's result. */
  const openLoop = async (rate: number, seconds: number) => {
    const ids: Promise<string | undefined>[] = [];
    let refused = 0;
    const started = Date.now();
    for (let k = 0; k < rate * seconds; k++) {
      const due = started + (k * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      ids.push(
        submit().then((reply) => {
          if (reply && 'caseId' in reply) return reply.caseId;
          refused++;
          return undefined;
        }),
      );
    }
    const accepted = (await Promise.all(ids)).filter((id): id is string => id !== undefined);
    return { accepted, refused, results: await collect(accepted) };
  };

  if (args.warmup > 0) {
    console.error(`warm-up: ${args.rate / 2} cases/s for ${args.warmup} s (not counted) ...`);
    await openLoop(args.rate / 2, args.warmup);
  }

  // Phase 1: open loop at a fixed rate.
  const fixedPhase = async () => {
    console.error(`fixed rate: ${args.rate} cases/s for ${args.seconds} s ...`);
    const cpuBefore = await cpuSeconds();
    const { accepted, refused, results: fixed } = await openLoop(args.rate, args.seconds);
    const cpuMsPerCase = cpuPerCase(cpuBefore, await cpuSeconds(), accepted.length);
    return { targetPerSecond: args.rate, seconds: args.seconds, accepted: accepted.length, refused, statuses: fixed.statuses, latencyMs: summary(fixed.latencies), cpuMsPerCase };
  };

  // Phase 2: closed loop at saturation.
  const saturationPhase = async () => {
    console.error(`saturation: ${args.concurrency} concurrent submitters for ${args.seconds} s ...`);
    const satIds: string[] = [];
    let rejected = 0;
    const cpuBefore = await cpuSeconds();
    const satStart = Date.now();
    await Promise.all(Array.from({ length: args.concurrency }, async () => {
      while (Date.now() - satStart < args.seconds * 1000) {
        const reply = await submit();
        if (reply && 'caseId' in reply) satIds.push(reply.caseId);
        else {
          rejected++;
          // As a client should: wait as long as the gateway asks (never past the end of the phase).
          if (reply) await sleep(Math.min(reply.retryAfterMs, args.seconds * 1000 - (Date.now() - satStart)));
        }
      }
    }));
    const submitSeconds = (Date.now() - satStart) / 1000;
    const sat = await collect(satIds);
    const cpuMsPerCase = cpuPerCase(cpuBefore, await cpuSeconds(), satIds.length);
    const first = Math.min(...sat.finalizedAt);
    const last = Math.max(...sat.finalizedAt);
    return {
      concurrency: args.concurrency,
      submitted: satIds.length,
      rejected,
      submittedPerSecond: Math.round(satIds.length / submitSeconds),
      fusedPerSecond: Math.round(sat.finalizedAt.length / Math.max(0.001, (last - satStart) / 1000)),
      finalizationSpanSeconds: (last - first) / 1000,
      statuses: sat.statuses,
      latencyMs: summary(sat.latencies),
      cpuMsPerCase,
    };
  };

  const fixedRate = args.only === 'saturation' ? undefined : await fixedPhase();
  const saturation = args.only === 'fixed' ? undefined : await saturationPhase();
  scraping = false;
  await scraper;
  http.close();

  const report = {
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length },
    warmupSeconds: args.warmup,
    ...(fixedRate ? { fixedRate } : {}),
    ...(saturation ? { saturation } : {}),
    peakRssMb: Object.fromEntries(Object.entries(peakRss).map(([app, bytes]) => [app, Math.round(bytes / 1048576)])),
  };
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/bench.json', JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
}

/**
 * The first sample of `name` from the app's /metrics on `port`, or undefined when the app
 * does not answer within METRICS_TIMEOUT_MS or does not export it.
 */
async function metricValue(host: string, port: number, name: string): Promise<number | undefined> {
  const text = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) }).then((r) => r.text()).catch(() => '');
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?(?:e[+-]\\d+)?)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Redis' CPU seconds so far (main and background threads), or undefined when it cannot be asked. */
async function redisCpuInfo(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const seconds = field('used_cpu_sys') + field('used_cpu_user');
    return Number.isFinite(seconds) ? seconds : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

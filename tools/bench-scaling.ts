/**
 * `npm run bench:scaling [-- --cases 1000 --warmup 100 --repeats 3]`: imaging throughput with one imaging worker process
 * versus two sharing the queue (issue 6, horizontal scaling). Self-contained: starts a throwaway redis-server,
 * the gateway, the fusion aggregator and the imaging worker(s) as separate processes, exactly as the e2e suite.
 *
 * Each phase measures the workers alone, not the gateway: the imaging worker processes are frozen (SIGSTOP),
 * `--cases` imaging-only cases are submitted (so the backlog is all in the queue), the workers are thawed
 * (SIGCONT) and the clock runs until their own counters (lf_jobs_processed_total, scraped every 50 ms) say
 * every job is done: throughput = cases / drain time. A warm-up round first (JIT, ONNX session, batcher).
 * Also reports submit-to-last-finalization. Prints the figures and writes reports/scaling.json.
 * Figures depend on the machine: run it on an idle one; this is a measurement, not a test.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { generateCohort } from '@lf/cohort';
import { freePort, launchApp, launchSystem, startRedisServer, WORKSPACE_ROOT, type LaunchedApp } from '@lf/testing';
import { createHttpClient } from './lib/http-client';

const KEY = 'bench-scaling-key';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv: string[]) {
  const args = { cases: 1000, warmup: 100, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag !== '--cases' && flag !== '--warmup' && flag !== '--repeats') throw new Error(`unknown argument '${flag}' (expected --cases, --warmup, --repeats)`);
    const num = Number(value);
    if (!Number.isInteger(num) || num < 1) throw new Error(`${flag} must be a positive integer, got '${value}'`);
    args[flag.slice(2) as 'cases' | 'warmup' | 'repeats'] = num;
  }
  return args;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

/** The pid of the redis-server listening on `port` (its command line carries `--port <port>`), from /proc. */
function redisPid(port: number): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // redis-server rewrites its title to `redis-server 127.0.0.1:<port>`
      if (argv[0]?.startsWith('redis-server') && argv[0].endsWith(`:${port}`)) return Number(entry);
    }
  } catch {
    // not Linux: no per-process CPU figures
  }
  return undefined;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = values.map(Number);
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: total - n[3] - (n[4] ?? 0), total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** Sum of every `lf_jobs_processed_total` sample in one worker's /metrics. */
async function processed(worker: LaunchedApp): Promise<number> {
  const text = await (await fetch(worker.spec.readyUrl.replace('/health/ready', '/metrics'))).text();
  let sum = 0;
  for (const m of text.matchAll(/^lf_jobs_processed_total(?:\{[^}]*\})? (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

async function main() {
  const args = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
  const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));
  const redis = await startRedisServer();
  const system = await launchSystem({ redisUrl: redis.url, apiKeys: `bench:${KEY}`, only: ['imaging-worker', 'fusion-aggregator', 'gateway'] });
  const http = createHttpClient(system.gatewayUrl, { authorization: `Bearer ${KEY}` }, 16);
  const workers: LaunchedApp[] = [system.apps['imaging-worker']!];
  const bodies = [...generateCohort({ seed: 6700, n: 200, naturalMissingness: false, imagingFormat: 'mixed' })].map((c) =>
    Buffer.from(JSON.stringify({ ...c.request, inputs: { imaging: c.request.inputs.imaging }, deadlineMs: 600_000 })),
  );
  let next = 0;

  /** Freeze the workers, fill the queue with n cases, thaw them, time the drain. */
  const round = async (n: number) => {
    // (A frozen worker cannot answer /metrics: read the counters first.)
    const before = (await Promise.all(workers.map(processed))).reduce((a, b) => a + b, 0);
    for (const w of workers) w.signal('SIGSTOP');
    const ids: string[] = [];
    const submitStart = Date.now();
    try {
      let index = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (index < n) {
            index++;
            const reply = await http.post('/v1/cases', bodies[next++ % bodies.length]);
            if (reply.status !== 202) throw new Error(`submit answered ${reply.status}: ${reply.body.slice(0, 200)}`);
            ids.push((JSON.parse(reply.body) as { caseId: string }).caseId);
          }
        }),
      );
    } finally {
      for (const w of workers) w.signal('SIGCONT');
    }
    const apps: Array<{ name: string; pid: number }> = [...workers, system.apps['fusion-aggregator']!, system.apps.gateway!, { name: 'redis-server', pid: redisPid(redis.port) ?? -1 }, { name: 'this bench', pid: process.pid }];
    const cpuBefore = apps.map((a) => cpuSeconds(a.pid));
    const machineBefore = machineJiffies();
    const thawed = Date.now();
    let drained = 0;
    for (;;) {
      const done = (await Promise.all(workers.map(processed))).reduce((a, b) => a + b, 0) - before;
      if (done >= n) {
        drained = Date.now();
        break;
      }
      if (Date.now() - thawed > 600_000) throw new Error(`only ${done} of ${n} jobs processed after 10 min`);
      await sleep(50);
    }
    const cpuDuring = apps.map((a, i) => [a.name, Number(((cpuSeconds(a.pid) - cpuBefore[i]) / ((drained - thawed) / 1000)).toFixed(2))]);
    const machineAfter = machineJiffies();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    let lastFinal = 0;
    for (const id of ids) {
      for (;;) {
        const body = JSON.parse((await http.get(`/v1/cases/${id}?wait=10s`)).body) as { status: string; finalizedAt?: string };
        if (body.status !== 'pending') {
          if (body.status !== 'complete') throw new Error(`case ended ${body.status}, expected complete`);
          lastFinal = Math.max(lastFinal, Date.parse(body.finalizedAt!));
          break;
        }
      }
    }
    const perWorker = await Promise.all(workers.map(processed));
    return {
      cases: n,
      drainMs: drained - thawed,
      casesPerSecond: Number(((n * 1000) / (drained - thawed)).toFixed(1)),
      thawToLastFinalizationMs: lastFinal - thawed,
      submitMs: thawed - submitStart,
      processedPerWorkerSoFar: perWorker,
      /** CPU cores used by each process while the backlog drained (1 = one core busy), and the machine's busy share. */
      coresUsedDuringDrain: Object.fromEntries(cpuDuring),
      machineCpuBusyDuringDrain: Number(machineBusy.toFixed(2)),
    };
  };

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  try {
    // One then two workers, `--repeats` times, alternating, so a burst of load from elsewhere on the machine
    // hits both sides; the second process is started fresh (and warmed up) for each two-worker round.
    const rounds: Array<{ one: Awaited<ReturnType<typeof round>>; two: Awaited<ReturnType<typeof round>>; ratio: number }> = [];
    const spec = system.specs['imaging-worker'];
    await round(args.warmup);
    for (let r = 0; r < args.repeats; r++) {
      const one = await round(args.cases);
      console.error(`round ${r + 1}/${args.repeats}: one worker ${one.casesPerSecond} cases/s`);
      const port = await freePort();
      workers.push(await launchApp({ ...spec, name: 'imaging-worker-2', env: { ...spec.env, LF_OPS_PORT: String(port) }, readyUrl: `http://127.0.0.1:${port}/health/ready` }));
      await round(args.warmup);
      const two = await round(args.cases);
      await workers.pop()!.stop();
      console.error(`round ${r + 1}/${args.repeats}: two workers ${two.casesPerSecond} cases/s`);
      rounds.push({ one, two, ratio: Number((two.casesPerSecond / one.casesPerSecond).toFixed(2)) });
    }
    const report = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadAtStart },
      method:
        'imaging-only cases; the imaging workers frozen while the queue fills, then timed from thaw until their ' +
        'lf_jobs_processed_total counts every job; one and two worker processes alternately, median of the rounds',
      oneWorkerCasesPerSecond: median(rounds.map((x) => x.one.casesPerSecond)),
      twoWorkersCasesPerSecond: median(rounds.map((x) => x.two.casesPerSecond)),
      ratio: median(rounds.map((x) => x.ratio)),
      rounds,
    };
    console.log(JSON.stringify(report, null, 2));
    console.log(`imaging throughput: one worker ${report.oneWorkerCasesPerSecond} cases/s, two ${report.twoWorkersCasesPerSecond} cases/s, ratio ${report.ratio} (median of ${rounds.length})`);
    mkdirSync(join(WORKSPACE_ROOT, 'reports'), { recursive: true });
    writeFileSync(join(WORKSPACE_ROOT, 'reports', 'scaling.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const w of workers.slice(1)) await w.stop();
    await system.stop();
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

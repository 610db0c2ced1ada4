/**
 * `npm run demo [-- --n 300 --seed 4242 --drop-rate 0.1 --url http://127.0.0.1:3000 --key lf-dev-local-key-not-secret]`
 * against a running system (`npm start`): generates a synthetic cohort, submits it through the HTTP API with
 * the typed client (`libs/client`: batches, long-polls), waits for every result and prints statuses, AUROC of the fused results next to each modality's, the
 * degraded count and submit-to-result latency percentiles (server clock: finalizedAt - submittedAt).
 */
import { generateCohort } from '@lf/cohort';
import { auroc } from '@lf/fusion';
import { percentile } from './lib/percentile';
import { LateFusionClient, progressBar } from '@lf/client';

interface CaseResult {
  caseId: string;
  status: string;
  submittedAt: string | number;
  finalizedAt?: string | number;
  result?: { probability: number | null; completedBy: string; modalities: Record<string, { status: string; probability?: number }> };
}

function parseArgs(argv: string[]) {
  const args = { n: 300, seed: 4242, dropRate: 0.1, url: process.env['LF_GATEWAY_URL'] ?? 'http://127.0.0.1:3000', key: process.env['LF_API_KEY'] ?? 'lf-dev-local-key-not-secret', concurrency: 16 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const num = Number(value);
    switch (flag) {
      case '--n': case '--seed': case '--concurrency':
        if (!Number.isInteger(num) || num <= 0) throw new Error(`${flag} must be a positive integer, got '${value}'`);
        args[flag === '--n' ? 'n' : flag === '--seed' ? 'seed' : 'concurrency'] = num;
        break;
      case '--drop-rate':
        if (!(num >= 0 && num <= 1)) throw new Error(`--drop-rate must be in [0, 1], got '${value}'`);
        args.dropRate = num;
        break;
      case '--url': args.url = value; break;
      case '--key': args.key = value; break;
      default: throw new Error(`unknown argument '${flag}' (expected --n, --seed, --drop-rate, --url, --key, --concurrency)`);
    }
  }
  return args;
}

const toMs = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  }));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const client = new LateFusionClient({ baseUrl: args.url, apiKey: args.key });
  const health = await fetch(`${args.url}/health/ready`).catch(() => undefined);
  if (!health?.ok) throw new Error(`the gateway at ${args.url} is not ready: start the system with \`npm start\` first`);

  const cases = [...generateCohort({ seed: args.seed, n: args.n, dropRate: args.dropRate, imagingFormat: 'mixed' })];
  // Batches of up to 100 through the client (each case with its own Idempotency-Key, so the client's retries
  // of a 429/503 never submit a case twice); a few batches in flight.
  const batches = Array.from({ length: Math.ceil(cases.length / 100) }, (_, b) => cases.slice(b * 100, b * 100 + 100));
  const ids: string[] = new Array(cases.length);
  const submitted = progressBar('submitting', cases.length);
  let done = 0;
  await pool(batches, Math.max(1, Math.min(4, Math.ceil(args.concurrency / 8))), async (batch, b) => {
    const results = await client.submitBatch(batch.map((c) => ({ body: c.request })));
    for (const r of results) {
      if (!r.caseId || r.status >= 300) throw new Error(`case ${b * 100 + r.index}: HTTP ${r.status} ${JSON.stringify(r.problem)}`);
      ids[b * 100 + r.index] = r.caseId;
    }
    submitted((done += results.length));
  });

  // Long-polls: each answers as soon as its case is final.
  const results: CaseResult[] = new Array(cases.length);
  const collected = progressBar('waiting for results', cases.length);
  done = 0;
  await pool(ids, args.concurrency, async (id, i) => {
    const view = await client.waitForResult(id, { timeoutMs: 120_000 });
    if (view.status === 'pending') throw new Error(`case ${id} still pending after 120 s`);
    results[i] = view as CaseResult;
    collected(++done);
  });

  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const labels = cases.map((c) => c.label as number);
  const fused = results.filter((r) => r.result);
  const rows: [string, string, number][] = [];
  const aurocOf = (pairs: [number, number][]) => {
    const ys = pairs.map(([, y]) => y);
    return ys.includes(0) && ys.includes(1) ? auroc(pairs.map(([p]) => p), ys) : NaN;
  };
  // A 'failed' case (no usable modality) has no probability: it is counted in the statuses, not scored.
  rows.push(['fused', String(fused.filter((r) => r.result!.probability !== null).length), aurocOf(results.flatMap((r, i) => (typeof r.result?.probability === 'number' ? [[r.result.probability, labels[i]] as [number, number]] : [])))]);
  for (const modality of ['imaging', 'tabular', 'vitals']) {
    const pairs = results.flatMap((r, i) => {
      const m = r.result?.modalities[modality];
      return m?.status === 'ok' && m.probability !== undefined ? [[m.probability, labels[i]] as [number, number]] : [];
    });
    rows.push([modality, String(pairs.length), aurocOf(pairs)]);
  }
  const latencies = results.filter((r) => r.finalizedAt !== undefined).map((r) => toMs(r.finalizedAt!) - toMs(r.submittedAt));
  const byDeadline = fused.filter((r) => r.result!.completedBy === 'deadline').length;
  console.log(`\n${cases.length} cases (seed ${args.seed}, drop rate ${args.dropRate}, prevalence ${(labels.reduce((a, b) => a + b, 0) / labels.length).toFixed(3)})`);
  console.log(`statuses: ${Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(', ')}; degraded ${statuses['degraded'] ?? 0}; finalized by deadline ${byDeadline}`);
  console.log('AUROC against the labels (each modality on the cases where it scored):');
  for (const [name, n, value] of rows) console.log(`  ${name.padEnd(8)} n=${n.padEnd(5)} AUROC ${Number.isNaN(value) ? 'n/a' : value.toFixed(3)}`);
  console.log(`submit-to-result latency (server clock): p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

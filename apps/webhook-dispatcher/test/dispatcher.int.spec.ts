/**
 * The dispatcher against a real Redis (a throwaway redis-server) and real local HTTP receivers, in this
 * process: a signed delivery built from the stored result, BullMQ retries with backoff until a 2xx, the
 * failed set and the webhook-failed event after the last attempt, redirects not followed, deleted webhooks
 * skipped, health and metrics.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, jobIds, QUEUES, webhookEventId, type DeliverWebhookJob } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { CaseStore, createKeyBuilder, WebhookStore } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { verifySignature } from '@lf/webhooks';
import { bootstrapDispatcher, type RunningDispatcher } from '../src/bootstrap-dispatcher';
import { dispatcherConfigFromEnv } from '../src/config/dispatcher.config';

jest.setTimeout(30_000);

const keys = createKeyBuilder();
const silent = createLogger({ app: 'dispatcher-test', sink: () => undefined });
const policy = { allowedHosts: ['127.0.0.1'], allowHttp: true, allowPrivateNetworks: true };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

let server: RedisServerHandle;
let redis: Redis;
let cases: CaseStore;
let webhooks: WebhookStore;
let queue: Queue<DeliverWebhookJob>;
let receiver: Server;
let receiverUrl: string;
let dispatcher: RunningDispatcher;
const received: Received[] = [];
/** path -> status codes to answer in turn (the last one repeats). */
const script = new Map<string, number[]>();

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  cases = new CaseStore(redis, keys);
  webhooks = new WebhookStore(redis, keys);
  queue = new Queue(QUEUES.webhooks, { connection: new Redis(server.url), prefix: keys.queuePrefix(QUEUES.webhooks) });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const statuses = script.get(path) ?? [204];
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
      res.writeHead(status, status >= 300 && status < 400 ? { location: `${receiverUrl}/elsewhere` } : {}).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  dispatcher = await bootstrapDispatcher(
    dispatcherConfigFromEnv({ REDIS_URL: server.url, LF_WEBHOOK_DISPATCHER_OPS_PORT: '0', LF_OPS_HOST: '127.0.0.1', LF_WEBHOOK_TIMEOUT_MS: '1000', LF_SHUTDOWN_TIMEOUT_MS: '2000' }),
    { logger: silent },
  );
});

afterAll(async () => {
  await dispatcher?.shutdown('test');
  await queue?.close();
  (queue?.opts.connection as Redis | undefined)?.disconnect();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  redis?.disconnect();
  await server?.stop();
});

async function finalizedCase(tenant = 'north'): Promise<string> {
  const caseId = randomUUID();
  await cases.register({ caseId, tenant, expected: ['tabular'], strategy: 'stacking', deadlineMs: 60_000, blobs: {}, ttlSeconds: 3600, traceId: 'trace-int' });
  await cases.recordScore(caseId, { modality: 'tabular', status: 'ok', probability: 0.42, logit: -0.3, modelId: 'tabular', modelVersion: '1.0.0', latencyMs: 4, qualityFlags: [] });
  await cases.finalize(caseId, 'all-replied');
  await cases.storeResult(caseId, {
    status: 'complete',
    fused: { strategy: 'stacking', probability: 0.42, riskBand: 'high', degraded: false, contributions: [{ modality: 'tabular', status: 'ok', weight: 1, contribution: 0.2 }] },
  });
  return caseId;
}

async function webhook(path: string, tenant = 'north') {
  const outcome = await webhooks.register(tenant, { url: `${receiverUrl}${path}`, policy });
  if (outcome.outcome !== 'registered') throw new Error(outcome.outcome);
  return outcome.webhook;
}

function enqueue(caseId: string, webhookId: string, attempts = 3, tenant = 'north') {
  return queue.add(
    JOB_NAMES.deliverWebhook,
    { caseId, tenant, webhookId, eventId: webhookEventId(caseId), traceId: 'trace-int' },
    { jobId: jobIds.webhook(caseId, webhookId), attempts, backoff: { type: 'exponential', delay: 50 }, removeOnComplete: { age: 3600, count: 100 }, removeOnFail: { age: 3600, count: 100 } },
  );
}

async function settled(jobId: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    // Read the job after its state is final, so returnvalue / failedReason are there.
    if (state === 'completed' || state === 'failed') return { job: (await queue.getJob(jobId))!, state };
    if (Date.now() > end) throw new Error(`job ${jobId} not settled (state ${state})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const hitsOn = (path: string) => received.filter((r) => r.path === path);
const webhookEvents = async (caseId: string) => (await cases.events(caseId)).filter((e) => e.type.startsWith('webhook-'));

it('delivers one signed case.finalized event built from the stored result', async () => {
  const hook = await webhook('/ok');
  const caseId = await finalizedCase();
  await enqueue(caseId, hook.id);
  const { state, job } = await settled(jobIds.webhook(caseId, hook.id));
  expect(state).toBe('completed');
  expect(job.returnvalue).toBe('delivered');

  const [delivery] = hitsOn('/ok');
  expect(hitsOn('/ok')).toHaveLength(1);
  expect(delivery.headers).toMatchObject({ 'content-type': 'application/json', 'lf-webhook-id': hook.id, 'lf-event-id': `evt_${caseId}_finalized`, 'lf-event-type': 'case.finalized' });
  expect(verifySignature(hook.secret, delivery.headers['lf-signature'] as string, delivery.body)).toMatchObject({ ok: true });
  const body = JSON.parse(delivery.body);
  expect(body).toMatchObject({ id: `evt_${caseId}_finalized`, type: 'case.finalized', data: { caseId, status: 'complete', result: { probability: 0.42, riskBand: 'high', missing: [], late: [] } } });
  expect(await webhookEvents(caseId)).toEqual([expect.objectContaining({ type: 'webhook-delivered', webhookId: hook.id, detail: 'HTTP 204, attempt 1' })]);
});

it('retries a failing receiver with backoff until it answers 2xx', async () => {
  const hook = await webhook('/flaky');
  script.set('/flaky', [500, 503, 200]);
  const caseId = await finalizedCase();
  await enqueue(caseId, hook.id, 5);
  const { state, job } = await settled(jobIds.webhook(caseId, hook.id));
  expect(state).toBe('completed');
  expect(job.attemptsMade).toBe(3);
  const hits = hitsOn('/flaky');
  expect(hits).toHaveLength(3);
  expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(45); // 50 ms, then 100 ms
  expect(hits[2].at - hits[1].at).toBeGreaterThanOrEqual(95);
  expect(new Set(hits.map((h) => h.headers['lf-event-id'])).size).toBe(1);
  expect(new Set(hits.map((h) => h.body)).size).toBe(1);
  expect(await webhookEvents(caseId)).toEqual([expect.objectContaining({ type: 'webhook-delivered', detail: 'HTTP 200, attempt 3' })]);
});

it('leaves the job in the failed set with its reason after the last attempt, and records webhook-failed', async () => {
  const hook = await webhook('/down');
  script.set('/down', [500]);
  const caseId = await finalizedCase();
  await enqueue(caseId, hook.id, 3);
  const { state, job } = await settled(jobIds.webhook(caseId, hook.id));
  expect(state).toBe('failed');
  expect(job.failedReason).toBe('HTTP 500');
  expect(job.attemptsMade).toBe(3);
  expect(hitsOn('/down')).toHaveLength(3);
  expect(await queue.getFailed()).toEqual(expect.arrayContaining([expect.objectContaining({ id: job.id })]));
  expect(await webhookEvents(caseId)).toEqual([expect.objectContaining({ type: 'webhook-failed', webhookId: hook.id, detail: 'HTTP 500, attempt 3 of 3' })]);
  const metrics = await (await fetch(`${dispatcher.ops.url}/metrics`)).text();
  expect(metrics).toMatch(/lf_webhook_deliveries_total\{outcome="failed",app="webhook-dispatcher"\} 1/);
  expect(metrics).toMatch(/lf_webhook_deliveries_total\{outcome="retry",app="webhook-dispatcher"\} \d+/);
  expect(metrics).toContain('lf_webhook_delivery_seconds_bucket');
});

it('does not follow redirects', async () => {
  const hook = await webhook('/moved');
  script.set('/moved', [302]);
  const caseId = await finalizedCase();
  await enqueue(caseId, hook.id, 2);
  const { state, job } = await settled(jobIds.webhook(caseId, hook.id));
  expect(state).toBe('failed');
  expect(job.failedReason).toBe('HTTP 302: redirects are not followed');
  expect(hitsOn('/elsewhere')).toEqual([]);
});

it('skips a delivery whose webhook was deleted after it was enqueued', async () => {
  const hook = await webhook('/deleted');
  const caseId = await finalizedCase();
  await webhooks.delete('north', hook.id);
  await enqueue(caseId, hook.id);
  const { state, job } = await settled(jobIds.webhook(caseId, hook.id));
  expect(state).toBe('completed');
  expect(job.returnvalue).toBe('skipped-webhook-deleted');
  expect(hitsOn('/deleted')).toEqual([]);
});

it('serves health and metrics on its ops port', async () => {
  expect((await fetch(`${dispatcher.ops.url}/health/live`)).status).toBe(200);
  expect((await fetch(`${dispatcher.ops.url}/health/ready`)).status).toBe(200);
});

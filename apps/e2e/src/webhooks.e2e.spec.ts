/**
 * Webhooks through the running system (issue 4): a case submitted to the gateway is finalized by the
 * aggregator, which enqueues one delivery per webhook of the tenant; the webhook-dispatcher process signs and
 * POSTs it. Receivers are local HTTP servers on 127.0.0.1 (so the test tenant's policy allows http and
 * private networks) that verify LF-Signature with the README's code, plus the README's receiver program
 * itself, run as-is. Backoffs are shortened through the environment to keep this fast.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { generateCohort } from '@lf/cohort';
import { jobIds, QUEUES, type CaseFinalizedEvent, type DeliverWebhookJob, type WebhookPolicy } from '@lf/contracts';
import { createKeyBuilder, WebhookStore, type RegisteredWebhook } from '@lf/redis';
import { freePort, WORKSPACE_ROOT } from '@lf/testing';
import { registerWebhook } from '@lf/webhooks';
import { OTHER_TENANT_KEY, startSystemFixture, type SystemFixture } from './support/system-fixture';

const README_RECEIVER = join(WORKSPACE_ROOT, 'libs/webhooks/examples/receiver.js');
// The verification function exactly as the README shows it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifyLfSignature } = require(README_RECEIVER) as { verifyLfSignature: (secrets: string | string[], header: unknown, rawBody: Buffer | string) => boolean };

const PATIENT_MARKER = 'PATIENT-MARKER-wh-5c1e';
const ATTEMPTS = 3;
const keys = createKeyBuilder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

describe('webhooks, end to end', () => {
  let fx: SystemFixture;
  let receiver: Server;
  let base: string;
  let readmeReceiver: ChildProcess | undefined;
  const readmeLines: string[] = [];
  const deliveries: Delivery[] = [];
  /** path -> statuses answered in turn (the last one repeats); unknown paths answer 204. */
  const script = new Map<string, number[]>([
    ['/flaky', [500, 500, 200]],
    ['/down', [500]],
    ['/moved', [302]],
  ]);
  const hooks: Record<'ok' | 'flaky' | 'down' | 'moved' | 'readme', RegisteredWebhook> = {} as never;
  let caseId: string;
  let otherTenantCaseId: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const rawBody = Buffer.concat(chunks);
        const hook = Object.values(hooks).find((h) => h.url.endsWith(path));
        deliveries.push({ path, headers: req.headers, body: rawBody.toString('utf8'), verified: !!hook && verifyLfSignature(hook.secret, req.headers['lf-signature'], rawBody) });
        const statuses = script.get(path) ?? [204];
        const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
        res.writeHead(status, status === 302 ? { location: `${base}/elsewhere` } : {}).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    fx = await startSystemFixture({
      env: {
        'fusion-aggregator': { LF_WEBHOOK_ATTEMPTS: String(ATTEMPTS), LF_WEBHOOK_BACKOFF_MS: '100' },
        'webhook-dispatcher': { LF_WEBHOOK_TIMEOUT_MS: '2000' },
      },
    });

    // Registered the way the gateway's endpoint does (policy check, then the store); 127.0.0.1 needs a policy
    // that allows plain http and private networks.
    const store = new WebhookStore(fx.connection, keys);
    const policy: WebhookPolicy = { allowedHosts: ['127.0.0.1'], allowHttp: true, allowPrivateNetworks: true };
    const register = async (url: string) => {
      const result = await registerWebhook({ store }, 'tenant-a', { url }, policy);
      if (result.outcome !== 'registered') throw new Error(`registration failed: ${JSON.stringify(result)}`);
      return result.webhook;
    };
    for (const name of ['ok', 'flaky', 'down', 'moved'] as const) hooks[name] = await register(`${base}/${name}`);
    const readmePort = await freePort();
    hooks.readme = await register(`http://127.0.0.1:${readmePort}/lf-webhooks`);

    // The README's receiver program, unchanged, with the secret it was given at registration.
    readmeReceiver = spawn(process.execPath, [README_RECEIVER], {
      env: { PATH: process.env['PATH'] ?? '', PORT: String(readmePort), LF_WEBHOOK_SECRETS: hooks.readme.secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      readmeReceiver!.once('exit', (code) => reject(new Error(`README receiver exited (${code})`)));
      createInterface({ input: readmeReceiver!.stdout! }).on('line', (line) => {
        readmeLines.push(line);
        if (line.startsWith('listening on port')) resolve();
      });
    });

    const [c, other] = [...generateCohort({ seed: 4711, n: 2, naturalMissingness: false })];
    const submitted = await fx.submit({ ...c.request, patientRef: PATIENT_MARKER });
    expect(submitted.status).toBe(202);
    caseId = String(submitted.body['caseId']);
    const otherSubmitted = await fx.submit(other.request, OTHER_TENANT_KEY);
    expect(otherSubmitted.status).toBe(202);
    otherTenantCaseId = String(otherSubmitted.body['caseId']);
  }, 120_000);

  afterAll(async () => {
    readmeReceiver?.kill('SIGTERM');
    await fx?.stop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  const on = (path: string) => deliveries.filter((d) => d.path === path);
  async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(25);
    }
  }
  const webhookEvents = async () => (await fx.store.events(caseId)).filter((e) => e.type === 'webhook-delivered' || e.type === 'webhook-failed');
  const eventFor = async (hook: RegisteredWebhook) => (await webhookEvents()).filter((e) => e.webhookId === hook.id);

  it('delivers exactly one signed event per webhook, with the result and without patient data', async () => {
    const final = await fx.waitForFinal(caseId);
    await until('the delivery to /ok', () => on('/ok').length > 0);
    await until('the delivery to the README receiver', async () => (await eventFor(hooks.readme)).length > 0);
    await sleep(500); // room for a duplicate to show up
    expect(on('/ok')).toHaveLength(1);
    const [delivery] = on('/ok');
    expect(delivery.verified).toBe(true);
    expect(delivery.headers).toMatchObject({ 'content-type': 'application/json', 'lf-webhook-id': hooks.ok.id, 'lf-event-id': `evt_${caseId}_finalized` });
    const event = JSON.parse(delivery.body) as CaseFinalizedEvent;
    expect(event).toMatchObject({ id: `evt_${caseId}_finalized`, type: 'case.finalized', data: { caseId, status: final.status } });
    // The same result a client reads with GET /v1/cases/{id}.
    expect(event.data.result).toEqual(final.result);
    expect(event.data.finalizedAt).toBe(final.finalizedAt);
    expect(delivery.body).not.toContain(PATIENT_MARKER);
    expect(delivery.body).not.toMatch(/patientRef|tenant-a|"inputs"/);
    expect((await eventFor(hooks.ok)).map((e) => [e.type, e.detail])).toEqual([['webhook-delivered', 'HTTP 204, attempt 1']]);

    // A forged signature does not verify with the README code.
    expect(verifyLfSignature(hooks.ok.secret, delivery.headers['lf-signature'], delivery.body.replace(final.status, 'forged'))).toBe(false);
    expect(verifyLfSignature(hooks.flaky.secret, delivery.headers['lf-signature'], delivery.body)).toBe(false);
  });

  it("is accepted by the README's receiver program as it is", async () => {
    const processed = await until('the README receiver to process the event', () => {
      const lines = readmeLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      return lines.length > 0 && lines;
    });
    expect(processed).toEqual([{ eventId: `evt_${caseId}_finalized`, duplicate: false, type: 'case.finalized', caseId, status: expect.any(String) }]);
    expect((await eventFor(hooks.readme)).map((e) => e.type)).toEqual(['webhook-delivered']);
  });

  it('retries a receiver that answers 500 twice and delivers on the third attempt, the same signed event each time', async () => {
    const [event] = await until('the flaky receiver to be delivered to', async () => {
      const events = await eventFor(hooks.flaky);
      return events.length > 0 && events;
    });
    expect(event).toMatchObject({ type: 'webhook-delivered', detail: 'HTTP 200, attempt 3' });
    const attempts = on('/flaky');
    expect(attempts).toHaveLength(3);
    expect(attempts.every((a) => a.verified)).toBe(true);
    expect(new Set(attempts.map((a) => a.headers['lf-event-id'])).size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
  });

  it('ends a receiver that always fails in the failed set, with a webhook-failed event', async () => {
    const queue = new Queue<DeliverWebhookJob>(QUEUES.webhooks, { connection: fx.connection, prefix: keys.queuePrefix(QUEUES.webhooks) });
    try {
      const jobId = jobIds.webhook(caseId, hooks.down.id);
      await until('the failing delivery to end in the failed set', async () => (await queue.getJobState(jobId)) === 'failed');
      const job = (await queue.getJob(jobId))!;
      expect(job.failedReason).toBe('HTTP 500');
      expect(job.attemptsMade).toBe(ATTEMPTS);
      // Ids only in the job: nothing about the patient sits in Redis' failed set.
      expect(job.data).toEqual({ caseId, tenant: 'tenant-a', webhookId: hooks.down.id, eventId: `evt_${caseId}_finalized`, traceId: expect.any(String) });
      expect(on('/down')).toHaveLength(ATTEMPTS);
      const events = await until('the webhook-failed event', async () => {
        const found = await eventFor(hooks.down);
        return found.length > 0 && found;
      });
      expect(events.map((e) => [e.type, e.detail])).toEqual([['webhook-failed', `HTTP 500, attempt ${ATTEMPTS} of ${ATTEMPTS}`]]);
    } finally {
      await queue.close();
    }
  });

  it('does not follow a redirect to another URL', async () => {
    const queue = new Queue<DeliverWebhookJob>(QUEUES.webhooks, { connection: fx.connection, prefix: keys.queuePrefix(QUEUES.webhooks) });
    try {
      const jobId = jobIds.webhook(caseId, hooks.moved.id);
      await until('the redirected delivery to fail', async () => (await queue.getJobState(jobId)) === 'failed');
      expect((await queue.getJob(jobId))!.failedReason).toBe('HTTP 302: redirects are not followed');
      expect(on('/moved')).toHaveLength(ATTEMPTS);
      expect(on('/elsewhere')).toEqual([]);
      expect((await eventFor(hooks.moved)).map((e) => e.type)).toEqual(['webhook-failed']);
    } finally {
      await queue.close();
    }
  });

  it("sends nothing to one tenant's webhooks about another tenant's case", async () => {
    await until("the other tenant's case to finish", async () => (await fx.get(otherTenantCaseId, OTHER_TENANT_KEY)).body.status !== 'pending');
    await sleep(300);
    expect(deliveries.filter((d) => d.body.includes(otherTenantCaseId))).toEqual([]);
    expect(readmeLines.some((l) => l.includes(otherTenantCaseId))).toBe(false);
  });

  it('keeps the patient marker out of every app log', () => {
    for (const app of Object.values(fx.system.apps)) expect(app!.output.join('\n')).not.toContain(PATIENT_MARKER);
  });
});

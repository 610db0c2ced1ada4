import type { WebhookPolicy } from '@lf/contracts';
import { createLogger, createMetrics } from '@lf/observability';
import type { CaseView, WebhookDeliveryTarget } from '@lf/redis';
import { verifySignature, type DeliverWebhookRequest, type DeliveryResult } from '@lf/webhooks';
import { createDispatcherMetrics } from '../dispatcher-metrics';
import type { TenantPolicySource } from '../policy/tenant-policies';
import { WebhookDeliveryHandler, type DeliveryJob } from './webhook-delivery.handler';

const policy: WebhookPolicy = { allowedHosts: ['hooks.example.org'], allowHttp: false, allowPrivateNetworks: false };
const NOW = Date.parse('2026-11-26T08:00:05.000Z');

const target = (over: Partial<WebhookDeliveryTarget> = {}): WebhookDeliveryTarget => ({
  id: 'wh_0123456789abcdef0123',
  tenant: 'north',
  url: 'https://hooks.example.org/lf',
  events: ['case.finalized'],
  createdAt: '2026-01-01T00:00:00.000Z',
  secret: 'whsec_current',
  policy,
  ...over,
});

const caseView = (over: Partial<CaseView> = {}): CaseView => ({
  caseId: 'c1',
  tenant: 'north',
  status: 'complete',
  expected: ['tabular'],
  strategy: 'stacking',
  submittedAt: NOW - 2000,
  deadlineAt: NOW + 10_000,
  finalizedAt: NOW - 1000,
  completedBy: 'all-replied',
  scores: { tabular: { modality: 'tabular', status: 'ok', probability: 0.3, logit: -0.8, modelId: 'tabular', modelVersion: '1.0.0', latencyMs: 5, qualityFlags: [] } },
  late: {},
  result: { status: 'complete', fused: { strategy: 'stacking', probability: 0.3, riskBand: 'high', degraded: false, contributions: [{ modality: 'tabular', status: 'ok', weight: 1, contribution: 0.5 }] } },
  ...over,
});

const job = (attemptsMade = 0, attempts = 3): DeliveryJob => ({
  id: 'c1-wh_0123456789abcdef0123',
  data: { caseId: 'c1', tenant: 'north', webhookId: 'wh_0123456789abcdef0123', eventId: 'evt_c1_finalized', traceId: 'trace-1' },
  attemptsMade,
  opts: { attempts },
});

function setup(options: { target?: WebhookDeliveryTarget | null; view?: CaseView | null; result?: DeliveryResult; policies?: TenantPolicySource } = {}) {
  const requests: DeliverWebhookRequest[] = [];
  const events: Array<{ caseId: string; type: string; webhookId: string; detail: string }> = [];
  const logs: string[] = [];
  const metrics = createDispatcherMetrics(createMetrics('test', { defaultMetrics: false }));
  const handler = new WebhookDeliveryHandler({
    webhooks: { getForDelivery: async () => (options.target === undefined ? target() : options.target) },
    cases: {
      get: async () => (options.view === undefined ? caseView() : options.view),
      appendWebhookEvent: async (caseId, e) => {
        events.push({ caseId, ...e });
        return true;
      },
    },
    policies: options.policies ?? { policyFor: async (_t, registered) => registered },
    deliver: async (request) => {
      requests.push(request);
      return options.result ?? { ok: true, status: 204, durationMs: 12 };
    },
    timeoutMs: 1500,
    metrics,
    logger: createLogger({ app: 'test', sink: (line) => logs.push(line) }),
    now: () => NOW,
  });
  const outcomes = async () => Object.fromEntries((await metrics.deliveries.get()).values.map((v) => [v.labels.outcome, v.value]));
  return { handler, requests, events, logs, outcomes };
}

describe('WebhookDeliveryHandler', () => {
  it('delivers a signed case.finalized body built from the stored result, and records it', async () => {
    const { handler, requests, events, outcomes } = setup();
    expect(await handler.handle(job())).toBe('delivered');
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({ url: 'https://hooks.example.org/lf', policy, timeoutMs: 1500 });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'LF-Webhook-Id': 'wh_0123456789abcdef0123',
      'LF-Event-Id': 'evt_c1_finalized',
      'LF-Event-Type': 'case.finalized',
    });
    expect(verifySignature('whsec_current', request.headers['LF-Signature'], request.body, { now: NOW })).toEqual({ ok: true, timestamp: NOW / 1000 });
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ id: 'evt_c1_finalized', type: 'case.finalized', data: { caseId: 'c1', status: 'complete', result: { probability: 0.3, riskBand: 'high' } } });
    expect(request.body).not.toMatch(/north|trace-1|patient/);
    expect(events).toEqual([{ caseId: 'c1', type: 'webhook-delivered', webhookId: 'wh_0123456789abcdef0123', detail: 'HTTP 204, attempt 1' }]);
    expect(await outcomes()).toEqual({ delivered: 1 });
  });

  it('signs with the previous secret too while a rotation is in its grace period', async () => {
    const { handler, requests } = setup({ target: target({ previousSecret: 'whsec_old', previousSecretExpiresAt: '2026-11-27T00:00:00.000Z' }) });
    await handler.handle(job());
    const { headers, body } = requests[0];
    expect(headers['LF-Signature'].match(/v1=/g)).toHaveLength(2);
    expect(verifySignature('whsec_old', headers['LF-Signature'], body, { now: NOW }).ok).toBe(true);
    expect(verifySignature('whsec_current', headers['LF-Signature'], body, { now: NOW }).ok).toBe(true);
  });

  it('throws on a failed attempt so BullMQ retries it, recording nothing until the last one', async () => {
    const { handler, events, outcomes } = setup({ result: { ok: false, kind: 'http-status', status: 500, message: 'HTTP 500', permanent: false, durationMs: 3 } });
    await expect(handler.handle(job(0, 3))).rejects.toThrow('HTTP 500');
    await expect(handler.handle(job(1, 3))).rejects.toThrow('HTTP 500');
    expect(events).toEqual([]);
    expect(await outcomes()).toEqual({ retry: 2 });
  });

  it('records webhook-failed on the last attempt, once, and leaves the job to the failed set', async () => {
    const { handler, events, outcomes } = setup({ result: { ok: false, kind: 'redirect', status: 302, message: 'HTTP 302: redirects are not followed', permanent: false, durationMs: 3 } });
    const error = await handler.handle(job(2, 3)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('HTTP 302: redirects are not followed');
    expect((error as Error).name).toBe('Error');
    await handler.onFailed({ ...job(3, 3) }, error as Error); // BullMQ's failed event for the same error
    expect(events).toEqual([{ caseId: 'c1', type: 'webhook-failed', webhookId: 'wh_0123456789abcdef0123', detail: 'HTTP 302: redirects are not followed, attempt 3 of 3' }]);
    expect(await outcomes()).toEqual({ failed: 1 });
  });

  it('gives up at once on a permanent failure (URL no longer allowed)', async () => {
    const { handler, events } = setup({
      result: { ok: false, kind: 'blocked', problem: 'host-not-allowed', message: "blocked by the URL policy: host 'hooks.example.org' is not on this tenant's webhook allow-list", permanent: true, durationMs: 0 },
    });
    const error = (await handler.handle(job(0, 8)).catch((e: Error) => e)) as Error;
    expect(error.name).toBe('UnrecoverableError');
    expect(events).toEqual([expect.objectContaining({ type: 'webhook-failed', detail: expect.stringMatching(/not on this tenant's webhook allow-list \(permanent\), attempt 1$/) })]);
  });

  it('gives up at once when the tenant is no longer configured', async () => {
    const { handler, requests, events } = setup({ policies: { policyFor: async () => undefined } });
    const error = (await handler.handle(job()).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'UnrecoverableError', message: "tenant 'north' is not configured any more" });
    expect(requests).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ type: 'webhook-failed' })]);
  });

  it("delivers with the tenant's current policy when the source has one", async () => {
    const current = { ...policy, allowedHosts: ['other.example.org'] };
    const { handler, requests } = setup({ policies: { policyFor: async () => current } });
    await handler.handle(job());
    expect(requests[0].policy).toBe(current);
  });

  it('skips a delivery whose webhook was deleted or whose case expired (or is not the tenant\'s)', async () => {
    const deleted = setup({ target: null });
    expect(await deleted.handler.handle(job())).toBe('skipped-webhook-deleted');
    const expired = setup({ view: null });
    expect(await expired.handler.handle(job())).toBe('skipped-case-expired');
    const foreign = setup({ view: caseView({ tenant: 'south' }) });
    expect(await foreign.handler.handle(job())).toBe('skipped-case-expired');
    expect([...deleted.requests, ...expired.requests, ...foreign.requests]).toEqual([]);
    expect(await deleted.outcomes()).toEqual({ skipped: 1 });
  });

  it('retries a case without a stored result rather than sending an empty event', async () => {
    const { handler, requests } = setup({ view: caseView({ result: undefined }) });
    await expect(handler.handle(job())).rejects.toThrow('case c1 has no stored result');
    expect(requests).toEqual([]);
  });

  it('records webhook-failed for a job BullMQ failed without running it (stalled too often)', async () => {
    const { handler, events } = setup();
    const stalled = Object.assign(new Error('job stalled more than allowable limit'), { name: 'UnrecoverableError' });
    await handler.onFailed(job(1, 8), stalled);
    await handler.onFailed(job(1, 8), new Error('HTTP 500')); // an ordinary retry: nothing
    expect(events).toEqual([{ caseId: 'c1', type: 'webhook-failed', webhookId: 'wh_0123456789abcdef0123', detail: 'job stalled more than allowable limit, attempt 1' }]);
  });

  it('logs ids and outcomes, never the URL, body or secret', async () => {
    const { handler, logs } = setup({ result: { ok: false, kind: 'http-status', status: 503, message: 'HTTP 503', permanent: false, durationMs: 3 } });
    await handler.handle(job(0, 3)).catch(() => undefined);
    const text = logs.join('\n');
    expect(text).toContain('wh_0123456789abcdef0123');
    expect(text).toContain('trace-1');
    expect(text).not.toMatch(/hooks\.example\.org|whsec_|probability/);
  });
});

import { createLogger } from '@lf/observability';
import type { WebhookView } from '@lf/redis';
import { QueueWebhookEnqueuer } from './webhook-enqueuer';

const hook = (id: string): WebhookView => ({ id, tenant: 'north', url: `https://hooks.example.org/${id}`, events: ['case.finalized'], createdAt: '2026-01-01T00:00:00.000Z' });

function setup(webhooks: WebhookView[]) {
  const listForEvent = jest.fn(async () => webhooks);
  const addBulk = jest.fn(async (jobs: unknown[]) => jobs);
  const enqueuer = new QueueWebhookEnqueuer({
    webhooks: { listForEvent },
    queue: { addBulk } as never,
    retry: { attempts: 8, backoffMs: 1000 },
    logger: createLogger({ app: 'test', sink: () => undefined }),
  });
  return { enqueuer, listForEvent, addBulk };
}

describe('QueueWebhookEnqueuer', () => {
  it("enqueues one job per webhook of the case's tenant: ids only, a deterministic job id, retries and bounded retention", async () => {
    const { enqueuer, listForEvent, addBulk } = setup([hook('wh_a'), hook('wh_b')]);
    expect(await enqueuer.caseFinalized({ caseId: 'c1', tenant: 'north', traceId: 'trace-1' })).toBe(2);
    expect(listForEvent).toHaveBeenCalledWith('north', 'case.finalized');
    const opts = {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 86_400, count: 10_000 },
      removeOnFail: { age: 604_800, count: 10_000 },
    };
    expect(addBulk).toHaveBeenCalledWith([
      { name: 'deliver-webhook', data: { caseId: 'c1', tenant: 'north', webhookId: 'wh_a', eventId: 'evt_c1_finalized', traceId: 'trace-1' }, opts: { jobId: 'c1-wh_a', ...opts } },
      { name: 'deliver-webhook', data: { caseId: 'c1', tenant: 'north', webhookId: 'wh_b', eventId: 'evt_c1_finalized', traceId: 'trace-1' }, opts: { jobId: 'c1-wh_b', ...opts } },
    ]);
  });

  it('enqueues nothing for a tenant without webhooks', async () => {
    const { enqueuer, addBulk } = setup([]);
    expect(await enqueuer.caseFinalized({ caseId: 'c1', tenant: 'north', traceId: 't' })).toBe(0);
    expect(addBulk).not.toHaveBeenCalled();
  });
});

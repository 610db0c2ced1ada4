import { Queue } from 'bullmq';
import { generateCohort } from '@lf/cohort';
import { JOB_NAMES, QUEUES, type FinalizeCaseJob } from '@lf/contracts';
import { createKeyBuilder } from '@lf/redis';
import { launchApp } from '@lf/testing';
import { freePort } from '@lf/testing';
import { startSystemFixture, type SystemFixture } from './support/system-fixture';

// DESIGN.md 3 MUST: finalization happens exactly once per case whatever the concurrency.
describe('exactly-once finalization, end to end', () => {
  let fx: SystemFixture;
  beforeAll(async () => {
    fx = await startSystemFixture();
  }, 90_000);
  afterAll(() => fx?.stop());

  it('two aggregator processes, duplicated triggers and redelivered jobs still finalize each case once', async () => {
    const spec = fx.system.specs['fusion-aggregator'];
    const port = await freePort();
    const second = await launchApp({ ...spec, name: 'fusion-aggregator-2', env: { ...spec.env, LF_AGGREGATOR_OPS_PORT: String(port) }, readyUrl: `http://127.0.0.1:${port}/health/ready` });
    const fusion = new Queue<FinalizeCaseJob>(QUEUES.fusion, { connection: fx.connection, prefix: createKeyBuilder().queuePrefix(QUEUES.fusion) });
    try {
      const cases = [...generateCohort({ seed: 950, n: 60, naturalMissingness: false })];
      const ids = await Promise.all(cases.map(async (c, i) => String((await fx.submit({ ...c.request, deadlineMs: i % 2 ? 400 : 5000 })).body['caseId'])));
      // Duplicate triggers with fresh job ids (so BullMQ does not dedupe them), both causes, several times.
      await fusion.addBulk(
        ids.flatMap((caseId) =>
          [0, 1, 2].flatMap((k) =>
            (['all-replied', 'deadline'] as const).map((cause) => ({
              name: JOB_NAMES.finalizeCase,
              data: { caseId, cause, traceId: `dup-${k}` },
              opts: { jobId: `${caseId}-dup-${cause}-${k}` },
            })),
          ),
        ),
      );
      const results = await Promise.all(ids.map((id) => fx.waitForFinal(id, 20_000)));
      for (const r of results) expect(r.status).not.toBe('pending');
      await new Promise((r) => setTimeout(r, 1000));
      for (const id of ids) {
        const events = await fx.store.events(id);
        expect(events.filter((e) => e.type === 'finalized')).toHaveLength(1);
        expect(events.filter((e) => e.type === 'result-stored')).toHaveLength(1);
      }
    } finally {
      await fusion.close();
      await second.stop();
    }
  });
});

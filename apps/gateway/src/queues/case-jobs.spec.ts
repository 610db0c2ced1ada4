import { DEFAULT_MODALITY_REGISTRY, defaultJobOptions } from '@lf/contracts';
import { createKeyBuilder } from '@lf/redis';
import { caseJobs } from './case-jobs';

const keys = createKeyBuilder();
const caseId = '01900000-0000-7000-8000-000000000abc';

describe('caseJobs', () => {
  const jobs = caseJobs({ caseId, expected: ['tabular', 'vitals'], traceId: 't1', submittedAt: 1000 }, DEFAULT_MODALITY_REGISTRY, keys, 4);

  it('makes one claim-check score job per expected modality on its registry queue', () => {
    expect(jobs.score.map((s) => s.queue)).toEqual(['tabular', 'vitals']);
    expect(jobs.score[0].job).toEqual({
      name: 'score-modality',
      data: { caseId, modality: 'tabular', blobKey: keys.blob(caseId, 'tabular'), traceId: 't1', submittedAt: 1000 },
      opts: { ...defaultJobOptions, attempts: 4, jobId: `${caseId}-tabular` },
    });
  });

  it('queues nothing for the deadline (the aggregator\'s sweeper keeps it) and nothing for a case with no modality left', () => {
    expect(Object.keys(jobs)).toEqual(['score']);
    expect(caseJobs({ caseId, expected: [], traceId: 't', submittedAt: 1000 }, DEFAULT_MODALITY_REGISTRY, keys).score).toEqual([]);
  });

  it('uses job ids without ":"', () => {
    for (const id of jobs.score.map((s) => s.job.opts.jobId)) expect(id).not.toContain(':');
  });

  it('follows the registry queue name, not the modality name', () => {
    const registry = [{ name: 'vitals', queue: 'vitals-v2', model: 'vitals', enabled: true }];
    expect(caseJobs({ caseId, expected: ['vitals'], traceId: 't', submittedAt: 0 }, registry, keys).score[0].queue).toBe('vitals-v2');
  });

  it('refuses a modality that is not enabled', () => {
    const registry = [{ name: 'vitals', queue: 'vitals', model: 'vitals', enabled: false }];
    expect(() => caseJobs({ caseId, expected: ['vitals'], traceId: 't', submittedAt: 0 }, registry, keys)).toThrow(/not an enabled/);
  });
});

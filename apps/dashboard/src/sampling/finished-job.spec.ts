import { finishedJobFrom, initialDelayMs, isLateOutcome, JOB_TIME_FIELDS, readyAt } from './finished-job';

describe('finished BullMQ jobs', () => {
  it('never asks for the job data', () => {
    expect(JOB_TIME_FIELDS).not.toContain('data');
  });

  it('measures wait from ready (created + initial delay) to the last start, and processing from start to finish', () => {
    // name, timestamp, opts, processedOn, finishedOn, atm, ats, returnvalue
    const job = finishedJobFrom('c1-imaging', ['score-modality', '1000', '{"delay":300,"attempts":3}', '1400', '1450', '1', '1', '{"status":"ok","outcome":"late"}'], true);
    expect(job).toEqual({ id: 'c1-imaging', finishedOn: 1450, waitMs: 100, processingMs: 50, attempts: 1, late: true });
  });

  it('reads the outcome only on modality queues and tolerates missing fields', () => {
    expect(finishedJobFrom('x', ['n', '1000', null, '1010', '1020', '2', '2', '{"outcome":"late"}'], false)?.late).toBe(false);
    expect(finishedJobFrom('x', ['n', null, null, null, '1020', null, null], false)).toEqual({ id: 'x', finishedOn: 1020, waitMs: null, processingMs: null, attempts: 0, late: false });
    expect(finishedJobFrom('x', [null, null, null, null, null, null, null], false)).toBeNull();
  });

  it('parses the initial delay from opts (the hash field is 0 once promoted) and the late outcome defensively', () => {
    expect(initialDelayMs('{"delay":2000}')).toBe(2000);
    expect(initialDelayMs('{"attempts":3}')).toBe(0);
    expect(initialDelayMs('not json')).toBe(0);
    expect(readyAt({ timestamp: '100', opts: '{"delay":50}' })).toBe(150);
    expect(readyAt({ timestamp: null, opts: null })).toBeNull();
    expect(isLateOutcome('{"outcome":"recorded"}')).toBe(false);
    expect(isLateOutcome('"late"')).toBe(false);
    expect(isLateOutcome(null)).toBe(false);
  });
});

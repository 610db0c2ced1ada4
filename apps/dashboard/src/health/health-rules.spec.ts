import { backlogOf, fusionHealth, queueHealth, redisHealth, worst, type QueueHealthInput, type Thresholds } from './health-rules';

const T: Thresholds = {
  maxBacklog: 100,
  maxOldestWaitSeconds: 30,
  minWorkers: 1,
  maxFailedPerMinute: 10,
  maxDegradedShare: 0.2,
  maxDeadlineSlackMs: 1000,
  maxMemoryRatio: 0.8,
};
const healthyQueue: QueueHealthInput = { name: 'imaging', kind: 'modality', enabled: true, waiting: 0, delayed: 0, workers: 1, oldestWaitingSeconds: null, failedPerMinute: 0 };

describe('queueHealth', () => {
  it('is ok with a worker and nothing waiting', () => {
    expect(queueHealth(healthyQueue, T)).toEqual({ level: 'ok', reasons: [] });
  });

  it('is red when jobs wait and no worker is connected, amber with no worker and nothing waiting', () => {
    const red = queueHealth({ ...healthyQueue, waiting: 3, workers: 0, oldestWaitingSeconds: 1 }, T);
    expect(red.level).toBe('critical');
    expect(red.reasons).toEqual(['3 waiting and 0 workers connected (min 1)']);
    expect(queueHealth({ ...healthyQueue, workers: 0 }, T)).toEqual({ level: 'warn', reasons: ['0 workers connected (min 1)'] });
  });

  it('is red when the oldest waiting job is older than the threshold even with a worker connected (a frozen worker)', () => {
    const h = queueHealth({ ...healthyQueue, waiting: 2, oldestWaitingSeconds: 31 }, T);
    expect(h.level).toBe('critical');
    expect(h.reasons[0]).toMatch(/^oldest waiting job 31 s > 30 s \(workers connected but not taking jobs\?\)$/);
    expect(queueHealth({ ...healthyQueue, waiting: 2, oldestWaitingSeconds: 16 }, T).level).toBe('warn');
    expect(queueHealth({ ...healthyQueue, waiting: 2, oldestWaitingSeconds: 15 }, T).level).toBe('ok');
  });

  it('counts delayed retries as backlog on modality queues but not delayed jobs on the fusion queue (deadline triggers of an older gateway)', () => {
    expect(backlogOf({ kind: 'modality', waiting: 10, delayed: 5 })).toBe(15);
    expect(backlogOf({ kind: 'fusion', waiting: 10, delayed: 500 })).toBe(10);
    expect(queueHealth({ ...healthyQueue, waiting: 60, delayed: 50 }, T)).toEqual({ level: 'critical', reasons: ['backlog 110 > 100'] });
    expect(queueHealth({ ...healthyQueue, name: 'fusion', kind: 'fusion', waiting: 0, delayed: 5000 }, T).level).toBe('ok');
    expect(queueHealth({ ...healthyQueue, waiting: 51 }, T)).toEqual({ level: 'warn', reasons: ['backlog 51 > half of 100'] });
  });

  it('only notes unknown workers (CLIENT LIST refused), and still judges by the oldest waiting job', () => {
    expect(queueHealth({ ...healthyQueue, workers: null, waiting: 3, oldestWaitingSeconds: 1 }, T)).toEqual({ level: 'ok', reasons: [], notes: ['workers unknown: CLIENT LIST is not allowed on this Redis'] });
    expect(queueHealth({ ...healthyQueue, workers: null, waiting: 3, oldestWaitingSeconds: 40 }, T).level).toBe('critical');
  });

  it('warns on failures above the per-minute threshold', () => {
    expect(queueHealth({ ...healthyQueue, failedPerMinute: 11 }, T)).toEqual({ level: 'warn', reasons: ['11 failed in the last minute > 10'] });
  });

  it('expects no worker on a disabled modality, but warns about jobs left on it', () => {
    expect(queueHealth({ ...healthyQueue, enabled: false, workers: 0 }, T)).toEqual({ level: 'ok', reasons: [], notes: ['modality disabled in the registry'] });
    expect(queueHealth({ ...healthyQueue, enabled: false, workers: 0, waiting: 4 }, T).level).toBe('warn');
  });

  it('reports every reason and takes the worst level', () => {
    const h = queueHealth({ ...healthyQueue, waiting: 200, workers: 0, oldestWaitingSeconds: 100, failedPerMinute: 50 }, T);
    expect(h.level).toBe('critical');
    expect(h.reasons).toHaveLength(4);
  });
});

describe('fusionHealth', () => {
  it('is red when the degraded share passes the threshold, amber past half of it', () => {
    expect(fusionHealth({ finalized: 10, degradedShare: 0.3, deadlineSlackP99Ms: null, overdueCases: 0 }, T)).toEqual({
      level: 'critical',
      reasons: ['30 % of 10 finalized cases degraded or failed > 20 %'],
    });
    expect(fusionHealth({ finalized: 10, degradedShare: 0.15, deadlineSlackP99Ms: null, overdueCases: 0 }, T).level).toBe('warn');
    expect(fusionHealth({ finalized: 10, degradedShare: 0.1, deadlineSlackP99Ms: null, overdueCases: 0 }, T).level).toBe('ok');
  });

  it('is red for cases pending past their deadline and for a high deadline slack', () => {
    expect(fusionHealth({ finalized: 0, degradedShare: null, deadlineSlackP99Ms: null, overdueCases: 2 }, T).reasons[0]).toMatch(/^2 cases pending more than 1000 ms past the deadline/);
    expect(fusionHealth({ finalized: 5, degradedShare: 0, deadlineSlackP99Ms: 1500, overdueCases: 0 }, T).level).toBe('critical');
    expect(fusionHealth({ finalized: 5, degradedShare: 0, deadlineSlackP99Ms: 600, overdueCases: 0 }, T).level).toBe('warn');
  });

  it('notes an empty window without changing the colour', () => {
    expect(fusionHealth({ finalized: 0, degradedShare: null, deadlineSlackP99Ms: null, overdueCases: 0 }, T)).toEqual({ level: 'ok', reasons: [], notes: ['no case finalized in the window'] });
  });
});

describe('redisHealth', () => {
  const safe = { memoryRatio: 0.1, evictionPolicy: 'noeviction', rdbEnabled: true, aofEnabled: false, rdbLastSaveOk: true, aofLastWriteOk: null };

  it('is ok with noeviction, persistence and memory to spare', () => {
    expect(redisHealth(safe, T)).toEqual({ level: 'ok', reasons: [] });
  });

  it('warns about any eviction policy but noeviction', () => {
    const h = redisHealth({ ...safe, evictionPolicy: 'allkeys-lru' }, T);
    expect(h.level).toBe('warn');
    expect(h.reasons[0]).toMatch(/^maxmemory-policy is allkeys-lru/);
  });

  it('is red above the memory threshold, amber near it, and only notes a missing maxmemory', () => {
    expect(redisHealth({ ...safe, memoryRatio: 0.81 }, T).level).toBe('critical');
    expect(redisHealth({ ...safe, memoryRatio: 0.7 }, T).level).toBe('warn');
    expect(redisHealth({ ...safe, memoryRatio: null }, T)).toEqual({ level: 'ok', reasons: [], notes: ['no maxmemory set: Redis grows until the host or container limit'] });
  });

  it('warns without any persistence and is red when a save or AOF write failed', () => {
    expect(redisHealth({ ...safe, rdbEnabled: false }, T).reasons[0]).toMatch(/^no persistence/);
    expect(redisHealth({ ...safe, rdbLastSaveOk: false }, T).level).toBe('critical');
    expect(redisHealth({ ...safe, aofEnabled: true, rdbEnabled: false, aofLastWriteOk: false }, T).level).toBe('critical');
    expect(redisHealth({ ...safe, aofEnabled: true, rdbEnabled: false, aofLastWriteOk: true }, T).level).toBe('ok');
  });
});

describe('worst', () => {
  it('orders ok < warn < critical', () => {
    expect(worst()).toBe('ok');
    expect(worst('ok', 'warn', 'ok')).toBe('warn');
    expect(worst('warn', 'critical', 'ok')).toBe('critical');
  });
});

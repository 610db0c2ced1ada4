/**
 * The health colours: pure rules from one sample and the configured thresholds (LF_DASHBOARD_*) to a level
 * and the reasons a person reads on the tile. `critical` is red (someone should act now), `warn` amber
 * (heading that way, or a risky setting), `ok` green. Notes are shown but change no colour.
 */
export type HealthLevel = 'ok' | 'warn' | 'critical';

export interface Health {
  level: HealthLevel;
  reasons: string[];
  notes?: string[];
}

export interface Thresholds {
  /** Ready work per queue (waiting, plus delayed retries outside the fusion queue). Amber at half. */
  maxBacklog: number;
  /** Age of the oldest job ready to run. Amber at half. */
  maxOldestWaitSeconds: number;
  /** Workers connected per enabled queue; fewer with work waiting is red, fewer with none amber. */
  minWorkers: number;
  /** Amber above this. */
  maxFailedPerMinute: number;
  /** Degraded or failed cases among those finalized in the window. Amber at half. */
  maxDegradedShare: number;
  /** p99 of (finalization - deadline) over deadline-finalized cases; also how overdue a pending case may get. */
  maxDeadlineSlackMs: number;
  /** Redis used_memory / maxmemory. Amber at 85 % of it. */
  maxMemoryRatio: number;
}

const RANK: Record<HealthLevel, number> = { ok: 0, warn: 1, critical: 2 };

export function worst(...levels: HealthLevel[]): HealthLevel {
  return levels.reduce<HealthLevel>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
}

class Verdict {
  level: HealthLevel = 'ok';
  readonly reasons: string[] = [];
  readonly notes: string[] = [];
  add(level: Exclude<HealthLevel, 'ok'>, reason: string): void {
    this.level = worst(this.level, level);
    this.reasons.push(reason);
  }
  note(text: string): void {
    this.notes.push(text);
  }
  done(): Health {
    return { level: this.level, reasons: this.reasons, ...(this.notes.length > 0 ? { notes: this.notes } : {}) };
  }
}

const fmtSeconds = (s: number) => (s >= 100 ? `${Math.round(s)} s` : `${Number(s.toFixed(1))} s`);
const pct = (r: number) => `${Number((r * 100).toFixed(1))} %`;

export interface QueueHealthInput {
  name: string;
  kind: 'modality' | 'fusion' | 'webhooks';
  enabled: boolean;
  waiting: number;
  delayed: number;
  /** null: unknown (CLIENT LIST refused, as on some managed Redis). */
  workers: number | null;
  oldestWaitingSeconds: number | null;
  failedPerMinute: number;
}

/** The fusion queue's delayed jobs can only be deadline triggers of an older gateway, not work: they are no backlog. */
export function backlogOf(q: Pick<QueueHealthInput, 'kind' | 'waiting' | 'delayed'>): number {
  return q.waiting + (q.kind === 'fusion' ? 0 : q.delayed);
}

export function queueHealth(q: QueueHealthInput, t: Thresholds): Health {
  const v = new Verdict();
  if (!q.enabled) {
    if (q.waiting > 0) v.add('warn', `${q.waiting} waiting on a disabled modality (nothing will take them unless a worker still runs)`);
    else v.note('modality disabled in the registry');
    return v.done();
  }
  if (q.workers === null) v.note('workers unknown: CLIENT LIST is not allowed on this Redis');
  else if (q.workers < t.minWorkers) {
    if (q.waiting > 0) v.add('critical', `${q.waiting} waiting and ${q.workers} worker${q.workers === 1 ? '' : 's'} connected (min ${t.minWorkers})`);
    else v.add('warn', `${q.workers} worker${q.workers === 1 ? '' : 's'} connected (min ${t.minWorkers})`);
  }
  const backlog = backlogOf(q);
  if (backlog > t.maxBacklog) v.add('critical', `backlog ${backlog} > ${t.maxBacklog}`);
  else if (backlog > t.maxBacklog / 2) v.add('warn', `backlog ${backlog} > half of ${t.maxBacklog}`);
  if (q.oldestWaitingSeconds !== null) {
    if (q.oldestWaitingSeconds > t.maxOldestWaitSeconds) {
      v.add('critical', `oldest waiting job ${fmtSeconds(q.oldestWaitingSeconds)} > ${fmtSeconds(t.maxOldestWaitSeconds)}${q.workers ? ' (workers connected but not taking jobs?)' : ''}`);
    } else if (q.oldestWaitingSeconds > t.maxOldestWaitSeconds / 2) {
      v.add('warn', `oldest waiting job ${fmtSeconds(q.oldestWaitingSeconds)} > half of ${fmtSeconds(t.maxOldestWaitSeconds)}`);
    }
  }
  if (q.failedPerMinute > t.maxFailedPerMinute) v.add('warn', `${q.failedPerMinute} failed in the last minute > ${t.maxFailedPerMinute}`);
  return v.done();
}

export interface FusionHealthInput {
  finalized: number;
  degradedShare: number | null;
  /** p99 of the slack of deadline-finalized cases, ms. */
  deadlineSlackP99Ms: number | null;
  overdueCases: number;
}

export function fusionHealth(f: FusionHealthInput, t: Thresholds): Health {
  const v = new Verdict();
  if (f.overdueCases > 0) {
    v.add('critical', `${f.overdueCases} case${f.overdueCases === 1 ? '' : 's'} pending more than ${t.maxDeadlineSlackMs} ms past the deadline (aggregator down or behind?)`);
  }
  if (f.degradedShare !== null) {
    const detail = `${pct(f.degradedShare)} of ${f.finalized} finalized cases degraded or failed`;
    if (f.degradedShare > t.maxDegradedShare) v.add('critical', `${detail} > ${pct(t.maxDegradedShare)}`);
    else if (f.degradedShare > t.maxDegradedShare / 2) v.add('warn', `${detail} > half of ${pct(t.maxDegradedShare)}`);
  }
  if (f.deadlineSlackP99Ms !== null) {
    if (f.deadlineSlackP99Ms > t.maxDeadlineSlackMs) v.add('critical', `deadline finalizations p99 ${Math.round(f.deadlineSlackP99Ms)} ms after the deadline > ${t.maxDeadlineSlackMs} ms`);
    else if (f.deadlineSlackP99Ms > t.maxDeadlineSlackMs / 2) v.add('warn', `deadline finalizations p99 ${Math.round(f.deadlineSlackP99Ms)} ms after the deadline > half of ${t.maxDeadlineSlackMs} ms`);
  }
  if (f.finalized === 0) v.note('no case finalized in the window');
  return v.done();
}

export interface RedisHealthInput {
  memoryRatio: number | null;
  evictionPolicy: string;
  /** null: unknown (CONFIG GET refused, e.g. a managed Redis). */
  rdbEnabled: boolean | null;
  aofEnabled: boolean;
  rdbLastSaveOk: boolean | null;
  aofLastWriteOk: boolean | null;
}

export function redisHealth(r: RedisHealthInput, t: Thresholds): Health {
  const v = new Verdict();
  if (r.evictionPolicy !== 'noeviction') {
    v.add('warn', `maxmemory-policy is ${r.evictionPolicy}: under memory pressure Redis may evict jobs and cases (BullMQ needs noeviction)`);
  }
  if (r.memoryRatio === null) v.note('no maxmemory set: Redis grows until the host or container limit');
  else if (r.memoryRatio > t.maxMemoryRatio) v.add('critical', `memory ${pct(r.memoryRatio)} of maxmemory > ${pct(t.maxMemoryRatio)}`);
  else if (r.memoryRatio > 0.85 * t.maxMemoryRatio) v.add('warn', `memory ${pct(r.memoryRatio)} of maxmemory, near ${pct(t.maxMemoryRatio)}`);
  if (r.rdbLastSaveOk === false) v.add('critical', 'the last RDB snapshot failed');
  if (r.aofLastWriteOk === false) v.add('critical', 'the last AOF write failed');
  if (!r.aofEnabled && r.rdbEnabled === false) v.add('warn', 'no persistence (no AOF, no RDB schedule): a Redis restart loses queued jobs and pending cases');
  if (!r.aofEnabled && r.rdbEnabled === null) v.note('AOF is off; the RDB schedule is unknown (CONFIG GET refused)');
  return v.done();
}

/**
 * What the dashboard takes from a finished BullMQ job hash: times, attempts and (modality queues only) the
 * worker's outcome. Read with HMGET of exactly these fields: `data` (which for a modality job is a blob key
 * and ids, but is the job's payload) is never read, so nothing of it can reach a page.
 */
export const JOB_TIME_FIELDS = ['name', 'timestamp', 'opts', 'processedOn', 'finishedOn', 'atm', 'ats'] as const;

export interface FinishedJob {
  id: string;
  finishedOn: number;
  /** From ready (created + initial delay) to the start of the last attempt, ms; null when unknown. */
  waitMs: number | null;
  /** The last attempt, from start to finish, ms. */
  processingMs: number | null;
  attempts: number;
  /** A modality worker recorded the score after the case was finalized (its return value says 'late'). */
  late: boolean;
}

const int = (raw: string | null | undefined): number | null => {
  if (raw === null || raw === undefined || raw === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
};

/** The delay the job was created with (`opts.delay`; the hash's own `delay` field is 0 once promoted). */
export function initialDelayMs(optsJson: string | null | undefined): number {
  if (!optsJson) return 0;
  try {
    const delay = (JSON.parse(optsJson) as { delay?: unknown }).delay;
    return typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? delay : 0;
  } catch {
    return 0;
  }
}

/** When the job became ready to run (epoch ms, the producer's clock), or null. */
export function readyAt(fields: { timestamp: string | null; opts: string | null }): number | null {
  const timestamp = int(fields.timestamp);
  return timestamp === null ? null : timestamp + initialDelayMs(fields.opts);
}

/** Only the `outcome` of a modality job's return value ({status, outcome, modelVersion}). */
export function isLateOutcome(returnValue: string | null | undefined): boolean {
  if (!returnValue) return false;
  try {
    const parsed = JSON.parse(returnValue) as { outcome?: unknown } | null;
    return typeof parsed === 'object' && parsed !== null && parsed.outcome === 'late';
  } catch {
    return false;
  }
}

/** `values`: HMGET of JOB_TIME_FIELDS (+ returnvalue last when `withReturnValue`). Null when the job is gone. */
export function finishedJobFrom(id: string, values: ReadonlyArray<string | null>, withReturnValue: boolean): FinishedJob | null {
  const [, timestamp, opts, processedOn, finishedOn, atm] = values;
  const finished = int(finishedOn);
  if (finished === null) return null;
  const ready = readyAt({ timestamp, opts });
  const started = int(processedOn);
  return {
    id,
    finishedOn: finished,
    waitMs: ready !== null && started !== null ? Math.max(0, started - ready) : null,
    processingMs: started !== null ? Math.max(0, finished - started) : null,
    attempts: int(atm) ?? 0,
    late: withReturnValue && isLateOutcome(values[JOB_TIME_FIELDS.length]),
  };
}

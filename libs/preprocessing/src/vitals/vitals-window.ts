import type { VitalReading } from './read-vital-samples';
import { vitalsTimeSteps, type VitalsSpec } from './vitals-spec';

export interface VitalsWindow {
  /** Assessment time: the latest sample time (with or without values). Window is (startMs, endMs]. */
  endMs: number;
  startMs: number;
  stepMs: number;
  steps: number;
}

/**
 * The assessment time is the latest sample, not "now": preprocessing must be pure and give the same
 * tensor in training (historical data) and in the worker (whatever the queue delay).
 */
export function vitalsWindow(readings: readonly VitalReading[], spec: VitalsSpec): VitalsWindow {
  const steps = vitalsTimeSteps(spec);
  let endMs = -Infinity;
  for (const r of readings) if (r.timeMs > endMs) endMs = r.timeMs;
  const stepMs = spec.stepMinutes * 60_000;
  return { endMs, startMs: endMs - steps * stepMs, stepMs, steps };
}

/**
 * Bin of a time inside the window: bins are right-closed, (start + k*step, start + (k+1)*step], so the
 * latest sample falls in the last bin and one exactly `hours` old falls before the window.
 * Returns -1 for times at or before the window start.
 */
export function binIndex(timeMs: number, w: VitalsWindow): number {
  if (timeMs <= w.startMs) return -1;
  return Math.min(w.steps - 1, Math.ceil((timeMs - w.startMs) / w.stepMs) - 1);
}

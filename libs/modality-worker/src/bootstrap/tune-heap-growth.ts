import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8's old generation grow to 1 + percent/100 times what survived the last full GC before it starts
 * the next one (V8 picks 1.1-4x from its own measurements; 0 keeps that).
 *
 * Why the workers set it: a worker's heap is small (~25 MB live) and every job allocates buffers of
 * claim-checked input; V8 kept the limit at ~1.5x and ran a mark-compact every ~300 ms in the imaging worker
 * at 100 cases/s (28 in 13 s, against 1 in the tabular worker), which is where its CPU per case jumped
 * between ~3.0 and ~4.4 ms from run to run. At 200 it ran 3 mark-compacts in the same time and stayed at
 * ~3.1-3.2 ms, for ~20 MB more peak RSS. NODE_OPTIONS refuses this V8 flag, and V8 reads it each time it
 * sets a new limit, so setting it at start-up, before the first full GC, is enough.
 */
export function tuneHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new Error(`heap growing percent must be a non-negative integer, got ${percent}`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

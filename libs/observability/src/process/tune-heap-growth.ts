import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8's old generation grow to 1 + percent/100 times what survived the last full GC before it starts
 * the next one (V8 picks 1.1-4x from its own measurements; 0 keeps that).
 *
 * Each app sets it from LF_V8_HEAP_GROWING_PERCENT with its own default, because V8's own choice went wrong
 * both ways here (measured at 100 cases/s and at saturation on the 2-core VM):
 * - workers (default 200): a small heap (~25 MB live) and buffer-heavy jobs; V8 kept the limit at ~1.5x and
 *   ran a mark-compact every ~300 ms in the imaging worker (28 in 13 s, 1 in the tabular worker), which is
 *   where its CPU per case jumped between ~3.0 and ~4.4 ms from run to run. At 200: 3-4 full GCs, ~3.1-3.2 ms,
 *   ~20 MB more peak RSS;
 * - gateway and aggregator (default 100): under load V8 let the gateway's heap reach ~3x its live data
 *   (98 MB used, 33 MB live, 48 MB of dead request buffers waiting for the same GC) and its RSS passed
 *   250 MB. At 100: peak ~190 MB for ~0.2 ms more gateway CPU per case at saturation (50: ~167 MB, +0.8 ms).
 * NODE_OPTIONS refuses this V8 flag, and V8 reads it each time it sets a new limit, so setting it at
 * start-up, before the first full GC, is enough.
 */
export function tuneHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new Error(`heap growing percent must be a non-negative integer, got ${percent}`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

import { VITAL_SIGN_NAMES, type VitalSign } from '@lf/contracts';
import type { VitalReading } from './read-vital-samples';
import { binIndex, type VitalsWindow } from './vitals-window';

export interface BinnedVitals {
  /** [T, 6] row-major raw values (channel units), every cell filled. */
  values: Float64Array;
  /** [T, 6] row-major, 1 where the bin holds at least one sample of that channel. */
  mask: Uint8Array;
  /** Channels with no sample anywhere in the series (filled from the training median throughout). */
  neverObserved: VitalSign[];
}

/**
 * Per channel: mean of the samples in each bin; an empty bin carries forward the last observed value
 * (a measurement before the window counts, which is why the whole series is passed), and before any
 * measurement it takes the training median. "Last observed" is the latest sample, not the previous
 * bin's mean; samples sharing that timestamp are averaged so the result does not depend on input order.
 */
export function binVitals(
  readings: readonly VitalReading[],
  window: VitalsWindow,
  medians: Readonly<Record<VitalSign, number>>,
): BinnedVitals {
  const C = VITAL_SIGN_NAMES.length;
  const T = window.steps;
  const values = new Float64Array(T * C);
  const mask = new Uint8Array(T * C);
  const neverObserved: VitalSign[] = [];

  VITAL_SIGN_NAMES.forEach((name, c) => {
    // Sorting by (time, value) makes every sum below independent of the order samples arrived in.
    const points = readings
      .filter((r) => r.values[name] !== undefined)
      .map((r) => ({ t: r.timeMs, v: r.values[name] as number }))
      .sort((a, b) => a.t - b.t || a.v - b.v);
    if (points.length === 0) neverObserved.push(name);

    const sum = new Float64Array(T);
    const count = new Uint32Array(T);
    // carryAfter[k]: the last observed value at the end of bin k (NaN: nothing observed yet).
    const carryAfter = new Float64Array(T);
    let carry = NaN;
    let p = 0;
    // k = -1 consumes the samples before the window; points are time-sorted, so bins never decrease.
    for (let k = -1; k < T; k++) {
      while (p < points.length && binIndex(points[p].t, window) === k) {
        const t = points[p].t;
        let groupSum = 0;
        let groupCount = 0;
        for (; p < points.length && points[p].t === t; p++) {
          groupSum += points[p].v;
          groupCount++;
        }
        if (k >= 0) {
          sum[k] += groupSum;
          count[k] += groupCount;
        }
        carry = groupSum / groupCount;
      }
      if (k >= 0) carryAfter[k] = carry;
    }

    for (let k = 0; k < T; k++) {
      const cell = k * C + c;
      if (count[k] > 0) {
        values[cell] = sum[k] / count[k];
        mask[cell] = 1;
      } else {
        values[cell] = Number.isNaN(carryAfter[k]) ? medians[name] : carryAfter[k];
      }
    }
  });
  return { values, mask, neverObserved };
}

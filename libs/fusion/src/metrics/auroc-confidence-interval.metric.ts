import { mulberry32 } from '../math/mulberry32';
import { normalQuantile } from '../math/normal-quantile';
import { assertBinaryInputs } from '../validation/binary-inputs';
import { auroc } from './auroc.metric';
import { midranks } from './midranks';

export type AurocIntervalOptions =
  | { method?: 'delong'; level?: number }
  | { method: 'bootstrap'; level?: number; iterations?: number; seed?: number };

export interface AurocInterval {
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  method: 'delong' | 'bootstrap';
  /** DeLong's standard error; for the bootstrap, the standard deviation of the replicates. */
  standardError: number;
}

/**
 * Confidence interval for the AUROC.
 *
 * - 'delong' (default): DeLong et al. (1988) variance of the Mann-Whitney AUROC, computed in
 *   O(n log n) with the midrank formulation of Sun & Xu (2014); normal interval estimate +/- z * SE,
 *   clipped to [0, 1]. Deterministic, which is why it is the default for reports that are committed.
 * - 'bootstrap': stratified percentile bootstrap (positives and negatives resampled separately, so every
 *   replicate has both classes), seeded PRNG so the interval is reproducible. Default 2000 replicates.
 */
export function aurocConfidenceInterval(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: AurocIntervalOptions = {},
): AurocInterval {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`aurocConfidenceInterval: level must be in (0, 1), got ${level}`);
  assertBinaryInputs('aurocConfidenceInterval', scores, labels, { requireBothClasses: true });
  return options.method === 'bootstrap'
    ? bootstrapInterval(scores, labels, level, options.iterations ?? 2000, options.seed ?? 1)
    : delongInterval(scores, labels, level);
}

function splitByClass(scores: ArrayLike<number>, labels: ArrayLike<number>): { pos: number[]; neg: number[] } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < scores.length; i++) (labels[i] === 1 ? pos : neg).push(scores[i]);
  return { pos, neg };
}

function sampleVariance(values: Float64Array): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return ss / (n - 1);
}

function delongInterval(scores: ArrayLike<number>, labels: ArrayLike<number>, level: number): AurocInterval {
  const { pos, neg } = splitByClass(scores, labels);
  const m = pos.length;
  const n = neg.length;
  const combined = midranks([...pos, ...neg]);
  const rankPos = midranks(pos);
  const rankNeg = midranks(neg);
  // Structural components: v10[i] = P(negative < pos_i) (+1/2 ties), v01[j] = P(positive > neg_j).
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let rankSum = 0;
  for (let i = 0; i < m; i++) {
    rankSum += combined[i];
    v10[i] = (combined[i] - rankPos[i]) / n;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (combined[m + j] - rankNeg[j]) / m;
  const estimate = (rankSum - (m * (m + 1)) / 2) / (m * n);
  const standardError = Math.sqrt(sampleVariance(v10) / m + sampleVariance(v01) / n);
  const z = normalQuantile(1 - (1 - level) / 2);
  return {
    estimate,
    lower: Math.max(0, estimate - z * standardError),
    upper: Math.min(1, estimate + z * standardError),
    level,
    method: 'delong',
    standardError,
  };
}

function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function bootstrapInterval(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  level: number,
  iterations: number,
  seed: number,
): AurocInterval {
  if (!Number.isInteger(iterations) || iterations < 2) {
    throw new RangeError(`aurocConfidenceInterval: bootstrap iterations must be an integer >= 2, got ${iterations}`);
  }
  const { pos, neg } = splitByClass(scores, labels);
  const m = pos.length;
  const n = neg.length;
  const random = mulberry32(seed);
  const sampleScores = new Float64Array(m + n);
  const sampleLabels = new Uint8Array(m + n);
  sampleLabels.fill(1, 0, m);
  const replicates = new Float64Array(iterations);
  for (let b = 0; b < iterations; b++) {
    for (let i = 0; i < m; i++) sampleScores[i] = pos[Math.floor(random() * m)];
    for (let j = 0; j < n; j++) sampleScores[m + j] = neg[Math.floor(random() * n)];
    replicates[b] = auroc(sampleScores, sampleLabels);
  }
  let mean = 0;
  for (const r of replicates) mean += r;
  mean /= iterations;
  let ss = 0;
  for (const r of replicates) ss += (r - mean) * (r - mean);
  replicates.sort();
  const alpha = (1 - level) / 2;
  return {
    estimate: auroc(scores, labels),
    lower: quantileSorted(replicates, alpha),
    upper: quantileSorted(replicates, 1 - alpha),
    level,
    method: 'bootstrap',
    standardError: Math.sqrt(ss / (iterations - 1)),
  };
}

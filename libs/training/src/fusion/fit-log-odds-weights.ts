import { logit, sigmoid } from '@lf/fusion';
import type { FusionRows } from './modality-dropout';

/**
 * Log-odds pooling treats each modality as evidence shifting the prior: logit(p) = logit(prior) +
 * sum_m w_m (z_m - logit(prior)). With w_m = 1 that assumes conditionally independent modalities, which
 * they are not (they share the latent severity), so the weights are fitted: projected gradient descent on
 * the log loss with w >= 0, which keeps the strategy monotone in every modality.
 */
export function fitLogOddsWeights(rows: FusionRows, prior: number, iterations = 500, learningRate = 0.5): Record<string, number> {
  const m = rows.modalities.length;
  const n = rows.labels.length;
  const base = logit(prior);
  const w = new Float64Array(m).fill(0.5);
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      let s = base;
      for (let k = 0; k < m; k++) if (rows.mask[i * m + k] > 0) s += w[k] * (rows.z[i * m + k] - base);
      const err = sigmoid(s) - rows.labels[i];
      for (let k = 0; k < m; k++) if (rows.mask[i * m + k] > 0) grad[k] += err * (rows.z[i * m + k] - base);
    }
    for (let k = 0; k < m; k++) w[k] = Math.max(0, w[k] - (learningRate * grad[k]) / n);
  }
  return Object.fromEntries(rows.modalities.map((name, k) => [name, Math.round(w[k] * 1e6) / 1e6]));
}

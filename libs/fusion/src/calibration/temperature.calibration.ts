import { softplus } from '../math/softplus';
import { assertBinaryInputs } from '../validation/binary-inputs';
import { sigmoid } from './sigmoid';

/** p = sigmoid(logit / t). */
export interface TemperatureParams {
  t: number;
}

export interface TemperatureOptions {
  sampleWeights?: ArrayLike<number>;
  /** Search interval for t. Defaults to [0.01, 100]: anything outside means the model is broken, not miscalibrated. */
  minT?: number;
  maxT?: number;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Temperature scaling: one positive scalar t minimising the weighted negative log-likelihood of
 * sigmoid(logit / t). Unlike Platt it cannot shift the base rate or flip the ranking, which makes it the
 * safer choice on small validation sets.
 *
 * Golden-section search over u = log t: the NLL is convex in 1/t (a logistic regression without
 * intercept), hence unimodal in any monotone reparametrisation, so a bracketing search finds the global
 * minimum without derivatives; log t makes the search scale-free (0.5 and 2 are equally far from 1).
 */
export function fitTemperature(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: TemperatureOptions = {},
): TemperatureParams {
  // With one class the fit is degenerate (typically t runs to a search bound): refuse rather than return it.
  assertBinaryInputs('fitTemperature', logits, labels, { requireBothClasses: true, sampleWeights: options.sampleWeights });
  const minT = options.minT ?? 0.01;
  const maxT = options.maxT ?? 100;
  if (!(minT > 0 && maxT > minT)) throw new RangeError('fitTemperature: need 0 < minT < maxT');
  const n = logits.length;
  const w = options.sampleWeights;
  const nll = (u: number) => {
    const inv = Math.exp(-u);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const eta = logits[i] * inv;
      loss += (w ? w[i] : 1) * (softplus(eta) - labels[i] * eta);
    }
    return loss;
  };
  let lo = Math.log(minT);
  let hi = Math.log(maxT);
  let x1 = hi - GOLDEN * (hi - lo);
  let x2 = lo + GOLDEN * (hi - lo);
  let f1 = nll(x1);
  let f2 = nll(x2);
  // 1e-7 in log t is a relative precision of 1e-7 in t: far below sampling noise.
  while (hi - lo > 1e-7) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - GOLDEN * (hi - lo);
      f1 = nll(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + GOLDEN * (hi - lo);
      f2 = nll(x2);
    }
  }
  return { t: Math.exp((lo + hi) / 2) };
}

export function applyTemperature(params: TemperatureParams, logit: number): number {
  return sigmoid(logit / params.t);
}

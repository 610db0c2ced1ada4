import { softplus } from './softplus';
import { solveSpd } from './solve-spd';

/**
 * L2-penalised, sample-weighted logistic regression by damped Newton (IRLS) steps.
 * Shared by Platt scaling (one feature) and stacking (logits + presence indicators).
 *
 * Objective: sum_i w_i [softplus(eta_i) - y_i eta_i] / sum_i w_i  +  (l2 / 2) * |coefficients|^2,
 * i.e. the penalty is relative to the *mean* weighted loss, so the same l2 means the same thing for
 * 500 or 500 000 rows and for any scaling of the sample (class) weights. The intercept is not
 * penalised (it only has to absorb the base rate), unless `penalizeIntercept` asks for it.
 *
 * Why damped Newton: plain IRLS diverges on separable data (the optimum is at infinity and the weights
 * p(1-p) underflow). The L2 term makes the optimum finite, a tiny ridge keeps the Hessian invertible
 * (collinear presence indicators, constant features), and a backtracking line search guarantees that
 * every accepted step lowers the objective.
 */
export interface LogisticRegressionOptions {
  l2: number;
  sampleWeights?: ArrayLike<number>;
  penalizeIntercept?: boolean;
  maxIterations?: number;
  /** Stop when the largest gradient component is below this. */
  tolerance?: number;
}

export interface LogisticRegressionFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
  /** Final value of the penalised mean loss. */
  loss: number;
}

/** Hessian jitter: keeps Cholesky well-defined when a feature is constant or duplicated and l2 is 0. */
const RIDGE = 1e-10;

/**
 * @param features row-major design matrix without the intercept column, `rows * d` entries.
 */
export function fitLogisticRegression(
  features: Float64Array,
  d: number,
  labels: ArrayLike<number>,
  options: LogisticRegressionOptions,
): LogisticRegressionFit {
  const n = labels.length;
  if (features.length !== n * d) throw new RangeError(`fitLogisticRegression: expected ${n * d} features, got ${features.length}`);
  if (!(options.l2 >= 0) || !Number.isFinite(options.l2)) throw new RangeError(`fitLogisticRegression: l2 must be finite and >= 0`);
  const p = d + 1; // parameter 0 is the intercept
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  const penaltyMask = new Float64Array(p).fill(options.l2);
  if (!options.penalizeIntercept) penaltyMask[0] = 0;

  const w = new Float64Array(n);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    w[i] = options.sampleWeights ? options.sampleWeights[i] : 1;
    totalWeight += w[i];
  }
  for (let i = 0; i < n; i++) w[i] /= totalWeight;

  const beta = new Float64Array(p);
  const eta = new Float64Array(n);

  const computeEta = (b: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = b[0];
      const row = i * d;
      for (let j = 0; j < d; j++) s += b[j + 1] * features[row + j];
      out[i] = s;
    }
  };
  const objective = (b: Float64Array, e: Float64Array) => {
    let loss = 0;
    for (let i = 0; i < n; i++) if (w[i] > 0) loss += w[i] * (softplus(e[i]) - labels[i] * e[i]);
    for (let j = 0; j < p; j++) loss += 0.5 * penaltyMask[j] * b[j] * b[j];
    return loss;
  };

  computeEta(beta, eta);
  let loss = objective(beta, eta);
  let converged = false;
  let iterations = 0;
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const x = new Float64Array(p);
  const candidate = new Float64Array(p);
  const candidateEta = new Float64Array(n);

  for (; iterations < maxIterations; iterations++) {
    grad.fill(0);
    hess.fill(0);
    x[0] = 1;
    for (let i = 0; i < n; i++) {
      if (w[i] === 0) continue;
      const mu = 1 / (1 + Math.exp(-eta[i]));
      const r = w[i] * (mu - labels[i]);
      const h = w[i] * mu * (1 - mu);
      const row = i * d;
      for (let j = 0; j < d; j++) x[j + 1] = features[row + j];
      for (let j = 0; j < p; j++) {
        grad[j] += r * x[j];
        const hj = h * x[j];
        if (hj === 0) continue;
        for (let k = 0; k <= j; k++) hess[j * p + k] += hj * x[k];
      }
    }
    let maxGrad = 0;
    for (let j = 0; j < p; j++) {
      grad[j] += penaltyMask[j] * beta[j];
      hess[j * p + j] += penaltyMask[j] + RIDGE;
      for (let k = 0; k < j; k++) hess[k * p + j] = hess[j * p + k];
      maxGrad = Math.max(maxGrad, Math.abs(grad[j]));
    }
    if (maxGrad < tolerance) {
      converged = true;
      break;
    }
    const step = solveSpd(hess, grad);
    // Backtracking (Armijo) on the penalised loss: accept the largest t in 1, 1/2, 1/4, ... that decreases it.
    let directional = 0;
    for (let j = 0; j < p; j++) directional += grad[j] * step[j];
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 60; halvings++, t /= 2) {
      for (let j = 0; j < p; j++) candidate[j] = beta[j] - t * step[j];
      computeEta(candidate, candidateEta);
      const candidateLoss = objective(candidate, candidateEta);
      if (candidateLoss <= loss - 1e-4 * t * directional) {
        beta.set(candidate);
        eta.set(candidateEta);
        const improvement = loss - candidateLoss;
        loss = candidateLoss;
        accepted = true;
        // A step that no longer moves the loss at double precision is as converged as we can get.
        if (improvement <= 1e-15 * Math.max(1, Math.abs(loss))) converged = true;
        break;
      }
    }
    if (!accepted || converged) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { intercept: beta[0], coefficients: Array.from(beta.subarray(1)), iterations, converged, loss };
}

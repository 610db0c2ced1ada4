import { fitLogisticRegression } from '../math/logistic-regression';
import { assertBinaryInputs } from '../validation/binary-inputs';
import { sigmoid } from './sigmoid';

/** p = sigmoid(a * logit + b). */
export interface PlattParams {
  a: number;
  b: number;
}

export interface PlattOptions {
  /** Per-sample weights, e.g. class weights when the validation split is imbalanced. */
  sampleWeights?: ArrayLike<number>;
  /**
   * L2 on the slope, relative to the mean loss. The default is tiny: it changes a well-posed fit by
   * ~1e-3 but keeps the slope finite when validation scores separate the classes perfectly, where
   * the unpenalised maximum-likelihood slope is infinite.
   */
  l2?: number;
}

export const DEFAULT_PLATT_L2 = 1e-4;

/**
 * Platt scaling: a one-feature logistic regression of the labels on the model's raw logits, fitted by
 * damped Newton (IRLS). Plain 0/1 targets are used (not Platt's smoothed (N+1)/(N+2) targets): the L2
 * term already handles separable data, and plain targets keep the fit the maximum-likelihood one.
 */
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<number>, options: PlattOptions = {}): PlattParams {
  assertBinaryInputs('fitPlatt', logits, labels, { requireBothClasses: true, sampleWeights: options.sampleWeights });
  const fit = fitLogisticRegression(Float64Array.from(logits), 1, labels, {
    l2: options.l2 ?? DEFAULT_PLATT_L2,
    sampleWeights: options.sampleWeights,
  });
  return { a: fit.coefficients[0], b: fit.intercept };
}

export function applyPlatt(params: PlattParams, logit: number): number {
  return sigmoid(params.a * logit + params.b);
}

import { assertBinaryInputs } from '../validation/binary-inputs';

/**
 * A non-decreasing piecewise-linear map from score to probability: strictly increasing knots `x`
 * with values `y`; linear between knots, constant beyond the ends (same convention as scikit-learn's
 * IsotonicRegression with out_of_bounds='clip'). Plain arrays so it serialises into a model manifest.
 */
export interface IsotonicParams {
  x: number[];
  y: number[];
}

export interface IsotonicOptions {
  sampleWeights?: ArrayLike<number>;
}

interface Block {
  sumWy: number;
  sumW: number;
  xMin: number;
  xMax: number;
}

/**
 * Isotonic calibration by pool-adjacent-violators. Equal scores are pooled first so that tied inputs
 * always map to one output. Needs a large validation set (it has as many degrees of freedom as blocks);
 * it can output exactly 0 or 1, which downstream log-odds code clamps.
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>, options: IsotonicOptions = {}): IsotonicParams {
  const { n } = assertBinaryInputs('fitIsotonic', scores, labels, { sampleWeights: options.sampleWeights });
  const w = options.sampleWeights;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  const stack: Block[] = [];
  for (let k = 0; k < n; ) {
    // One candidate block per distinct score.
    const x = scores[order[k]];
    let sumW = 0;
    let sumWy = 0;
    for (; k < n && scores[order[k]] === x; k++) {
      const wi = w ? w[order[k]] : 1;
      sumW += wi;
      sumWy += wi * labels[order[k]];
    }
    if (sumW === 0) continue;
    let block: Block = { sumWy, sumW, xMin: x, xMax: x };
    // Merge backwards while the previous block's mean is not below ours (>= also merges equal
    // neighbours, which only shortens the knot list; the function is unchanged).
    while (stack.length > 0) {
      const prev = stack[stack.length - 1];
      if (prev.sumWy / prev.sumW < block.sumWy / block.sumW) break;
      stack.pop();
      block = { sumWy: prev.sumWy + block.sumWy, sumW: prev.sumW + block.sumW, xMin: prev.xMin, xMax: block.xMax };
    }
    stack.push(block);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (const b of stack) {
    const v = b.sumWy / b.sumW;
    xs.push(b.xMin);
    ys.push(v);
    if (b.xMax > b.xMin) {
      xs.push(b.xMax);
      ys.push(v);
    }
  }
  return { x: xs, y: ys };
}

export function applyIsotonic(params: IsotonicParams, score: number): number {
  const { x, y } = params;
  const last = x.length - 1;
  if (last < 0) throw new RangeError('applyIsotonic: empty calibration');
  if (Number.isNaN(score)) throw new RangeError('applyIsotonic: score is NaN');
  if (score <= x[0]) return y[0];
  if (score >= x[last]) return y[last];
  // Binary search for the segment x[lo] <= score < x[lo + 1].
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= score) lo = mid;
    else hi = mid;
  }
  const f = (score - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + f * (y[hi] - y[lo]);
}

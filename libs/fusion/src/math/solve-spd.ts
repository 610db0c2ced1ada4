/**
 * Solves A x = b for a small symmetric positive-definite A (row-major, d x d) by Cholesky.
 * The Newton steps of logistic regression need exactly this, for d <= ~20 parameters, so a dense
 * O(d^3) factorisation is the simplest correct choice. Throws if A is not numerically positive definite
 * (callers add a ridge term so that this does not happen on collinear features).
 */
export function solveSpd(a: Float64Array, b: Float64Array): Float64Array {
  const d = b.length;
  if (a.length !== d * d) throw new RangeError(`solveSpd: matrix is ${a.length} entries, expected ${d * d}`);
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j];
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(sum > 0)) throw new RangeError('solveSpd: matrix is not positive definite');
        l[i * d + i] = Math.sqrt(sum);
      } else {
        l[i * d + j] = sum / l[j * d + j];
      }
    }
  }
  // Forward substitution L y = b, then back substitution L^T x = y.
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * d + k] * y[k];
    y[i] = sum / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k];
    x[i] = sum / l[i * d + i];
  }
  return x;
}

/**
 * log(1 + e^x) without overflow for large x or loss of precision for very negative x.
 * Logistic negative log-likelihood is softplus(eta) - y * eta; computing it through softplus keeps the
 * loss finite on separable data, where eta grows large and sigmoid(eta) rounds to exactly 1.
 */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Ridge logistic regression by Newton's method, for the oracle check only. Columns are standardized
 * on the training rows; NaN (a missing field) is imputed with the training mean and, when a column
 * has any NaN, a 0/1 missingness indicator column is added (missingness is informative here).
 */
export interface LogisticModel {
  predict(row: number[]): number;
}

export function fitLogistic(rows: number[][], labels: number[], ridge = 1, iterations = 25): LogisticModel {
  const p = rows[0].length;
  const means: number[] = [];
  const sds: number[] = [];
  const hasMissing: boolean[] = [];
  for (let j = 0; j < p; j++) {
    const values = rows.map((r) => r[j]).filter((v) => !Number.isNaN(v));
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
    const variance = values.length ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length : 0;
    means.push(mean);
    sds.push(Math.sqrt(variance) || 1);
    hasMissing.push(values.length < rows.length);
  }
  const design = (row: number[]): number[] => {
    const x = [1];
    for (let j = 0; j < p; j++) {
      const missing = Number.isNaN(row[j]);
      x.push(missing ? 0 : (row[j] - means[j]) / sds[j]);
      if (hasMissing[j]) x.push(missing ? 1 : 0);
    }
    return x;
  };
  const X = rows.map(design);
  const q = X[0].length;
  const w = new Array<number>(q).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(q).fill(0);
    const hess = Array.from({ length: q }, () => new Array<number>(q).fill(0));
    X.forEach((x, i) => {
      const prob = 1 / (1 + Math.exp(-dot(w, x)));
      const weight = prob * (1 - prob);
      for (let a = 0; a < q; a++) {
        grad[a] += (prob - labels[i]) * x[a];
        for (let b = 0; b <= a; b++) hess[a][b] += weight * x[a] * x[b];
      }
    });
    for (let a = 0; a < q; a++) {
      for (let b = 0; b < a; b++) hess[b][a] = hess[a][b];
      if (a > 0) {
        grad[a] += ridge * w[a];
        hess[a][a] += ridge;
      }
    }
    const step = solve(hess, grad);
    for (let a = 0; a < q; a++) w[a] -= step[a];
  }
  return { predict: (row) => dot(w, design(row)) };
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Gaussian elimination with partial pivoting (the Hessian is small and positive definite). */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const A = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r][col]) > Math.abs(A[pivot][col])) pivot = r;
    [A[col], A[pivot]] = [A[pivot], A[col]];
    for (let r = col + 1; r < n; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c <= n; c++) A[r][c] -= f * A[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r][n];
    for (let c = r + 1; c < n; c++) s -= A[r][c] * x[c];
    x[r] = s / A[r][r];
  }
  return x;
}

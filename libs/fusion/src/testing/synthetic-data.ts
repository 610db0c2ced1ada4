import { sigmoid } from '../calibration/sigmoid';
import { mulberry32 } from '../math/mulberry32';

/** Test-only generators (not exported from the lib): seeded, so every assertion is reproducible. */
export function gaussian(random: () => number): () => number {
  return () => {
    // Box-Muller; 1 - u keeps log away from 0.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** n scores x ~ N(0, sd^2) and labels y ~ Bernoulli(sigmoid(a x + b)). */
export function logisticSample(n: number, a: number, b: number, seed: number, sd = 1.5): { x: number[]; y: (0 | 1)[] } {
  const random = mulberry32(seed);
  const normal = gaussian(random);
  const x: number[] = [];
  const y: (0 | 1)[] = [];
  for (let i = 0; i < n; i++) {
    const xi = sd * normal();
    x.push(xi);
    y.push(random() < sigmoid(a * xi + b) ? 1 : 0);
  }
  return { x, y };
}

/** Scores whose class-conditional distributions are N(0,1) for negatives and N(shift,1) for positives. */
export function binormalSample(n: number, prevalence: number, shift: number, seed: number): { scores: number[]; labels: (0 | 1)[] } {
  const random = mulberry32(seed);
  const normal = gaussian(random);
  const scores: number[] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 0; i < n; i++) {
    const y: 0 | 1 = random() < prevalence ? 1 : 0;
    labels.push(y);
    scores.push(normal() + (y === 1 ? shift : 0));
  }
  return { scores, labels };
}

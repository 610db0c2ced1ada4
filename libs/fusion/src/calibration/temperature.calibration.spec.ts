import { mulberry32 } from '../math/mulberry32';
import { gaussian } from '../testing/synthetic-data';
import { applyTemperature, fitTemperature } from './temperature.calibration';
import { sigmoid } from './sigmoid';

function overconfident(n: number, factor: number, seed: number) {
  const random = mulberry32(seed);
  const normal = gaussian(random);
  const logits: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = 2 * normal();
    labels.push(random() < sigmoid(z) ? 1 : 0);
    logits.push(factor * z); // the model's logits are `factor` times too confident
  }
  return { logits, labels };
}

describe('fitTemperature', () => {
  it('recovers the overconfidence factor', () => {
    const { logits, labels } = overconfident(10_000, 2.5, 7);
    expect(fitTemperature(logits, labels).t).toBeCloseTo(2.5, 1);
  });

  it('leaves calibrated logits alone (t close to 1)', () => {
    const { logits, labels } = overconfident(10_000, 1, 8);
    expect(Math.abs(fitTemperature(logits, labels).t - 1)).toBeLessThan(0.05);
  });

  it('applies p = sigmoid(z / t)', () => {
    expect(applyTemperature({ t: 2 }, Math.log(9))).toBeCloseTo(0.75, 12);
  });

  it('validates its search interval', () => {
    expect(() => fitTemperature([1, 2], [0, 1], { minT: 2, maxT: 1 })).toThrow(/minT < maxT/);
    expect(() => fitTemperature([1, 2], [1, 1])).toThrow(/at least one positive and one negative/);
  });
});

import { thresholdForSensitivity } from './threshold-for-sensitivity.metric';

describe('thresholdForSensitivity', () => {
  const probs = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
  const labels = [1, 1, 0, 1, 0, 1, 0, 0, 1, 0];

  it('returns the highest threshold reaching the target, with its operating characteristics', () => {
    // 5 positives; 0.8 sensitivity needs 4 of them: the 4th highest positive score is 0.4.
    expect(thresholdForSensitivity(probs, labels, 0.8)).toEqual({
      threshold: 0.4,
      sensitivity: 0.8,
      specificity: 0.6,
      ppv: 4 / 6,
      npv: 0.75,
      truePositives: 4,
      falsePositives: 2,
      trueNegatives: 3,
      falseNegatives: 1,
    });
  });

  it('defaults to 0.9 sensitivity (here: all 5 positives, threshold 0.1)', () => {
    const point = thresholdForSensitivity(probs, labels);
    expect(point.threshold).toBe(0.1);
    expect(point.sensitivity).toBe(1);
    expect(point.specificity).toBe(0.2);
  });

  it('is not fooled by floating point (0.7 * 10 = 7.000000000000001)', () => {
    const p = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.1];
    const y = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    expect(thresholdForSensitivity(p, y, 0.7).threshold).toBe(0.65);
  });

  it('validates the target', () => {
    expect(() => thresholdForSensitivity(probs, labels, 0)).toThrow(/target/);
  });
});

import { mulberry32 } from '../math/mulberry32';
import { brier } from './brier.metric';
import { expectedCalibrationError } from './expected-calibration-error.metric';
import { logLoss } from './log-loss.metric';
import { reliabilityCurve } from './reliability-curve.metric';

describe('brier / logLoss', () => {
  it('hand-computed values', () => {
    expect(brier([0.9, 0.2, 0.5], [1, 0, 1])).toBeCloseTo((0.01 + 0.04 + 0.25) / 3, 14);
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.log(2), 14);
    expect(Number.isFinite(logLoss([0], [1]))).toBe(true);
  });
  it('reject probabilities outside [0, 1]', () => {
    expect(() => brier([1.2], [1])).toThrow(/outside \[0, 1\]/);
  });
});

describe('reliabilityCurve / expectedCalibrationError', () => {
  const probs = [0.05, 0.15, 0.95, 0.95, 1];
  const labels = [0, 1, 1, 0, 1];

  it('bins equal-width, last bin closed, empty bins omitted', () => {
    const curve = reliabilityCurve(probs, labels);
    expect(curve.map((b) => [b.lower, b.count])).toEqual([
      [0, 1],
      [0.1, 1],
      [0.9, 3],
    ]);
    expect(curve[2].meanPrediction).toBeCloseTo((0.95 + 0.95 + 1) / 3, 14);
    expect(curve[2].observedFrequency).toBeCloseTo(2 / 3, 14);
  });

  it('ECE is the count-weighted mean gap', () => {
    // Bins: |.05 - 0|*1 + |.15 - 1|*1 + |.95 - .5|*2 over n = 4.
    expect(expectedCalibrationError([0.05, 0.15, 0.95, 0.95], [0, 1, 1, 0])).toBeCloseTo(1.8 / 4, 14);
  });

  it('ECE of perfectly calibrated draws is small, of a miscalibrated model is not', () => {
    const random = mulberry32(99);
    const p: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      p.push(random());
      y.push(random() < p[i] ? 1 : 0);
    }
    expect(expectedCalibrationError(p, y)).toBeLessThan(0.015);
    expect(expectedCalibrationError(p.map((v) => v * 0.5), y)).toBeGreaterThan(0.2);
  });

  it('validates bins', () => {
    expect(() => reliabilityCurve([0.5], [1], 0)).toThrow(/bins/);
  });
});

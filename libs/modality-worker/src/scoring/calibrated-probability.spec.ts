import { calibratedProbability, UNCALIBRATED_FLAG } from './calibrated-probability';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('calibratedProbability', () => {
  it('applies Platt scaling: p = sigmoid(a * logit + b)', () => {
    const { probability, flags } = calibratedProbability({ method: 'platt', a: 0.8, b: -1.5 }, 2);
    expect(probability).toBeCloseTo(sigmoid(0.8 * 2 - 1.5), 12);
    expect(flags).toEqual([]);
  });

  it('uses the real manifest shape (negative slope flips the ranking)', () => {
    const cal = { method: 'platt' as const, a: -0.675188525076365, b: -2.3515033641688823 };
    expect(calibratedProbability(cal, 1).probability).toBeLessThan(calibratedProbability(cal, -1).probability);
  });

  it('applies temperature scaling', () => {
    expect(calibratedProbability({ method: 'temperature', t: 2 }, 3).probability).toBeCloseTo(sigmoid(1.5), 12);
  });

  it('applies isotonic maps', () => {
    const p = calibratedProbability({ method: 'isotonic', x: [-1, 1], y: [0.1, 0.9] }, 0).probability;
    expect(p).toBeCloseTo(0.5, 6);
  });

  it('falls back to the plain sigmoid, flagged, without calibration', () => {
    expect(calibratedProbability(undefined, 0.3)).toEqual({ probability: sigmoid(0.3), flags: [UNCALIBRATED_FLAG] });
  });
});

import { logisticSample } from '../testing/synthetic-data';
import { calibrate, calibratedLogit, fitCalibration, type Calibration } from './calibration';
import { calibrationSchema } from './calibration.schema';
import { logit } from './logit';

describe('Calibration union', () => {
  it('platt: sigmoid(a z + b)', () => {
    const c: Calibration = { method: 'platt', a: 2, b: -1 };
    expect(calibratedLogit(c, 1.5)).toBe(2);
    expect(calibrate(c, 1.5)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
  });

  it('temperature: sigmoid(z / t)', () => {
    const c: Calibration = { method: 'temperature', t: 4 };
    expect(calibratedLogit(c, 2)).toBe(0.5);
    expect(calibrate(c, 0)).toBe(0.5);
  });

  it('isotonic: interpolated probability, clamped log-odds', () => {
    const c: Calibration = { method: 'isotonic', x: [0, 1], y: [0, 0.8] };
    expect(calibrate(c, 0.5)).toBeCloseTo(0.4, 12);
    expect(calibrate(c, -3)).toBe(0); // exact 0, not eps
    expect(calibratedLogit(c, -3)).toBe(logit(0)); // finite
    expect(Number.isFinite(calibratedLogit(c, -3))).toBe(true);
  });

  it('fitCalibration dispatches and the result survives JSON and the schema', () => {
    const { x, y } = logisticSample(2000, 1, 0, 3);
    for (const method of ['platt', 'temperature', 'isotonic'] as const) {
      const fitted = fitCalibration(method, x, y);
      expect(fitted.method).toBe(method);
      const roundTripped = calibrationSchema.parse(JSON.parse(JSON.stringify(fitted)));
      expect(calibrate(roundTripped, 0.3)).toBe(calibrate(fitted, 0.3));
    }
  });

  it('schema rejects a non-monotone isotonic map and names the field', () => {
    const result = calibrationSchema.safeParse({ method: 'isotonic', x: [0, 1, 2], y: [0.1, 0.5, 0.4] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['y', 2]);
    expect(calibrationSchema.safeParse({ method: 'temperature', t: 0 }).success).toBe(false);
  });
});

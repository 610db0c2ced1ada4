import { riskBand } from './risk-band';

describe('riskBand', () => {
  const t = { moderate: 0.12, high: 0.4 };
  it('bands with inclusive lower edges', () => {
    expect(riskBand(0.05, t)).toBe('low');
    expect(riskBand(0.12, t)).toBe('moderate');
    expect(riskBand(0.39, t)).toBe('moderate');
    expect(riskBand(0.4, t)).toBe('high');
    expect(riskBand(1, t)).toBe('high');
  });
  it('rejects inverted thresholds', () => {
    expect(() => riskBand(0.5, { moderate: 0.6, high: 0.4 })).toThrow(/moderate <= high/);
  });
});

import { Rng } from './rng';
import { renderSliceHu } from './render-slice-hu';

/** Share of lung-density pixels that are ground glass: (-750, -200) HU among (-950, -200) HU. */
function opacityFraction(hu: Int16Array): number {
  let lung = 0;
  let opaque = 0;
  for (const v of hu) {
    if (v > -950 && v < -200) {
      lung++;
      if (v > -750) opaque++;
    }
  }
  return opaque / lung;
}

describe('renderSliceHu', () => {
  it('renders a deterministic size x size int16 slice in the CT range', () => {
    const a = renderSliceHu(new Rng(1), 0.5, 128);
    const b = renderSliceHu(new Rng(1), 0.5, 128);
    expect(a).toBeInstanceOf(Int16Array);
    expect(a).toHaveLength(128 * 128);
    expect(b).toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-1024);
    expect(Math.max(...a)).toBeLessThanOrEqual(3071);
  });

  it('has air outside the body, soft tissue, bone and aerated lung where a chest CT has them', () => {
    const size = 256;
    const hu = renderSliceHu(new Rng(3), -2, size);
    const at = (x: number, y: number) => hu[Math.round(((y + 1) / 2) * size) * size + Math.round(((x + 1) / 2) * size)];
    const near = (x: number, y: number) => {
      // median of a 5 x 5 patch, to look through the noise
      const values: number[] = [];
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) values.push(at(x + dx / 128, y + dy / 128));
      return values.sort((p, q) => p - q)[12];
    };
    expect(near(-0.95, -0.9)).toBeLessThan(-900); // air in a corner
    expect(near(-0.38, -0.1)).toBeLessThan(-700); // right lung (image left)
    expect(near(0.38, -0.1)).toBeLessThan(-700); // left lung
    expect(Math.abs(near(0.07, -0.05))).toBeLessThan(120); // heart / mediastinum
    expect(near(0, 0.4)).toBeGreaterThan(150); // vertebral body
  });

  it('shows more ground glass for a higher respiratory factor', () => {
    const mean = (r: number) => {
      let sum = 0;
      for (let k = 0; k < 30; k++) sum += opacityFraction(renderSliceHu(new Rng(100 + k), r, 96));
      return sum / 30;
    };
    const low = mean(-1.5);
    const mid = mean(0.5);
    const high = mean(2.5);
    expect(low).toBeLessThan(0.06);
    expect(mid).toBeGreaterThan(low + 0.03);
    expect(high).toBeGreaterThan(mid + 0.1);
  });

  it('adds a streak or ring artefact to about 3 % of slices', () => {
    // Artefacts show up as pixels far outside the anatomy's values: metal (2500 HU) or a ring in air.
    let artefacts = 0;
    const n = 600;
    for (let k = 0; k < n; k++) {
      const hu = renderSliceHu(new Rng(7, k), 0, 32);
      if (hu.some((v) => v > 1500) || ringInAir(hu, 32)) artefacts++;
    }
    expect(artefacts / n).toBeGreaterThan(0.01);
    expect(artefacts / n).toBeLessThan(0.06);
  });
});

/** The corners are pure air (-1000 +- noise); a ring artefact lifts or lowers some of them by 40-90 HU. */
function ringInAir(hu: Int16Array, size: number): boolean {
  let outliers = 0;
  for (let y = 0; y < 4; y++) for (let x = 0; x < size; x++) if (Math.abs(hu[y * size + x] + 1000) > 110) outliers++;
  return outliers > 0;
}

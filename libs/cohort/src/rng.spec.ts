import { patientRng } from './patient-rng';
import { Rng } from './rng';

describe('Rng', () => {
  it('is deterministic for the same seed words and differs for different ones', () => {
    const a = new Rng(1, 2, 3);
    const b = new Rng(1, 2, 3);
    const c = new Rng(1, 2, 4);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const rng = new Rng(42);
    let sum = 0;
    let sumSq = 0;
    const n = 50_000;
    for (let k = 0; k < n; k++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.03);
  });

  it('gives every (seed, index, stream) its own stream, large and negative seeds included', () => {
    const first = (seed: number, index: number, stream: 'latent' | 'imaging') => patientRng(seed, index, stream).nextUint32();
    const values = new Set([
      first(1, 0, 'latent'),
      first(1, 1, 'latent'),
      first(2, 0, 'latent'),
      first(1, 0, 'imaging'),
      first(-1, 0, 'latent'),
      first(2 ** 40 + 1, 0, 'latent'),
    ]);
    expect(values.size).toBe(6);
    expect(first(2 ** 40 + 1, 5, 'latent')).toBe(first(2 ** 40 + 1, 5, 'latent'));
  });
});

/**
 * A tiny seeded PRNG (mulberry32, 32-bit state) returning floats in [0, 1).
 * Why not Math.random: bootstrap intervals and stacking's dropout augmentation must be reproducible
 * from a seed, so that a committed model and its reported metrics can be regenerated bit for bit.
 * Statistical quality is ample for resampling; it is not cryptographic.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

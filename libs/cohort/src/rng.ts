// Math functions bound once: under jest (vm contexts) every global lookup in a hot loop is ~50x slower.
const { imul, log, sqrt, sin, cos, floor, exp, PI } = Math;

/**
 * Seeded pseudo-random numbers: xoshiro128** (32-bit words, so it is fast in plain JS) with a
 * Box-Muller normal sampler. Math.random is never used anywhere in the cohort: every draw comes
 * from an Rng whose seed is derived from (cohort seed, patient index, stream), see `patientRng`.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box-Muller yields normals in pairs; the second one is kept for the next call. */
  private spareNormal: number | null = null;

  /** `seedWords` are mixed with splitmix32 so that similar seeds still give unrelated streams. */
  constructor(...seedWords: number[]) {
    let h = 0x9e3779b9;
    for (const w of seedWords) h = mix32(h ^ (w >>> 0));
    const sm = splitmix32(h);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    // xoshiro's all-zero state is a fixed point; splitmix makes it astronomically unlikely, guard anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = imul(rotl(imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + floor(this.uniform() * (hi - lo + 1));
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal (Box-Muller, polar-free form; the 1 - u keeps log away from 0). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const radius = sqrt(-2 * log(1 - this.uniform()));
    const angle = 2 * PI * this.uniform();
    this.spareNormal = radius * sin(angle);
    return radius * cos(angle);
  }

  /** Poisson draw by inversion (Knuth); only used with small means (< 30). */
  poisson(mean: number): number {
    const limit = exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.uniform() * items.length)];
  }

  /** Picks by relative weights (need not sum to 1). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let u = this.uniform() * total;
    for (const [item, w] of items) {
      u -= w;
      if (u < 0) return item;
    }
    return items[items.length - 1][0];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** murmur3's 32-bit finalizer: a cheap bijective avalanche. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = imul(z ^ (z >>> 16), 0x85ebca6b);
    z = imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

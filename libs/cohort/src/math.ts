/** Small numeric helpers shared by the generators. */

// Math functions bound once: under jest (vm contexts) every global lookup in a hot loop is ~50x slower.
const { exp, round } = Math;

export function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Rounds to a number of decimals the way a lab report or monitor would show it. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return round(x * f) / f;
}

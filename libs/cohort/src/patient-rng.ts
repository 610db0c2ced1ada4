import { Rng } from './rng';

/**
 * Independent random streams per patient. Each part of a patient (latent state, modality presence,
 * each modality's rendering, the imaging file format) draws from its own stream, so that
 * - patient i depends only on (seed, i): n = 100 gives the same first 100 patients as n = 1000;
 * - changing a rendering option (image size, file format, drop rate) or skipping an absent modality
 *   never shifts the draws of anything else (labels and tabular data stay identical).
 */
export const RNG_STREAMS = {
  latent: 1,
  presence: 2,
  drop: 3,
  imaging: 4,
  imagingFormat: 5,
  tabular: 6,
  vitals: 7,
} as const;
export type RngStream = keyof typeof RNG_STREAMS;

export function patientRng(seed: number, index: number, stream: RngStream): Rng {
  return new Rng(...splitSafeInteger(seed), ...splitSafeInteger(index), RNG_STREAMS[stream]);
}

/** Low and high 32-bit words of a safe integer (negative seeds wrap like two's complement). */
function splitSafeInteger(value: number): [number, number] {
  return [value >>> 0, Math.floor(value / 4294967296) >>> 0];
}

import { mix32 } from './rng';

/**
 * A deterministic DICOM UID for a synthetic object, under the "2.25" root (ISO/IEC 9834-8: a UUID
 * written as one decimal integer), so no organisation root is needed and no real UID is imitated.
 * Built from 128 hashed bits of (seed, index, kind); at most 2 + 1 + 39 = 42 characters (< 64).
 */
export function syntheticUid(seed: number, index: number, kind: string): string {
  let h = mix32(0x2545f491 ^ (seed >>> 0));
  h = mix32(h ^ (Math.floor(seed / 4294967296) >>> 0));
  h = mix32(h ^ (index >>> 0));
  h = mix32(h ^ (Math.floor(index / 4294967296) >>> 0));
  for (let k = 0; k < kind.length; k++) h = mix32(h ^ kind.charCodeAt(k));
  let value = 0n;
  for (let word = 0; word < 4; word++) {
    h = mix32(h + 0x9e3779b9 + word);
    value = (value << 32n) | BigInt(h);
  }
  // A decimal integer has no leading zero, as the UID component rules require (value 0 prints "0").
  return `2.25.${value.toString(10)}`;
}

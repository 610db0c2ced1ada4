import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered case ids: UUIDv7 (RFC 9562 section 5.7), lower-case hex with dashes, so ids sort
 * lexicographically by creation time, contain no ':' (BullMQ job ids are `<caseId>-<suffix>`) and
 * fit the key builder's hash tag alphabet.
 *
 * Layout: 48-bit Unix ms | ver 7 | 12-bit counter | variant 10 | 62 random bits.
 * The 12-bit `rand_a` field is a per-generator counter (RFC 9562 6.2, method 1): ids made in the
 * same millisecond still sort in creation order. The counter starts at a random value below 2048
 * each millisecond (leaving room to count up); on overflow, or when the wall clock steps back, the
 * timestamp is carried forward from the last id instead, so ids from one generator never go backwards.
 */
export interface CaseIdGenerator {
  next(): string;
}

const RANDOM_POOL_BYTES = 4096;

export function createUuidV7Generator(now: () => number = Date.now): CaseIdGenerator {
  const pool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
  let poolOffset = RANDOM_POOL_BYTES;
  const random = (n: number): Buffer => {
    if (poolOffset + n > RANDOM_POOL_BYTES) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const slice = pool.subarray(poolOffset, poolOffset + n);
    poolOffset += n;
    return slice;
  };

  let lastMs = -1;
  let counter = 0;
  const bytes = Buffer.alloc(16);

  return {
    next(): string {
      let ms = now();
      if (ms > lastMs) {
        const r = random(2);
        counter = ((r[0] << 8) | r[1]) & 0x7ff;
      } else {
        ms = lastMs;
        counter += 1;
        if (counter > 0xfff) {
          ms += 1;
          counter = 0;
        }
      }
      lastMs = ms;

      // 48-bit big-endian timestamp (numbers are exact up to 2^53, so split into two 24-bit halves).
      const high = Math.floor(ms / 0x1000000);
      const low = ms % 0x1000000;
      bytes[0] = (high >>> 16) & 0xff;
      bytes[1] = (high >>> 8) & 0xff;
      bytes[2] = high & 0xff;
      bytes[3] = (low >>> 16) & 0xff;
      bytes[4] = (low >>> 8) & 0xff;
      bytes[5] = low & 0xff;
      bytes[6] = 0x70 | (counter >>> 8);
      bytes[7] = counter & 0xff;
      random(8).copy(bytes, 8);
      bytes[8] = 0x80 | (bytes[8] & 0x3f);

      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}

export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The creation time encoded in a UUIDv7 (epoch ms). */
export function uuidV7Timestamp(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

import { createKeyBuilder } from '@lf/redis';
import { createUuidV7Generator, UUID_V7_PATTERN, uuidV7Timestamp } from './uuid-v7';

describe('createUuidV7Generator', () => {
  it('formats RFC 9562 version-7 ids without ":"', () => {
    const gen = createUuidV7Generator();
    for (let i = 0; i < 1000; i++) {
      const id = gen.next();
      expect(id).toMatch(UUID_V7_PATTERN);
      expect(id).not.toContain(':');
    }
  });

  it('is accepted by the key builder (usable as a hash tag)', () => {
    const id = createUuidV7Generator().next();
    expect(createKeyBuilder().case(id)).toBe(`lf:case:{${id}}`);
  });

  it('encodes the clock time', () => {
    const t = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    const id = createUuidV7Generator(() => t).next();
    expect(uuidV7Timestamp(id)).toBe(t);
    expect(id.startsWith((t).toString(16).padStart(12, '0').slice(0, 8))).toBe(true);
  });

  it('sorts lexicographically in creation order, also within one millisecond', () => {
    let t = 1_700_000_000_000;
    const gen = createUuidV7Generator(() => t);
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (i % 3000 === 0) t += 1;
      ids.push(gen.next());
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the wall clock does', () => {
    const times = [5_000, 5_001, 4_000, 4_000, 5_002];
    let i = 0;
    const gen = createUuidV7Generator(() => times[i++]);
    const ids = times.map(() => gen.next());
    expect([...ids].sort()).toEqual(ids);
    expect(uuidV7Timestamp(ids[2])).toBe(5_001);
  });

  it('carries into the timestamp when the counter overflows', () => {
    const gen = createUuidV7Generator(() => 10_000);
    const ids = Array.from({ length: 5000 }, () => gen.next());
    expect([...ids].sort()).toEqual(ids);
    expect(uuidV7Timestamp(ids[ids.length - 1])).toBeGreaterThan(10_000);
  });
});

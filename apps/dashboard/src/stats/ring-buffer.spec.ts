import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    expect(ring.last()).toBeUndefined();
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    ring.push(3);
    ring.push(4);
    ring.push(5);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
    expect(ring.last()).toBe(5);
  });

  it('holds an hour of 5-second points in constant space', () => {
    const ring = new RingBuffer<{ t: number }>(720);
    for (let t = 0; t < 10_000; t++) ring.push({ t });
    expect(ring.size).toBe(720);
    expect(ring.toArray()[0].t).toBe(10_000 - 720);
  });

  it('newestWhile returns the newest run of items that satisfy the predicate, in order', () => {
    const ring = new RingBuffer<number>(5);
    for (const v of [1, 2, 3, 4, 5, 6, 7]) ring.push(v);
    expect(ring.newestWhile((v) => v >= 5)).toEqual([5, 6, 7]);
    expect(ring.newestWhile(() => true)).toEqual([3, 4, 5, 6, 7]);
    expect(ring.newestWhile(() => false)).toEqual([]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});

import { TimedSamples } from './timed-samples';

describe('TimedSamples', () => {
  it('counts and returns values in a time range, inclusive', () => {
    const s = new TimedSamples<string>();
    s.add(100, 'a');
    s.add(200, 'b');
    s.add(300, 'c');
    expect(s.between(150)).toEqual(['b', 'c']);
    expect(s.between(100, 200)).toEqual(['a', 'b']);
    expect(s.count(200)).toBe(2);
    expect(s.count(301)).toBe(0);
  });

  it('puts out-of-order observations in their place', () => {
    const s = new TimedSamples<number>();
    for (const t of [50, 10, 40, 20, 30, 30]) s.add(t, t);
    expect(s.between(0)).toEqual([10, 20, 30, 30, 40, 50]);
  });

  it('prunes everything before a horizon', () => {
    const s = new TimedSamples<number>();
    for (let t = 0; t < 10; t++) s.add(t * 1000, t);
    s.prune(5000);
    expect(s.size).toBe(5);
    expect(s.between(0)).toEqual([5, 6, 7, 8, 9]);
  });

  it('drops the oldest beyond its bound', () => {
    const s = new TimedSamples<number>(3);
    for (let t = 0; t < 5; t++) s.add(t, t);
    expect(s.between(0)).toEqual([2, 3, 4]);
  });
});

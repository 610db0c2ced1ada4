/**
 * Observations stamped with a time (ms), kept in time order and pruned past a horizon: the sliding windows
 * behind "per minute" rates and recent-job percentiles. Out-of-order inserts (two queues' jobs, two clocks)
 * go to their place by binary search; the common case (newest last) is an append. Bounded by `max`: past it
 * the oldest observations go first.
 */
export class TimedSamples<T> {
  private times: number[] = [];
  private values: T[] = [];

  constructor(private readonly max = 100_000) {}

  get size(): number {
    return this.times.length;
  }

  add(at: number, value: T): void {
    let i = this.times.length;
    if (i > 0 && this.times[i - 1] > at) {
      let lo = 0;
      let hi = i;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.times[mid] <= at) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    this.times.splice(i, 0, at);
    this.values.splice(i, 0, value);
    if (this.times.length > this.max) this.dropFirst(this.times.length - this.max);
  }

  /** Drops everything stamped before `before`. */
  prune(before: number): void {
    let n = 0;
    while (n < this.times.length && this.times[n] < before) n++;
    if (n > 0) this.dropFirst(n);
  }

  /** Values stamped in [from, to]. */
  between(from: number, to = Infinity): T[] {
    const out: T[] = [];
    for (let i = this.firstAtOrAfter(from); i < this.times.length && this.times[i] <= to; i++) out.push(this.values[i]);
    return out;
  }

  count(from: number, to = Infinity): number {
    let n = 0;
    for (let i = this.firstAtOrAfter(from); i < this.times.length && this.times[i] <= to; i++) n++;
    return n;
  }

  private firstAtOrAfter(from: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private dropFirst(n: number): void {
    this.times = this.times.slice(n);
    this.values = this.values.slice(n);
  }
}

import type { CounterMaps, Counters } from '../../store/types';

/** Sums, minimums and maximums under counter names: the mergeable form of every aggregate. */
export class CounterSet {
  readonly add: Counters;
  readonly min: Counters;
  readonly max: Counters;

  /** Empty, or taking over `maps` (not copied: the caller hands them over). */
  constructor(maps?: CounterMaps) {
    this.add = maps?.sums ?? {};
    this.min = maps?.min ?? {};
    this.max = maps?.max ?? {};
  }

  increment(name: string, by = 1): void {
    this.add[name] = (this.add[name] ?? 0) + by;
  }

  observe(name: string, value: number): void {
    if (!(name in this.min) || value < this.min[name]) this.min[name] = value;
    if (!(name in this.max) || value > this.max[name]) this.max[name] = value;
  }

  merge(other: { add?: Counters; sums?: Counters; min: Counters; max: Counters }): void {
    const sums = other.add ?? other.sums ?? {};
    for (const name in sums) this.add[name] = (this.add[name] ?? 0) + sums[name];
    for (const name in other.min)
      if (!(name in this.min) || other.min[name] < this.min[name]) this.min[name] = other.min[name];
    for (const name in other.max)
      if (!(name in this.max) || other.max[name] > this.max[name]) this.max[name] = other.max[name];
  }

  get(name: string): number {
    return this.add[name] ?? 0;
  }
}

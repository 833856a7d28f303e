import type { AggregateDelta, Counters } from './types';

/** A delta whose counters are all named (no vector). */
export type NamedDelta = AggregateDelta & { vector?: undefined };

/**
 * The delta with its vector's counters moved into its named maps, for writes that address
 * counters by name (MongoDB's update operators).
 */
export function namedDelta(delta: AggregateDelta): NamedDelta {
  const { key, vector } = delta;
  // Without a vector, its counters are all named already.
  if (!vector) return delta as NamedDelta;
  const add: Counters = { ...delta.add };
  const min: Counters = { ...delta.min };
  const max: Counters = { ...delta.max };
  const { names, extremaNames } = vector.layout;
  for (let i = 0; i < names.length; i++) {
    const v = vector.sums[i];
    if (v !== 0) add[names[i]] = (add[names[i]] ?? 0) + v;
  }
  for (let j = 0; j < extremaNames.length; j++) {
    const name = extremaNames[j];
    const low = vector.mins[j];
    const high = vector.maxs[j];
    if (low !== Infinity) min[name] = name in min ? Math.min(min[name], low) : low;
    if (high !== -Infinity) max[name] = name in max ? Math.max(max[name], high) : high;
  }
  return { key, add, min, max };
}

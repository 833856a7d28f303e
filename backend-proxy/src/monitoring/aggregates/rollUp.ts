import {
  RESOLUTION_MS,
  RESOLUTIONS,
  type AggregateDelta,
  type AggregateKey,
  type Counters,
  type CounterVector,
} from '../../store/types';
import { namedDelta } from '../../store/namedDelta';
import type { CounterSet } from './counterSet';
import { familyOf } from './layout';
import { alignDown } from './tiling';

/** The counters of one aggregate id's minute under one reference version. */
export interface MinuteCounters {
  endpointId: string;
  start: number;
  version: number;
  /** Named counters (labels, or everything when not folded by a plan). */
  counters: CounterSet;
  /** Counters folded by a plan, one vector per family. */
  vectors?: readonly CounterVector[];
}

function splitByFamily(counters: Counters): Map<string, Counters> {
  const families = new Map<string, Counters>();
  for (const name in counters) {
    const family = familyOf(name);
    let part = families.get(family);
    if (!part) {
      part = {};
      families.set(family, part);
    }
    part[name] = counters[name];
  }
  return families;
}

function addInto(
  target: Counters,
  source: Counters | undefined,
  pick?: (a: number, b: number) => number,
): void {
  if (!source) return;
  for (const name in source) {
    target[name] =
      name in target ? (pick ? pick(target[name], source[name]) : target[name] + source[name]) : source[name];
  }
}

/** A copy of `v` in one buffer (a typed array's own buffer is a costly allocation outside the heap). */
function copyOf(v: CounterVector): CounterVector {
  const n = v.sums.length;
  const e = v.mins.length;
  const buffer = new ArrayBuffer((n + 2 * e) * 8);
  const copy = (from: Float64Array, at: number) => {
    const to = new Float64Array(buffer, at * 8, from.length);
    to.set(from);
    return to;
  };
  return { layout: v.layout, sums: copy(v.sums, 0), mins: copy(v.mins, n), maxs: copy(v.maxs, n + e) };
}

/**
 * Minute counters as deltas for their minute, hour and day, split by counter family, so long
 * windows read few records and operational queries read small ones. A minute's vectors are shared
 * by its minute, hour and day deltas (not copied) until a second minute adds to one of them.
 */
export function rollUp(minutes: MinuteCounters[]): AggregateDelta[] {
  const deltas = new Map<string, AggregateDelta>();
  const ownVectors = new Set<CounterVector>();
  const deltaOf = (m: MinuteCounters, family: string, resolution: AggregateKey['resolution']) => {
    const start = alignDown(m.start, RESOLUTION_MS[resolution]);
    const id = `${m.endpointId}:${family}:${resolution}:${start}:${m.version}`;
    let delta = deltas.get(id);
    if (!delta) {
      delta = {
        key: { endpointId: m.endpointId, family, resolution, start, referenceVersion: m.version },
        add: {},
        min: {},
        max: {},
      };
      deltas.set(id, delta);
    }
    return delta;
  };
  const addNamed = (delta: AggregateDelta, add: Counters, min?: Counters, max?: Counters) => {
    addInto(delta.add, add);
    addInto(delta.min, min, Math.min);
    addInto(delta.max, max, Math.max);
  };
  const addVector = (delta: AggregateDelta, v: CounterVector) => {
    const held = delta.vector;
    if (!held) {
      delta.vector = v;
      return;
    }
    // One plan per binning, so one record's vectors share a layout; any other is added by name.
    if (held.layout !== v.layout) {
      const named = namedDelta({ key: delta.key, add: {}, min: {}, max: {}, vector: v });
      addNamed(delta, named.add, named.min, named.max);
      return;
    }
    const into = ownVectors.has(held) ? held : copyOf(held);
    ownVectors.add(into);
    delta.vector = into;
    for (let i = 0; i < v.sums.length; i++) into.sums[i] += v.sums[i];
    for (let j = 0; j < v.mins.length; j++) {
      if (v.mins[j] < into.mins[j]) into.mins[j] = v.mins[j];
      if (v.maxs[j] > into.maxs[j]) into.maxs[j] = v.maxs[j];
    }
  };

  for (const m of minutes) {
    const sums = splitByFamily(m.counters.add);
    const mins = splitByFamily(m.counters.min);
    const maxs = splitByFamily(m.counters.max);
    for (const [family, add] of sums)
      for (const resolution of RESOLUTIONS)
        addNamed(deltaOf(m, family, resolution), add, mins.get(family), maxs.get(family));
    for (const v of m.vectors ?? [])
      for (const resolution of RESOLUTIONS) addVector(deltaOf(m, v.layout.family, resolution), v);
  }
  return [...deltas.values()];
}

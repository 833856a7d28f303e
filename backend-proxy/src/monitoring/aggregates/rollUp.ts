import { RESOLUTION_MS, RESOLUTIONS, type AggregateDelta, type Counters } from '../../store/types';
import type { CounterSet } from './counterSet';
import { familyOf } from './layout';
import { alignDown } from './tiling';

/** The counters of one endpoint's minute under one reference version. */
export interface MinuteCounters {
  endpointId: string;
  start: number;
  version: number;
  counters: CounterSet;
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

/**
 * Minute counters as deltas for their minute, hour and day, split by counter family, so long
 * windows read few records and operational queries read small ones.
 */
export function rollUp(minutes: MinuteCounters[]): AggregateDelta[] {
  const deltas = new Map<string, AggregateDelta>();
  for (const m of minutes) {
    const sums = splitByFamily(m.counters.add);
    const mins = splitByFamily(m.counters.min);
    const maxs = splitByFamily(m.counters.max);
    for (const [family, add] of sums) {
      for (const resolution of RESOLUTIONS) {
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
        addInto(delta.add, add);
        addInto(delta.min, mins.get(family), Math.min);
        addInto(delta.max, maxs.get(family), Math.max);
      }
    }
  }
  return [...deltas.values()];
}

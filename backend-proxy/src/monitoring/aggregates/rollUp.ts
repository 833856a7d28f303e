import { RESOLUTION_MS, type AggregateDelta, type Counters, type Resolution } from '../../store/types';
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

const RESOLUTIONS: Resolution[] = ['minute', 'hour', 'day'];

function addAll(target: Counters, source: Counters, family: string, pick?: (a: number, b: number) => number): void {
  for (const name in source) {
    if (familyOf(name) !== family) continue;
    target[name] = name in target ? (pick ? pick(target[name], source[name]) : target[name] + source[name]) : source[name];
  }
}

/**
 * Minute counters as deltas for their minute, hour and day, split by counter family, so long
 * windows read few records and operational queries read small ones.
 */
export function rollUp(minutes: MinuteCounters[]): AggregateDelta[] {
  const deltas = new Map<string, AggregateDelta>();
  for (const m of minutes) {
    const families = new Set(Object.keys(m.counters.add).map(familyOf));
    for (const family of families) {
      for (const resolution of RESOLUTIONS) {
        const start = alignDown(m.start, RESOLUTION_MS[resolution]);
        const id = `${m.endpointId}:${family}:${resolution}:${start}:${m.version}`;
        let delta = deltas.get(id);
        if (!delta) {
          delta = { key: { endpointId: m.endpointId, family, resolution, start, referenceVersion: m.version }, add: {}, min: {}, max: {} };
          deltas.set(id, delta);
        }
        addAll(delta.add, m.counters.add, family);
        addAll(delta.min, m.counters.min, family, Math.min);
        addAll(delta.max, m.counters.max, family, Math.max);
      }
    }
  }
  return [...deltas.values()];
}

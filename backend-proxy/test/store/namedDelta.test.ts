import { namedDelta } from '../../src/store/namedDelta';
import type { AggregateDelta } from '../../src/store/types';

const key = {
  endpointId: 'e',
  family: 'columns',
  resolution: 'minute',
  start: 0,
  referenceVersion: 1,
} as const;

describe('namedDelta', () => {
  it('adds the present counters of the vector to the named ones', () => {
    const delta: AggregateDelta = {
      key,
      add: { 'f:0:n': 1, 'y:0:n': 2 },
      min: { 'f:0': 0.5 },
      max: {},
      vector: {
        layout: { family: 'columns', names: ['f:0:n', 'f:0:h:0', 'f:0:h:1'], extremaNames: ['f:0', 'f:1'] },
        sums: Float64Array.from([3, 0, 2]),
        mins: Float64Array.from([1, Infinity]),
        maxs: Float64Array.from([4, -Infinity]),
      },
    };
    expect(namedDelta(delta)).toEqual({
      key,
      add: { 'f:0:n': 4, 'y:0:n': 2, 'f:0:h:1': 2 },
      min: { 'f:0': 0.5 },
      max: { 'f:0': 4 },
    });
    // The delta itself is left as it was.
    expect(delta.add).toEqual({ 'f:0:n': 1, 'y:0:n': 2 });
  });

  it('returns a delta without a vector as it is', () => {
    const delta: AggregateDelta = { key, add: { n: 1 }, min: {}, max: {} };
    expect(namedDelta(delta)).toBe(delta);
  });
});

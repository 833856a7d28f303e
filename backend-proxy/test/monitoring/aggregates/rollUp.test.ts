import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import { rollUp } from '../../../src/monitoring/aggregates/rollUp';
import { namedDelta } from '../../../src/store/namedDelta';
import type { AggregateDelta, CounterLayout, CounterVector } from '../../../src/store/types';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2024-01-01T00:00Z. */
const D0 = Date.UTC(2024, 0, 1);

const counters = (add: Record<string, number>, min = {}, max = {}): CounterSet => {
  const set = new CounterSet();
  set.merge({ add, min, max });
  return set;
};

const byKey = (deltas: AggregateDelta[]) =>
  Object.fromEntries(
    deltas.map((d) => [
      `${d.key.family} ${d.key.resolution} ${d.key.start - D0} v${d.key.referenceVersion}`,
      d,
    ]),
  );

describe('rollUp', () => {
  it('one minute becomes its minute, hour and day, split into ops and columns', () => {
    const start = D0 + DAY + 2 * HOUR + 5 * 60_000; // day 1, 02:05
    const deltas = byKey(
      rollUp([
        {
          endpointId: 'e',
          start,
          version: 2,
          counters: counters({ n: 3, 'f:0:n': 2 }, { 'f:0': 1 }, { 'f:0': 4 }),
        },
      ]),
    );
    expect(Object.keys(deltas).sort()).toEqual(
      [
        `columns minute ${start - D0} v2`,
        `columns hour ${DAY + 2 * HOUR} v2`,
        `columns day ${DAY} v2`,
        `ops minute ${start - D0} v2`,
        `ops hour ${DAY + 2 * HOUR} v2`,
        `ops day ${DAY} v2`,
      ].sort(),
    );
    expect(deltas[`ops hour ${DAY + 2 * HOUR} v2`]).toEqual({
      key: {
        endpointId: 'e',
        family: 'ops',
        resolution: 'hour',
        start: D0 + DAY + 2 * HOUR,
        referenceVersion: 2,
      },
      add: { n: 3 },
      min: {},
      max: {},
    });
    expect(deltas[`columns day ${DAY} v2`]).toMatchObject({
      add: { 'f:0:n': 2 },
      min: { 'f:0': 1 },
      max: { 'f:0': 4 },
    });
  });

  it('minutes of one hour sum into one hour delta; extremes combine; versions stay apart', () => {
    const deltas = byKey(
      rollUp([
        {
          endpointId: 'e',
          start: D0,
          version: 1,
          counters: counters({ 'f:0:n': 2 }, { 'f:0': 5 }, { 'f:0': 6 }),
        },
        {
          endpointId: 'e',
          start: D0 + 60_000,
          version: 1,
          counters: counters({ 'f:0:n': 3 }, { 'f:0': 2 }, { 'f:0': 9 }),
        },
        { endpointId: 'e', start: D0 + 120_000, version: 2, counters: counters({ 'f:0:n': 7 }) },
      ]),
    );
    expect(deltas['columns hour 0 v1']).toMatchObject({
      add: { 'f:0:n': 5 },
      min: { 'f:0': 2 },
      max: { 'f:0': 9 },
    });
    expect(deltas['columns hour 0 v2']).toMatchObject({ add: { 'f:0:n': 7 } });
    expect(deltas['columns minute 60000 v1']).toMatchObject({ add: { 'f:0:n': 3 } });
    expect(Object.keys(deltas)).toHaveLength(3 + 2 + 2); // 3 minutes, an hour and a day per version
  });

  it("vectors: a minute's are shared by its minute, hour and day; a second minute adds to a copy", () => {
    const layout: CounterLayout = { family: 'columns', names: ['f:0:n', 'f:0:h:0'], extremaNames: ['f:0'] };
    const vector = (n: number, bin: number, low: number, high: number): CounterVector => ({
      layout,
      sums: Float64Array.from([n, bin]),
      mins: Float64Array.from([low]),
      maxs: Float64Array.from([high]),
    });
    const first = vector(2, 1, 5, 6);
    const minute = (start: number, v: CounterVector) => ({
      endpointId: 'e',
      start,
      version: 1,
      counters: new CounterSet(),
      vectors: [v],
    });
    const deltas = byKey(rollUp([minute(D0, first), minute(D0 + 60_000, vector(3, 0, 2, 9))]));
    const named = (d: AggregateDelta) => namedDelta(d);
    expect(deltas['columns minute 0 v1'].vector).toBe(first);
    expect(named(deltas['columns minute 0 v1'])).toMatchObject({
      add: { 'f:0:n': 2, 'f:0:h:0': 1 },
      min: { 'f:0': 5 },
      max: { 'f:0': 6 },
    });
    for (const key of ['columns hour 0 v1', 'columns day 0 v1'])
      expect(named(deltas[key])).toMatchObject({
        add: { 'f:0:n': 5, 'f:0:h:0': 1 },
        min: { 'f:0': 2 },
        max: { 'f:0': 9 },
      });
    // The first minute's own vector is unchanged by the sums of its hour.
    expect([...first.sums]).toEqual([2, 1]);
  });

  it('vectors of different layouts on one record are added by name', () => {
    const one = (names: string[], sums: number[]): CounterVector => ({
      layout: { family: 'ops', names, extremaNames: [] },
      sums: Float64Array.from(sums),
      mins: new Float64Array(0),
      maxs: new Float64Array(0),
    });
    const [minuteDelta] = rollUp([
      {
        endpointId: 'e',
        start: D0,
        version: 0,
        counters: new CounterSet(),
        vectors: [one(['n', 'err'], [2, 1])],
      },
      { endpointId: 'e', start: D0, version: 0, counters: new CounterSet(), vectors: [one(['n'], [3])] },
    ]);
    expect(namedDelta(minuteDelta).add).toEqual({ n: 5, err: 1 });
  });

  it('nothing rolled up for no minutes', () => {
    expect(rollUp([])).toEqual([]);
  });
});

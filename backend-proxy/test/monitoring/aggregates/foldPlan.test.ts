import { buildBinning } from '../../../src/monitoring/aggregates/binning';
import { FoldPlan, MinuteAccumulator, planFor } from '../../../src/monitoring/aggregates/foldPlan';
import { LATENCY_BOUNDS } from '../../../src/monitoring/aggregates/layout';
import { referenceBinning } from './fixtures';

const event = (x: unknown, c: unknown, label: unknown, latencyUs: number | null = null, error = false) => ({
  features: { x, c },
  outputs: { label },
  latencyUs,
  error,
});

describe('fold plan', () => {
  it('gives every counter an endpoint can touch one slot, named as in layout.ts', () => {
    const plan = new FoldPlan(referenceBinning());
    const latency = LATENCY_BOUNDS.map((_, k) => `lat:b:${k}`);
    expect(plan.names).toEqual([
      'n',
      'err',
      'lat:n',
      'lat:sum',
      ...latency,
      ...['f:0:n', 'f:0:miss', 'f:0:sum', 'f:0:sq', 'f:0:oor', 'f:0:h:0', 'f:0:h:1', 'f:0:h:2', 'f:0:h:3'],
      ...['f:1:n', 'f:1:miss', 'f:1:oor', 'f:1:h:0', 'f:1:h:1', 'f:1:h:2'],
      ...['p:0:n', 'p:0:miss', 'p:0:oor', 'p:0:h:0', 'p:0:h:1', 'p:0:h:2'],
    ]);
    expect(plan.extremaNames).toEqual(['f:0']);
  });

  it('without a reference, columns have no histogram or out-of-range slots', () => {
    const plan = new FoldPlan(
      buildBinning({ features: [{ name: 'x', kind: 'numeric' }], predictions: [], labels: [] }, null),
    );
    expect(plan.names.filter((n) => n.startsWith('f:'))).toEqual(['f:0:n', 'f:0:miss', 'f:0:sum', 'f:0:sq']);
  });

  it('one plan per binning', () => {
    const binning = referenceBinning();
    expect(planFor(binning)).toBe(planFor(binning));
    expect(planFor(referenceBinning())).not.toBe(planFor(binning));
  });

  it('folds events into exactly the counters worked out by hand', () => {
    const minute = new MinuteAccumulator(planFor(referenceBinning()));
    minute.fold(event(5, 'a', 'yes', 60));
    minute.fold(event(25, 'z', 'no', 50, true));
    minute.fold(event(null, 'b', 'yes'));
    minute.fold(event('-3', '', 'maybe', 63_000_001));
    const counters = minute.toCounterSet();
    const last = LATENCY_BOUNDS.length - 1;
    expect(counters.add).toEqual({
      n: 4,
      err: 1,
      'lat:n': 3,
      'lat:sum': 60 + 50 + 63_000_001,
      // 60 us is in (50, 63], 50 us in the first bucket (<= 50), 63 s + 1 us beyond every finite bound.
      'lat:b:0': 1,
      'lat:b:1': 1,
      [`lat:b:${last}`]: 1,
      // x: 5, 25 and '-3' present, null missing; bins [0,10), (20,inf), (-inf,0).
      'f:0:n': 3,
      'f:0:miss': 1,
      'f:0:sum': 5 + 25 - 3,
      'f:0:sq': 25 + 625 + 9,
      'f:0:oor': 2,
      'f:0:h:0': 1,
      'f:0:h:1': 1,
      'f:0:h:3': 1,
      // c: a, z (other), b present, '' missing.
      'f:1:n': 3,
      'f:1:miss': 1,
      'f:1:oor': 1,
      'f:1:h:0': 1,
      'f:1:h:1': 1,
      'f:1:h:2': 1,
      // label: yes twice, no, maybe (other).
      'p:0:n': 4,
      'p:0:oor': 1,
      'p:0:h:0': 2,
      'p:0:h:1': 1,
      'p:0:h:2': 1,
    });
    expect(counters.min).toEqual({ 'f:0': -3 });
    expect(counters.max).toEqual({ 'f:0': 25 });
  });

  it("a latency on a bound falls in that bound's bucket", () => {
    const minute = new MinuteAccumulator(planFor(referenceBinning()));
    for (const bound of [50, 63, 100, 1000]) minute.fold(event(1, 'a', 'yes', bound));
    const buckets = Object.keys(minute.toCounterSet().add).filter((n) => n.startsWith('lat:b:'));
    expect(buckets).toEqual(['lat:b:0', 'lat:b:1', 'lat:b:3', 'lat:b:13']);
    expect([LATENCY_BOUNDS[0], LATENCY_BOUNDS[1], LATENCY_BOUNDS[3], LATENCY_BOUNDS[13]]).toEqual([
      50, 63, 100, 1000,
    ]);
  });
});

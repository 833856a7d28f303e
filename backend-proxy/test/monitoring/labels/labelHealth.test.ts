import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import { foldLabelArrival, foldLabelJoin, labelHealth } from '../../../src/monitoring/labels/labelHealth';
import { LABEL_LAG_BOUNDS_S, labelLagBucket, labelLagSeconds } from '../../../src/monitoring/labels/labelLag';

describe('label lag buckets', () => {
  it('puts a lag in the first bucket whose bound is >= it, never negative', () => {
    expect(labelLagSeconds(10_000, 4_000)).toBe(0);
    expect(labelLagSeconds(0, 90_000)).toBe(90);
    expect(labelLagBucket(0)).toBe(0);
    expect(labelLagBucket(1)).toBe(0);
    expect(labelLagBucket(1.5)).toBe(1);
    expect(labelLagBucket(90)).toBe(LABEL_LAG_BOUNDS_S.indexOf(120));
    expect(labelLagBucket(1e9)).toBe(LABEL_LAG_BOUNDS_S.length - 1);
  });
});

describe('labelHealth', () => {
  it('coverage, interpolated lag quantiles capped at the exact maximum, and arrivals', () => {
    const c = new CounterSet();
    // 4 lags: 40, 50 (bucket (30, 60]) and 100, 110 (bucket (60, 120]).
    for (const lag of [40, 50, 100, 110]) foldLabelJoin(c, lag);
    for (let i = 0; i < 5; i++) foldLabelArrival(c, 'received');
    foldLabelArrival(c, 'waiting');
    foldLabelArrival(c, 'waiting');
    foldLabelArrival(c, 'claimed');
    foldLabelArrival(c, 'duplicate');
    const h = labelHealth(c, 10);
    expect(h.labelled).toBe(4);
    expect(h.coverage).toBeCloseTo(0.4, 12);
    // p50: rank 2 reaches the end of bucket (30, 60] -> 60; p95: rank 3.8 -> 60 + 60 * 1.8 / 2 = 114, capped at 110.
    expect(h.lagP50Seconds).toBeCloseTo(60, 12);
    expect(h.lagP95Seconds).toBe(110);
    expect(h.lagMaxSeconds).toBe(110);
    expect(h.lagMeanSeconds).toBeCloseTo(75, 12);
    expect(h).toMatchObject({ received: 5, unmatched: 1, duplicates: 1 });
  });

  it('a window without predictions or labels has no coverage and no lag', () => {
    expect(labelHealth(new CounterSet(), 0)).toEqual({
      labelled: 0,
      coverage: null,
      lagP50Seconds: null,
      lagP95Seconds: null,
      lagMaxSeconds: null,
      lagMeanSeconds: null,
      received: 0,
      unmatched: 0,
      duplicates: 0,
    });
    expect(labelHealth(new CounterSet(), 3).coverage).toBe(0);
  });
});

import {
  histogramQuantile,
  latencyBucketBoundsUs,
  upperBoundBucket,
} from '../../../src/monitoring/stats/histogramQuantile';
import { expectClose, fixtures, fromJson } from './mathFixtures';

describe('latencyBucketBoundsUs', () => {
  const bounds = latencyBucketBoundsUs();

  it('is the R10 series from 50 us to 63 s, then +Inf', () => {
    expect(bounds).toEqual([...fixtures.latencyBucketBoundsUs, Infinity]);
    expect(bounds).toHaveLength(63);
  });

  it('spaces consecutive bounds by a factor between 1.25 and 1.28', () => {
    for (let i = 1; i < bounds.length - 1; i++) {
      const ratio = bounds[i] / bounds[i - 1];
      expect(ratio).toBeGreaterThanOrEqual(1.25);
      expect(ratio).toBeLessThanOrEqual(1.28);
    }
  });

  it('returns a fresh array', () => {
    latencyBucketBoundsUs().pop();
    expect(latencyBucketBoundsUs()).toHaveLength(63);
  });
});

describe('histogramQuantile', () => {
  it.each(fixtures.histogramQuantile)(
    'matches Prometheus histogram_quantile: $name',
    ({ upperBounds, counts, q, expected }) => {
      const bounds = upperBounds.map(fromJson);
      q.forEach((level, i) => expectClose(histogramQuantile(bounds, counts, level), expected[i], 1e-12));
    },
  );

  it('interpolates linearly inside a bucket', () => {
    // 10 observations in (100, 200]: the median is half way.
    expect(histogramQuantile([100, 200, Infinity], [0, 10, 0], 0.5)).toBe(150);
    // The first bucket starts at 0.
    expect(histogramQuantile([100, Infinity], [4, 0], 0.25)).toBe(25);
  });

  it('reports a first bucket bound <= 0 as is', () => {
    expect(histogramQuantile([-1, 5, Infinity], [3, 1, 0], 0.5)).toBe(-1);
  });

  it('is NaN without observations and rejects malformed buckets', () => {
    expect(histogramQuantile([1, Infinity], [0, 0], 0.5)).toBeNaN();
    expect(() => histogramQuantile([1, 2], [1, 1], 0.5)).toThrow(/Infinity/);
    expect(() => histogramQuantile([Infinity], [1], 0.5)).toThrow(/finite bound/);
    expect(() => histogramQuantile([2, 1, Infinity], [1, 1, 1], 0.5)).toThrow(/ascending/);
    expect(() => histogramQuantile([1, Infinity], [1], 0.5)).toThrow(/counts/);
    expect(() => histogramQuantile([1, Infinity], [1, -1], 0.5)).toThrow(/non-negative/);
    expect(() => histogramQuantile([1, Infinity], [1, 1], 2)).toThrow(RangeError);
  });
});

describe('upperBoundBucket', () => {
  it('finds the bucket (previous bound, bound] of a value, on every bound and between', () => {
    const bounds = [1, 5, 10, Infinity];
    const values = [-2, 0, 1, 1.01, 5, 7, 10, 10.5, 1e12];
    expect(values.map((v) => upperBoundBucket(bounds, v))).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('agrees with a linear scan on every latency bound and its neighbours', () => {
    const bounds = latencyBucketBoundsUs();
    const linear = (v: number) => bounds.findIndex((b) => v <= b);
    const values = bounds.filter(Number.isFinite).flatMap((b) => [b - 0.5, b, b + 0.5]);
    expect(values.map((v) => upperBoundBucket(bounds, v))).toEqual(values.map(linear));
  });
});

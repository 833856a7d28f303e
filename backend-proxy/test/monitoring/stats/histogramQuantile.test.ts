import { histogramQuantile, latencyBucketBoundsUs } from '../../../src/monitoring/stats/histogramQuantile';
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

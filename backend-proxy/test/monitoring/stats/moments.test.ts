import { mean, sampleStd, sampleVariance } from '../../../src/monitoring/stats/moments';
import { expectClose, fixtures, fromJson } from './mathFixtures';

describe('moments from running sums', () => {
  it.each(fixtures.moments)(
    'matches numpy for $name',
    ({ count, sum, sumSquares, mean: m, variance, std }) => {
      expectClose(mean(count, sum), m, 1e-12);
      expectClose(sampleVariance(count, sum, sumSquares), fromJson(variance), 1e-9);
      expectClose(sampleStd(count, sum, sumSquares), fromJson(std), 1e-9);
    },
  );

  it('is NaN where undefined', () => {
    expect(mean(0, 0)).toBeNaN();
    expect(sampleVariance(0, 0, 0)).toBeNaN();
    expect(sampleVariance(1, 3, 9)).toBeNaN();
    expect(sampleStd(1, 3, 9)).toBeNaN();
  });

  it('merges: moments of concatenated data come from added sums', () => {
    const left = [1.5, 2, 7];
    const right = [-3, 4.25];
    const sums = (values: number[]) => [
      values.length,
      values.reduce((s, v) => s + v, 0),
      values.reduce((s, v) => s + v * v, 0),
    ];
    const [n1, s1, q1] = sums(left);
    const [n2, s2, q2] = sums(right);
    // numpy.var([1.5, 2, 7, -3, 4.25], ddof=1)
    expectClose(sampleVariance(n1 + n2, s1 + s2, q1 + q2), 13.674999999999999, 1e-14);
  });

  it('never returns a negative variance for constant data', () => {
    const value = 0.1;
    const n = 10;
    expect(sampleVariance(n, n * value, n * value * value)).toBeGreaterThanOrEqual(0);
    expectClose(sampleVariance(n, n * value, n * value * value), 0, 0, 1e-15);
  });
});

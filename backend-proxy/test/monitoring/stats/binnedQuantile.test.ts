import { Random } from '../../../src/demo/random';
import {
  binnedQuantile,
  binnedQuantileError,
  equalWidthBin,
} from '../../../src/monitoring/stats/binnedQuantile';
import { quantileSorted } from '../../../src/monitoring/stats/quantile';

describe('binnedQuantile', () => {
  it('places each rank at the middle of its share of the bin, with numpy-linear interpolation', () => {
    // Four values, one per bin of width 1 over [0, 4]: ranks at 0.5, 1.5, 2.5, 3.5.
    expect(binnedQuantile([1, 1, 1, 1], 0, 4, 0.5)).toBeCloseTo(2, 15);
    expect(binnedQuantile([1, 1, 1, 1], 0, 4, 0)).toBeCloseTo(0.5, 15);
    expect(binnedQuantile([1, 1, 1, 1], 0, 4, 1)).toBeCloseTo(3.5, 15);
    // Two values in one bin of width 2: 0.5 and 1.5 of it.
    expect(binnedQuantile([2, 0], 0, 4, 0.25)).toBeCloseTo(0.5 + 0.25 * 1, 15);
    expect(binnedQuantile([0, 0], 0, 4, 0.5)).toBeNaN();
    expect(() => binnedQuantile([1], 0, 1, 1.5)).toThrow(RangeError);
  });

  it('stays within one bin width of the exact quantile', () => {
    const random = new Random(3);
    const values = Array.from({ length: 20_000 }, () => Math.exp(random.normal()));
    const sorted = [...values].sort((a, b) => a - b);
    const [min, max] = [sorted[0], sorted[sorted.length - 1]];
    const bins = 256;
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) counts[equalWidthBin(bins, min, max, v)] += 1;
    const bound = binnedQuantileError(bins, min, max);
    expect(bound).toBeCloseTo((max - min) / bins, 15);
    for (const q of [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1])
      expect(Math.abs(binnedQuantile(counts, min, max, q) - quantileSorted(sorted, q))).toBeLessThanOrEqual(
        bound,
      );
  });

  it('puts the maximum in the last bin and a constant column in bin 0', () => {
    expect(equalWidthBin(4, 0, 4, 4)).toBe(3);
    expect(equalWidthBin(4, 0, 4, 0)).toBe(0);
    expect(equalWidthBin(4, 0, 4, 2.5)).toBe(2);
    expect(equalWidthBin(4, 7, 7, 7)).toBe(0);
  });
});

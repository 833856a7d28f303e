import { binIndex, equalWidthEdges } from '../../../src/monitoring/stats/histogramEdges';
import { fixtures, fromJson } from './mathFixtures';

describe('equalWidthEdges', () => {
  it.each(fixtures.equalWidthEdges)(
    'equals numpy.histogram_bin_edges for [$min, $max] in $binCount bins',
    ({ min, max, binCount, edges }) => {
      expect(equalWidthEdges(min, max, binCount)).toEqual(edges);
    },
  );

  it('defaults to 20 bins and widens a single value to [v - 0.5, v + 0.5]', () => {
    expect(equalWidthEdges(0, 1)).toHaveLength(21);
    const degenerate = equalWidthEdges(3, 3, 4);
    expect(degenerate).toEqual([2.5, 2.75, 3, 3.25, 3.5]);
  });

  it('rejects invalid ranges and bin counts', () => {
    expect(() => equalWidthEdges(2, 1)).toThrow(RangeError);
    expect(() => equalWidthEdges(0, Infinity)).toThrow(RangeError);
    expect(() => equalWidthEdges(NaN, 1)).toThrow(RangeError);
    expect(() => equalWidthEdges(0, 1, 0)).toThrow(RangeError);
    expect(() => equalWidthEdges(0, 1, 2.5)).toThrow(RangeError);
    // As numpy: "Too many bins for data range".
    expect(() => equalWidthEdges(1, 1 + 4e-16, 20)).toThrow(/too narrow/);
  });
});

describe('binIndex', () => {
  it.each(fixtures.binIndex)(
    'counts like numpy.histogram plus two open bins: $name',
    ({ edges, values, counts }) => {
      const binned = new Array<number>(edges.length + 1).fill(0);
      for (const value of values) binned[binIndex(edges, fromJson(value))]++;
      expect(binned).toEqual(counts);
    },
  );

  it('uses half-open bins with the last inner bin closed', () => {
    const edges = [0, 1, 2];
    expect(binIndex(edges, -0.001)).toBe(0);
    expect(binIndex(edges, 0)).toBe(1);
    expect(binIndex(edges, 0.999)).toBe(1);
    expect(binIndex(edges, 1)).toBe(2);
    expect(binIndex(edges, 2)).toBe(2);
    expect(binIndex(edges, 2.001)).toBe(3);
    expect(binIndex(edges, -Infinity)).toBe(0);
    expect(binIndex(edges, Infinity)).toBe(3);
    expect(() => binIndex(edges, NaN)).toThrow(RangeError);
  });

  it('searches the edges in logarithmic time', () => {
    // 100 000 lookups in a million bins: ~2e6 steps by binary search, ~5e10 by a linear scan.
    const edges = equalWidthEdges(0, 1, 1_000_000);
    const started = performance.now();
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += binIndex(edges, (i * 0.618034) % 1);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(sum).toBeGreaterThan(0);
  });
});

import { buildBinning } from '../../../src/monitoring/aggregates/binning';
import { CounterSet } from '../../../src/monitoring/aggregates/counterSet';
import {
  familyOf,
  foldLabel,
  LATENCY_BOUNDS,
  readWindow,
  referenceBin,
} from '../../../src/monitoring/aggregates/layout';
import { referenceBinning } from './fixtures';

describe('aggregate layout', () => {
  it('column counters (f:, p:, y:) form the columns family, all others ops', () => {
    expect(['f:0:n', 'p:1:h:2', 'y:0:sum'].map(familyOf)).toEqual(['columns', 'columns', 'columns']);
    expect(['n', 'err', 'lat:b:3', 'l:c:0:1', 'lh:n', 'f', 'fx:0'].map(familyOf)).toEqual(
      new Array(7).fill('ops'),
    );
  });

  it('reference bins: numeric by edges (the last edge closes the last inner bin), categorical by index', () => {
    const [x, c] = referenceBinning().features;
    expect([-1, 0, 5, 10, 19.9, 20, 25].map((v) => referenceBin(x, v))).toEqual([0, 1, 1, 2, 2, 2, 3]);
    expect(referenceBin(x, '5')).toBe(1);
    expect(referenceBin(x, 'five')).toBeNull();
    expect(['a', 'b', 'z', 1].map((v) => referenceBin(c, v))).toEqual([0, 1, 2, 2]);
    expect(
      referenceBin(buildBinning({ features: [c.spec], predictions: [], labels: [] }, null).features[0], 'a'),
    ).toBeNull();
  });

  it('a categorical label counts agreement and confusion (actual bin, predicted bin)', () => {
    const binning = referenceBinning();
    const counters = new CounterSet();
    foldLabel(counters, binning, 'yes', 'yes');
    foldLabel(counters, binning, 'yes', 'no');
    foldLabel(counters, binning, 'maybe', 'no');
    foldLabel(counters, binning, 'no', null); // a missing label counts nothing
    expect(counters.add).toEqual({ 'l:n': 3, 'l:ok': 1, 'l:c:0:0': 1, 'l:c:1:0': 1, 'l:c:1:2': 1 });
  });

  it('a numeric pair counts absolute and squared errors, and integer classes', () => {
    const binning = buildBinning(
      {
        features: [],
        predictions: [{ name: 'y', kind: 'numeric' }],
        labels: [{ name: 'y', kind: 'numeric' }],
      },
      null,
    );
    const counters = new CounterSet();
    foldLabel(counters, binning, 2.5, 4); // error 1.5
    foldLabel(counters, binning, 3, 1); // error 2, both integer classes
    expect(counters.get('l:n')).toBe(2);
    expect(counters.get('l:ae')).toBe(3.5);
    expect(counters.get('l:se')).toBe(1.5 * 1.5 + 4);
    expect(counters.get('l:ok')).toBe(0);
    expect(counters.get('l:int')).toBe(1);
    expect(counters.get('l:k:1:3')).toBe(1);
    // The label column itself: two values 4 and 1.
    expect([counters.get('y:0:n'), counters.get('y:0:sum'), counters.get('y:0:sq')]).toEqual([2, 5, 17]);
    expect([counters.min['y:0'], counters.max['y:0']]).toEqual([1, 4]);
  });

  it('reads a window back from named counters', () => {
    const binning = referenceBinning();
    const counters = new CounterSet();
    counters.merge({
      add: {
        n: 5,
        err: 1,
        'lat:n': 4,
        'lat:sum': 900,
        'lat:b:2': 3,
        'f:0:n': 4,
        'f:0:miss': 1,
        'f:0:sum': 30,
        'f:0:sq': 350,
        'f:0:oor': 1,
        'f:0:h:1': 2,
        'f:0:h:3': 1,
        'p:0:h:0': 5,
        'l:n': 2,
        'l:ok': 1,
        'l:c:1:0': 1,
      },
      min: { 'f:0': 2 },
      max: { 'f:0': 21 },
    });
    const window = readWindow(counters, binning);
    expect(window.predictions).toBe(5);
    expect(window.errors).toBe(1);
    expect(window.latency.count).toBe(4);
    expect(window.latency.sumUs).toBe(900);
    expect(window.latency.buckets).toHaveLength(LATENCY_BOUNDS.length);
    expect(window.latency.buckets[2]).toBe(3);
    expect(window.features[0]).toEqual({
      name: 'x',
      kind: 'numeric',
      count: 4,
      missing: 1,
      sum: 30,
      sumSquares: 350,
      min: 2,
      max: 21,
      outOfRange: 1,
      histogram: [0, 2, 0, 1],
    });
    // No numeric values: min and max are NaN.
    expect(window.features[1]).toMatchObject({
      name: 'c',
      count: 0,
      min: NaN,
      max: NaN,
      histogram: [0, 0, 0],
    });
    expect(window.outputs[0].histogram).toEqual([5, 0, 0]);
    expect(window.agreement).toEqual({
      count: 2,
      correct: 1,
      absErrorSum: 0,
      squaredErrorSum: 0,
      confusion: [
        [0, 0, 0],
        [1, 0, 0],
        [0, 0, 0],
      ],
    });
  });
});

import { binCount, buildBinning } from '../../../src/monitoring/aggregates/binning';
import { COLUMNS, REFERENCE, referenceBinning } from './fixtures';

describe('binning', () => {
  it('finds each column its reference statistics by name, with category indices', () => {
    const binning = referenceBinning();
    expect(binning.referenceVersion).toBe(3);
    expect(binning.features.map((f) => f.reference?.name)).toEqual(['x', 'c']);
    expect(binning.features[0].categoryIndex).toBeNull();
    expect([...(binning.features[1].categoryIndex ?? [])]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(binning.predictions[0].reference?.name).toBe('label');
  });

  it('a column of another kind in the reference, or none, counts without bins', () => {
    const binning = buildBinning(
      {
        ...COLUMNS,
        features: [
          { name: 'x', kind: 'categorical' },
          { name: 'new', kind: 'numeric' },
        ],
      },
      { version: 1, statistics: REFERENCE },
    );
    expect(binning.features.map((f) => f.reference)).toEqual([null, null]);
    expect(binning.features.map(binCount)).toEqual([0, 0]);
  });

  it('without a reference: version 0 and no bins', () => {
    const binning = buildBinning(COLUMNS, null);
    expect(binning.referenceVersion).toBe(0);
    expect([...binning.features, ...binning.predictions].map(binCount)).toEqual([0, 0, 0]);
  });

  it('bin counts: numeric edges + 1, categorical categories + 1 (other)', () => {
    const binning = referenceBinning();
    // x: 3 edges -> 4 bins; c: a, b, other; label: yes, no, other.
    expect([...binning.features, ...binning.predictions].map(binCount)).toEqual([4, 3, 3]);
  });
});

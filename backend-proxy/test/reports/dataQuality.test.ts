import { compareRows } from '../../src/reports/compareDatasets';
import { columnQuality, LISTED_NEW_CATEGORIES } from '../../src/reports/dataQuality';
import type { BinCounts } from '../../src/reports/binCounts';
import type { ColumnProfile } from '../../src/reports/columnProfile';

const profile = (over: Partial<ColumnProfile>): ColumnProfile => ({
  name: 'x',
  rows: 0,
  missing: 0,
  numeric: 0,
  nonNumeric: 0,
  min: Infinity,
  max: -Infinity,
  sum: 0,
  sumSquares: 0,
  frequencies: null,
  values: null,
  ...over,
});

describe('data quality', () => {
  const reference = [
    ...Array.from({ length: 90 }, (_, i) => ({ x: i, c: ['a', 'b', 'c'][i % 3] })),
    ...Array.from({ length: 10 }, () => ({ x: null, c: '' })),
  ];
  const current = [
    ...Array.from({ length: 70 }, (_, i) => ({ x: i, c: ['a', 'b'][i % 2] })),
    { x: -5, c: 'd' },
    { x: 89, c: 'd' },
    { x: 89.5, c: 'e' },
    { x: 'oops', c: 'd' },
    { x: '', c: null },
    { x: Number.NaN, c: 'a' },
  ];
  const report = compareRows(reference, current);
  const byName = (name: string) => report.columns.find((c) => c.name === name)!;

  it('reports missing, out-of-range and non-numeric shares of a numeric column', () => {
    const x = byName('x');
    expect(x.kind).toBe('numeric');
    expect(x.quality).toEqual({
      referenceMissingShare: 10 / 100,
      currentMissingShare: 2 / 76,
      // -5 and 89.5 are outside [0, 89]; 89 is the reference's max, so inside.
      outOfRangeShare: 2 / 73,
      outOfRangeCount: 2,
      nonNumericShare: 1 / 74,
      newCategories: [],
      newCategoryCount: 0,
      newCategoriesComplete: true,
    });
    // The non-numeric value falls in no bin, as at ingest: 73 numbers counted.
    expect(x.histograms?.current.reduce((a, b) => a + b, 0)).toBe(73);
    expect(x.histograms?.current[0]).toBe(1);
    expect(x.histograms?.current[21]).toBe(1);
  });

  it('lists new categories, most frequent first, and their share as out of range', () => {
    const c = byName('c');
    expect(c.kind).toBe('categorical');
    expect(c.quality).toMatchObject({
      referenceMissingShare: 0.1,
      currentMissingShare: 1 / 76,
      outOfRangeShare: 4 / 75,
      outOfRangeCount: 4,
      nonNumericShare: null,
      newCategories: [
        { value: 'd', count: 3 },
        { value: 'e', count: 1 },
      ],
      newCategoryCount: 2,
      newCategoriesComplete: true,
    });
    // New categories share the "other" bin.
    expect(c.bins).toEqual({ categories: ['a', 'b', 'c'] });
    expect(c.histograms?.current).toEqual([36, 35, 0, 4]);
  });

  it('keeps counting new-category rows past the tracked maximum, and says the list is partial', () => {
    const many = compareRows(
      [{ c: 'a' }, { c: 'b' }],
      Array.from({ length: 10 }, (_, i) => ({ c: `new-${i}` })),
      { limits: { maxTrackedDistinct: 3 } },
    );
    expect(many.columns[0].quality).toMatchObject({
      outOfRangeShare: 1,
      outOfRangeCount: 10,
      newCategoryCount: 3,
      newCategoriesComplete: false,
    });
  });

  it('lists at most 20 new categories and has no shares without rows', () => {
    const counts: BinCounts = {
      histogram: [0, 30],
      outOfRange: 30,
      newCategories: new Map(Array.from({ length: 30 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 1])),
      newCategoriesComplete: true,
    };
    const quality = columnQuality(
      'categorical',
      profile({ rows: 5, nonNumeric: 5 }),
      profile({ rows: 30, nonNumeric: 30 }),
      counts,
    );
    expect(quality.newCategories).toHaveLength(LISTED_NEW_CATEGORIES);
    expect(quality.newCategories[0]).toEqual({ value: 'k00', count: 1 });
    expect(quality.newCategoryCount).toBe(30);
    const empty = columnQuality('numeric', profile({}), profile({}), null);
    expect(empty).toMatchObject({
      referenceMissingShare: null,
      currentMissingShare: null,
      outOfRangeShare: null,
      nonNumericShare: null,
    });
  });
});

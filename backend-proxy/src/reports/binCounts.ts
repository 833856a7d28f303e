import { asCategory, isMissing } from '../monitoring/reference/columnValues';
import { binIndex } from '../monitoring/stats/histogramEdges';
import { binCountOf, type ColumnBins } from './columnBins';
import { numericValue } from './columnProfile';

/**
 * Counts a column's values on the reference's bins (the current dataset, and the reference itself
 * when pass 1 could not), with what data quality needs: values outside the reference's range and,
 * for categories, the ones the reference never had (tracked up to a cap; their row count is exact).
 * A value that is not a number in a numeric column falls in no bin, as at ingest.
 */

export interface BinCounts {
  histogram: number[];
  /** Numeric: present numbers below the reference's min or above its max. Categorical: rows with a new category. */
  outOfRange: number;
  /** New categories and their counts, at most `maxTrackedDistinct` of them. */
  newCategories: Map<string, number>;
  newCategoriesComplete: boolean;
}

export class BinCounter {
  private readonly counts: BinCounts;

  constructor(
    private readonly bins: ColumnBins,
    private readonly maxTrackedDistinct: number,
  ) {
    this.counts = {
      histogram: new Array<number>(binCountOf(bins)).fill(0),
      outOfRange: 0,
      newCategories: new Map(),
      newCategoriesComplete: true,
    };
  }

  add(value: unknown): void {
    if (isMissing(value)) return;
    const bins = this.bins;
    const counts = this.counts;
    if (bins.kind === 'numeric') {
      const n = numericValue(value);
      if (n === null) return;
      counts.histogram[binIndex(bins.edges, n)] += 1;
      if (n < bins.min || n > bins.max) counts.outOfRange += 1;
      return;
    }
    const category = asCategory(value);
    counts.histogram[bins.index.get(category) ?? bins.categories.length] += 1;
    if (bins.known.has(category)) return;
    counts.outOfRange += 1;
    const seen = counts.newCategories.get(category);
    if (seen !== undefined) counts.newCategories.set(category, seen + 1);
    else if (counts.newCategories.size < this.maxTrackedDistinct) counts.newCategories.set(category, 1);
    else counts.newCategoriesComplete = false;
  }

  result(): BinCounts {
    return this.counts;
  }
}

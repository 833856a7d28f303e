import type { BinCounts } from './binCounts';
import type { ColumnProfile } from './columnProfile';
import type { ColumnKind, ColumnQuality, NewCategory } from './types';

/**
 * Data quality of one column of the current dataset against the reference (the Evidently recipe's
 * missing values, out-of-range values and new categories):
 *   missing share      = missing / rows, for each dataset;
 *   out-of-range share = numeric: present numbers below the reference's min or above its max,
 *                        categorical: rows whose category the reference never had,
 *                        over the current's present values of that kind;
 *   non-numeric share  = numeric columns: present current values that are not numbers (they fall in
 *                        no bin, as at ingest);
 *   new categories     = the categories behind the categorical out-of-range rows, most frequent first.
 */

export const LISTED_NEW_CATEGORIES = 20;

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function columnQuality(
  kind: ColumnKind,
  reference: ColumnProfile,
  current: ColumnProfile,
  counts: BinCounts | null,
): ColumnQuality {
  const present = current.numeric + current.nonNumeric;
  const newCategories: NewCategory[] = counts
    ? [...counts.newCategories.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, LISTED_NEW_CATEGORIES)
        .map(([value, count]) => ({ value, count }))
    : [];
  return {
    referenceMissingShare: share(reference.missing, reference.rows),
    currentMissingShare: share(current.missing, current.rows),
    outOfRangeShare: counts ? share(counts.outOfRange, kind === 'numeric' ? current.numeric : present) : null,
    outOfRangeCount: counts?.outOfRange ?? 0,
    nonNumericShare: kind === 'numeric' ? share(current.nonNumeric, present) : null,
    newCategories,
    newCategoryCount: counts?.newCategories.size ?? 0,
    newCategoriesComplete: counts?.newCategoriesComplete ?? true,
  };
}

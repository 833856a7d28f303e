import { alignedCountTotals } from './alignedCounts';

/**
 * Merges adjacent bins of two aligned histograms until every merged bin expects at least
 * `minExpected` production counts under homogeneity: E_j = m (e_j + a_j) / (n + m), with
 * n = Σ expected, m = Σ actual. Cochran's rule for the chi-squared approximation; without it a
 * window of a few hundred predictions over 50 categories over-rejects. Bins are merged in their
 * order (numeric: by value; categorical: by reference frequency, so rare categories merge with
 * each other); a short remainder joins the last merged bin. Null when either total is 0.
 */
export function mergeSparseBins(
  expected: readonly number[],
  actual: readonly number[],
  minExpected = 5,
): { expected: number[]; actual: number[] } | null {
  const totals = alignedCountTotals(expected, actual);
  if (!totals) return null;
  const share = totals.actualTotal / (totals.expectedTotal + totals.actualTotal);
  const merged = { expected: [] as number[], actual: [] as number[] };
  let e = 0;
  let a = 0;
  for (let i = 0; i < expected.length; i++) {
    e += expected[i];
    a += actual[i];
    if ((e + a) * share >= minExpected) {
      merged.expected.push(e);
      merged.actual.push(a);
      e = 0;
      a = 0;
    }
  }
  if (e + a > 0) {
    if (merged.expected.length === 0) {
      merged.expected.push(e);
      merged.actual.push(a);
    } else {
      merged.expected[merged.expected.length - 1] += e;
      merged.actual[merged.actual.length - 1] += a;
    }
  }
  return merged;
}

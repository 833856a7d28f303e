import { kolmogorovSurvival } from '../stats/kolmogorovSurvival';
import { alignedCountTotals } from './alignedCounts';

/**
 * Two-sample Kolmogorov-Smirnov test on binned data, n = Σ expected, m = Σ actual:
 *   D = max_k |F_expected(k) - F_actual(k)|, the empirical CDFs compared at the bin boundaries,
 *   p = Q_KS(sqrt(n m / (n + m)) D), Q_KS the asymptotic Kolmogorov survival function
 *   (scipy.stats.kstwobign.sf; no small-sample correction).
 * Binning makes the test conservative: D can only be smaller than on the raw values (the CDFs are
 * compared at fewer points), so the p-value is larger and drift is, if anything, under-reported.
 * Bins must be in ascending order of value. NaN statistic and p-value when either total is 0.
 */

export interface KolmogorovSmirnovResult {
  statistic: number;
  pValue: number;
}

export function kolmogorovSmirnov(
  expected: readonly number[],
  actual: readonly number[],
): KolmogorovSmirnovResult {
  const totals = alignedCountTotals(expected, actual);
  if (!totals) return { statistic: NaN, pValue: NaN };
  const { expectedTotal: n, actualTotal: m } = totals;
  let expectedBelow = 0;
  let actualBelow = 0;
  let statistic = 0;
  for (let i = 0; i < expected.length; i++) {
    expectedBelow += expected[i];
    actualBelow += actual[i];
    statistic = Math.max(statistic, Math.abs(expectedBelow / n - actualBelow / m));
  }
  return { statistic, pValue: kolmogorovSurvival(Math.sqrt((n * m) / (n + m)) * statistic) };
}

import { kolmogorovSmirnovExactPValue } from '../monitoring/stats/kolmogorovSmirnovExact';
import { kolmogorovSurvival } from '../monitoring/stats/kolmogorovSurvival';

/**
 * The two order-based measures on raw values, for samples small enough to keep (binning costs
 * them most there: 20 bins cannot resolve a shift smaller than a bin):
 *   ks: D = sup_x |F(x) - G(x)| over the empirical CDFs (scipy.stats.ks_2samp's statistic), with
 *       scipy.stats.ks_2samp's default p-value (method='auto'): exact when max(n, m) <= 10,000
 *       (kolmogorovSmirnovExact.ts), else Kolmogorov's limit Q_KS(sqrt(n m / (n + m)) D)
 *       (kstwobign.sf; scipy would use kstwo.sf there) - `exact` says which.
 *   wasserstein: W1 = ∫ |F(x) - G(x)| dx (scipy.stats.wasserstein_distance(u, v)).
 * NaN when either sample is empty.
 */

export interface ValueKolmogorovSmirnov {
  statistic: number;
  pValue: number;
  /** Whether the p-value is exact (as scipy's ks_2samp 'auto'), or the asymptotic approximation. */
  exact: boolean;
}

/** scipy.stats.ks_2samp's method='auto' is exact up to this many values per sample. */
export const EXACT_KS_MAX_N = 10_000;

// A typed array sorts numerically (a plain array's default sort compares strings).
const ascending = (values: readonly number[]): Float64Array => Float64Array.from(values).sort();

export function kolmogorovSmirnovOnValues(
  expected: readonly number[],
  actual: readonly number[],
): ValueKolmogorovSmirnov {
  const n = expected.length;
  const m = actual.length;
  if (n === 0 || m === 0) return { statistic: NaN, pValue: NaN, exact: false };
  const x = ascending(expected);
  const y = ascending(actual);
  let i = 0;
  let j = 0;
  let statistic = 0;
  while (i < n && j < m) {
    // Step past every copy of the next value on both sides, then compare the CDFs there (ties!).
    const value = Math.min(x[i], y[j]);
    while (i < n && x[i] === value) i++;
    while (j < m && y[j] === value) j++;
    statistic = Math.max(statistic, Math.abs(i / n - j / m));
  }
  // Once one side is exhausted its CDF is 1 and the gap only shrinks: the maximum is already seen.
  if (Math.max(n, m) <= EXACT_KS_MAX_N)
    return { statistic, pValue: kolmogorovSmirnovExactPValue(n, m, statistic), exact: true };
  return { statistic, pValue: kolmogorovSurvival(Math.sqrt((n * m) / (n + m)) * statistic), exact: false };
}

export function wassersteinOnValues(expected: readonly number[], actual: readonly number[]): number {
  const n = expected.length;
  const m = actual.length;
  if (n === 0 || m === 0) return NaN;
  const x = ascending(expected);
  const y = ascending(actual);
  let i = 0;
  let j = 0;
  let previous = Math.min(x[0], y[0]);
  let distance = 0;
  while (i < n || j < m) {
    const value = Math.min(i < n ? x[i] : Infinity, j < m ? y[j] : Infinity);
    // Between `previous` and `value` both CDFs are flat at i / n and j / m.
    distance += Math.abs(i / n - j / m) * (value - previous);
    while (i < n && x[i] === value) i++;
    while (j < m && y[j] === value) j++;
    previous = value;
  }
  return distance;
}

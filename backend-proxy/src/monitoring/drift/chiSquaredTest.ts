import { chiSquaredSurvival } from '../stats/chiSquaredSurvival';
import { alignedCountTotals } from './alignedCounts';

/**
 * Pearson's chi-squared test of homogeneity on the 2 x K table (expected counts, actual counts),
 * as scipy.stats.chi2_contingency(table, correction=False) after dropping the categories empty
 * in both rows:
 *   E_rj = row_r col_j / N,  χ² = Σ_rj (O_rj - E_rj)² / E_rj,  dof = K - 1,  p = P(χ²_dof > χ²).
 * With a single non-empty category (dof = 0) the statistic is 0 and the p-value 1, as scipy.
 * NaN statistic and p-value when either row total is 0.
 */

export interface ChiSquaredTestResult {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
}

export function chiSquaredTest(expected: readonly number[], actual: readonly number[]): ChiSquaredTestResult {
  const totals = alignedCountTotals(expected, actual);
  if (!totals) return { statistic: NaN, degreesOfFreedom: NaN, pValue: NaN };
  const { expectedTotal, actualTotal } = totals;
  const total = expectedTotal + actualTotal;
  let statistic = 0;
  let categories = 0;
  for (let j = 0; j < expected.length; j++) {
    const column = expected[j] + actual[j];
    if (column === 0) continue;
    categories++;
    const expectedRowFit = (expectedTotal * column) / total;
    const actualRowFit = (actualTotal * column) / total;
    statistic +=
      (expected[j] - expectedRowFit) ** 2 / expectedRowFit + (actual[j] - actualRowFit) ** 2 / actualRowFit;
  }
  const degreesOfFreedom = categories - 1;
  if (degreesOfFreedom === 0) return { statistic: 0, degreesOfFreedom, pValue: 1 };
  return { statistic, degreesOfFreedom, pValue: chiSquaredSurvival(statistic, degreesOfFreedom) };
}

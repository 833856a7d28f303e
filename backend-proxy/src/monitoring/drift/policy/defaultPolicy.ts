import { benjaminiHochberg } from '../benjaminiHochberg';
import { chiSquaredTest } from '../chiSquaredTest';
import { kolmogorovSmirnov } from '../kolmogorovSmirnov';
import { mergeSparseBins } from '../mergeSparseBins';
import { totalVariationDistance } from '../totalVariationDistance';
import { wassersteinDistance } from '../wassersteinDistance';
import type { DriftPolicyConfig } from './policyConfig';
import type { ColumnDecision, PolicyColumn } from './types';

/**
 * The default drift policy, and why.
 *
 * A page must mean "the data moved, and by enough to matter". So a feature drifts only when BOTH
 *   1. a test says the window is unlikely under the reference (noise is ruled out), and
 *   2. an effect size says the move is material (huge windows do not flag negligible moves).
 *
 * Tests, on the aligned bins the aggregates keep (there are no raw values to test):
 *   numeric      two-sample Kolmogorov-Smirnov on the binned CDFs, asymptotic p-value. Binning
 *                compares the CDFs at the 21 bin edges only, so D is at most the raw-data D and the
 *                p-value at least the raw one: conservative (fewer false alarms, slightly less power;
 *                a shift within one bin is invisible). Ties make the asymptotic p-value conservative
 *                at small n too.
 *   categorical  Pearson chi-squared of homogeneity on the 2 x K table, after merging bins until each
 *                expects >= 5 production counts (mergeSparseBins): with 50 categories and a few hundred
 *                predictions, unmerged sparse bins make the chi-squared approximation over-reject.
 * Correction: Benjamini-Hochberg over the features of the window. With no drift it bounds the
 *   chance of any false alarm by alpha (0.01) whatever the number of features; with drift on several
 *   features it keeps more power than Bonferroni.
 * Effect sizes, in units a person can check:
 *   numeric      Wasserstein-1 between the binned distributions / the reference's std: "the mass
 *                moved this many standard deviations on average". >= 0.1 std drifts; 0.5 std is
 *                material, 0.02 std negligible (the benchmark's cases).
 *   categorical  total variation distance: "this share of the traffic changed category". >= 0.05
 *                (five points) drifts; a ten-point move of one category's share is material.
 * Minimum sample: 100 production values per feature and per window. Below it no status is a drift
 *   status (INSUFFICIENT_DATA). Measured (bench/signalQuality, the same rule without a minimum): the
 *   tests keep false alarms <= 0.5% at every n, but at n = 20 they find 5.6% of material numeric
 *   shifts and 0.5% of categorical ones, at n = 100 81% and 22%: a status from fewer than 100
 *   predictions says "no drift" to nearly every real shift, so it is better not given.
 * Endpoint: DRIFT_DETECTED when >= driftShare (0.5, as Evidently's dataset drift) of the evaluated
 *   features drifted; POSSIBLE_DRIFT when at least one did; NO_DRIFT otherwise.
 *
 * `bench/signalQuality.ts` measures the false-alarm and detection rates of these choices across
 * window sizes 1..100,000 (backend-proxy/bench/RESULTS.md).
 */

interface Tested {
  column: PolicyColumn;
  n: { production: number; reference: number };
  test: 'ks' | 'chi2';
  pValue: number;
  measure: 'wasserstein_std' | 'tvd';
  value: number;
  threshold: number;
}

function sum(counts: readonly number[]): number {
  return counts.reduce((total, c) => total + c, 0);
}

/** Wasserstein-1 / scale; a constant reference (scale 0) makes any move infinite, no move 0. */
export function normalisedWasserstein(
  expected: readonly number[],
  actual: readonly number[],
  positions: readonly number[],
  scale: number,
): number {
  const distance = wassersteinDistance(expected, actual, positions);
  if (scale > 0) return distance / scale;
  return distance > 0 ? Infinity : 0;
}

function testColumn(column: PolicyColumn, config: DriftPolicyConfig): Tested {
  const n = { production: sum(column.actual), reference: sum(column.expected) };
  if (column.kind === 'numeric' && column.positions) {
    const positions = column.positions;
    return {
      column,
      n,
      test: 'ks',
      pValue: kolmogorovSmirnov(column.expected, column.actual).pValue,
      measure: 'wasserstein_std',
      value: normalisedWasserstein(column.expected, column.actual, positions, column.scale ?? 0),
      threshold: config.numericEffect,
    };
  }
  const merged = mergeSparseBins(column.expected, column.actual);
  return {
    column,
    n,
    test: 'chi2',
    pValue: merged ? chiSquaredTest(merged.expected, merged.actual).pValue : Number.NaN,
    measure: 'tvd',
    value: totalVariationDistance(column.expected, column.actual),
    threshold: config.categoricalEffect,
  };
}

const format = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(2));

/**
 * Per-column decisions of the default policy for one group of columns tested together (the
 * features, or the prediction columns). `insufficient` decides the columns below the minimum sample.
 */
export function decideDefault(
  columns: readonly PolicyColumn[],
  config: DriftPolicyConfig,
  insufficient: (column: PolicyColumn) => ColumnDecision | null,
  topBins: (column: PolicyColumn) => ColumnDecision['topBins'],
): ColumnDecision[] {
  const decided = new Map<number, ColumnDecision>();
  const tested: Array<{ index: number; result: Tested }> = [];
  columns.forEach((column, index) => {
    const short = insufficient(column);
    if (short) decided.set(index, short);
    else tested.push({ index, result: testColumn(column, config) });
  });
  const valid = tested.filter((t) => Number.isFinite(t.result.pValue));
  const adjusted = benjaminiHochberg(valid.map((t) => t.result.pValue));
  const adjustedOf = new Map(valid.map((t, i) => [t.index, adjusted[i]]));
  for (const { index, result } of tested) {
    const adjustedPValue = adjustedOf.get(index) ?? null;
    const significant = adjustedPValue !== null && adjustedPValue <= config.alpha;
    const material = result.value >= result.threshold;
    const drifted = significant && material;
    const test = `${result.test} p ${format(result.pValue)} (BH ${adjustedPValue === null ? 'n/a' : format(adjustedPValue)}) ${significant ? '<=' : '>'} ${config.alpha}`;
    const effect = `${result.measure} ${format(result.value)} ${material ? '>=' : '<'} ${result.threshold}`;
    decided.set(index, {
      name: result.column.name,
      status: adjustedPValue === null ? 'UNKNOWN' : drifted ? 'DRIFT_DETECTED' : 'NO_DRIFT',
      n: result.n,
      measure: result.measure,
      value: Number.isFinite(result.value) || result.value === Infinity ? result.value : null,
      threshold: result.threshold,
      test: result.test,
      pValue: Number.isFinite(result.pValue) ? result.pValue : null,
      adjustedPValue,
      alpha: config.alpha,
      topBins: topBins(result.column),
      reason: `${drifted ? 'drifted' : significant ? 'significant but negligible' : 'no significant change'}: ${effect}; ${test}; n ${result.n.production} vs ${result.n.reference}`,
    });
  }
  return columns.map((_, index) => decided.get(index) as ColumnDecision);
}

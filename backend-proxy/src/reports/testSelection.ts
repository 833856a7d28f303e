import { DRIFT_METRICS, type DriftMetric } from '../monitoring/drift/registry';
import type { ColumnKind, ComparisonLimits, DriftRule } from './types';

/**
 * Which drift test a column gets: Evidently's default rule (DataDriftPreset's `get_stattest`),
 * on Driftwatch's measures.
 *
 *   n        = the smaller of the two samples: present values usable for the column's kind, in the
 *              reference and in the current dataset (the smaller sample bounds a test's power);
 *   discrete = a categorical column, or a numeric one with at most 5 distinct reference values
 *              (flags, counts such as cylinders), which is compared category by category.
 *
 *   n <= 1000, numeric     -> ks           two-sample Kolmogorov-Smirnov;       drift when p-value < 0.05
 *   n <= 1000, discrete    -> chi2         Pearson chi-squared, 2 x K table;    drift when p-value < 0.05
 *   n >  1000, numeric     -> wasserstein  Wasserstein-1 / reference std;       drift when >= 0.1
 *   n >  1000, discrete    -> js           Jensen-Shannon distance (base 2);    drift when >= 0.1
 *
 * Large samples get distances because a test's p-value falls below 0.05 for a shift of any size
 * once n is large enough; a distance measures how big the shift is. For two categories chi2 equals
 * Evidently's two-proportion z-test (chi2 = z^2, same p-value).
 *
 * Where each is computed: chi2, js and every forced measure but ks / wasserstein on the reference's
 * bins (20 equal-width + 2 open bins, or the top 50 categories + "other"); ks and wasserstein on the
 * raw values when both samples have at most `rawValueLimit` (10 000) values, else on those bins, as
 * Driftwatch's monitoring does. Binned ks is conservative: D can only shrink, p only grow.
 * Wasserstein is always divided by the reference's population std (floored at 0.001), as Evidently's
 * "wasserstein normed", so 0.1 means "a tenth of a standard deviation" whatever the unit.
 *
 * Forced (`--test column=metric[:threshold]`): any of tvd, hellinger, kld, kl, psi, js, ks,
 * wasserstein, chi2; ks and wasserstein need a numeric column. Default thresholds: p-value < 0.05
 * for ks and chi2, distance >= 0.1 for the others (Evidently's for psi, kl, js, hellinger,
 * wasserstein; the same for tvd and the symmetric kld).
 */

export const P_VALUE_THRESHOLD = 0.05;
export const DISTANCE_THRESHOLD = 0.1;

const P_VALUE_TESTS: ReadonlySet<DriftMetric> = new Set(['ks', 'chi2']);
/** Measures that need ordered values: a numeric column. */
const ORDERED_MEASURES: ReadonlySet<DriftMetric> = new Set(['ks', 'wasserstein']);

export interface TestOverride {
  metric: DriftMetric;
  threshold?: number;
}

export interface TestSelectionInput {
  kind: ColumnKind;
  /** Distinct reference values; null when more than were tracked. */
  referenceDistinct: number | null;
  referenceValues: number;
  currentValues: number;
}

export interface TestChoice {
  metric: DriftMetric;
  threshold: number;
  rule: DriftRule;
  forced: boolean;
  reason: string;
}

export function ruleOf(metric: DriftMetric): DriftRule {
  return P_VALUE_TESTS.has(metric) ? 'p-value below threshold' : 'distance at or above threshold';
}

export function defaultThreshold(metric: DriftMetric): number {
  return P_VALUE_TESTS.has(metric) ? P_VALUE_THRESHOLD : DISTANCE_THRESHOLD;
}

export function chooseTest(
  input: TestSelectionInput,
  limits: Pick<ComparisonLimits, 'smallSampleMax' | 'discreteMaxDistinct'>,
  override?: TestOverride,
): TestChoice {
  if (override) {
    return {
      metric: override.metric,
      threshold: override.threshold ?? defaultThreshold(override.metric),
      rule: ruleOf(override.metric),
      forced: true,
      reason: 'forced with --test',
    };
  }
  const n = Math.min(input.referenceValues, input.currentValues);
  const small = n <= limits.smallSampleMax;
  const discrete =
    input.kind === 'categorical' ||
    (input.referenceDistinct !== null && input.referenceDistinct <= limits.discreteMaxDistinct);
  const size = small ? `n = ${n} <= ${limits.smallSampleMax}` : `n = ${n} > ${limits.smallSampleMax}`;
  const shape =
    input.kind === 'categorical'
      ? 'categorical'
      : discrete
        ? `numeric with ${input.referenceDistinct} <= ${limits.discreteMaxDistinct} distinct values`
        : 'numeric';
  const metric: DriftMetric = small ? (discrete ? 'chi2' : 'ks') : discrete ? 'js' : 'wasserstein';
  return {
    metric,
    threshold: defaultThreshold(metric),
    rule: ruleOf(metric),
    forced: false,
    reason: `${shape}, ${size}`,
  };
}

/** Whether a score crosses its threshold; null when there is no score (no values on one side). */
export function isDrifted(choice: Pick<TestChoice, 'rule' | 'threshold'>, score: number): boolean | null {
  if (!Number.isFinite(score)) return null;
  return choice.rule === 'p-value below threshold' ? score < choice.threshold : score >= choice.threshold;
}

/** Why an override cannot apply to a column of this kind, or null when it can. */
export function overrideProblem(kind: ColumnKind, override: TestOverride): string | null {
  return kind === 'categorical' && ORDERED_MEASURES.has(override.metric)
    ? `${override.metric} needs ordered values and the column is categorical`
    : null;
}

/**
 * Reads `column=metric` or `column=metric:threshold` (the last "=" splits, so column names may
 * hold one). Returns a message instead when the text is not one.
 */
export function parseTestOverride(text: string): { column: string; override: TestOverride } | string {
  const split = text.lastIndexOf('=');
  if (split <= 0) return `"${text}" is not column=test (e.g. age=psi or age=psi:0.2)`;
  const column = text.slice(0, split);
  const [name, threshold, ...rest] = text.slice(split + 1).split(':');
  const metric = DRIFT_METRICS.find((m) => m === name);
  if (!metric) return `"${name}" is not a test: one of ${DRIFT_METRICS.join(', ')}`;
  if (rest.length > 0) return `"${text}" has more than one ":"`;
  if (threshold === undefined) return { column, override: { metric } };
  const value = Number(threshold);
  if (threshold.trim() === '' || !Number.isFinite(value) || value < 0)
    return `threshold "${threshold}" is not a non-negative number`;
  if (P_VALUE_TESTS.has(metric) && value > 1)
    return `${metric} compares a p-value: its threshold must be in [0, 1]`;
  return { column, override: { metric, threshold: value } };
}

/** The rule in one line, for the table's legend. */
export function describeRule(
  limits: Pick<ComparisonLimits, 'smallSampleMax' | 'discreteMaxDistinct'>,
): string {
  return (
    `n <= ${limits.smallSampleMax}: ks (numeric), chi2 (categorical or <= ${limits.discreteMaxDistinct} distinct values), drift when p < ${P_VALUE_THRESHOLD}; ` +
    `n > ${limits.smallSampleMax}: wasserstein / reference std (numeric), js (categorical), drift when >= ${DISTANCE_THRESHOLD}`
  );
}

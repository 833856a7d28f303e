import type { DriftMethod, DriftMetric } from '../monitoring/drift/registry';

/**
 * The shape of a batch comparison ("reference vs current", the Evidently recipe): what
 * `compareRows` / `compareCsvFiles` return, what `--json` writes and what `reportTable` prints.
 * Non-finite numbers are null so the JSON stays plain.
 */

export type ColumnKind = 'numeric' | 'categorical';
/** Evidently reports the target and the prediction apart from the features; so do we. */
export type ColumnRole = 'feature' | 'target' | 'prediction';

/** How a test's score decides drift: tests by their p-value, distances by their size. */
export type DriftRule = 'p-value below threshold' | 'distance at or above threshold';

export interface ColumnSummary {
  /** Rows of the file (present or missing). */
  rows: number;
  missing: number;
  /** Present values usable for the column's kind (numbers for a numeric column). */
  values: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (n - 1), as Driftwatch's reference statistics. */
  std: number | null;
  /** Distinct present values; null when more than the tracked maximum (see `limits`). */
  distinct: number | null;
}

export interface ReportMethod extends DriftMethod {
  /** "raw": on the values themselves (small samples, ks and wasserstein); "binned": on the reference's bins. */
  values: 'raw' | 'binned';
  /** Wasserstein only: what the distance was divided by. */
  normalisation?: string;
}

export interface ColumnTestResult {
  metric: DriftMetric;
  /** True when chosen with `--test column=metric` rather than by the rule. */
  forced: boolean;
  /** Why this test (the rule's branch, or "forced"). */
  reason: string;
  /** The number compared with the threshold: the p-value for ks and chi2, the distance otherwise. */
  score: number | null;
  statistic: number | null;
  pValue: number | null;
  threshold: number;
  rule: DriftRule;
  /** Null when the score could not be computed (no values on one side). */
  drifted: boolean | null;
  method: ReportMethod;
}

export interface NewCategory {
  value: string;
  count: number;
}

export interface ColumnQuality {
  referenceMissingShare: number | null;
  currentMissingShare: number | null;
  /**
   * Share of the current's present values outside the reference: numeric, below its min or above
   * its max; categorical, a category the reference never had.
   */
  outOfRangeShare: number | null;
  outOfRangeCount: number;
  /** Numeric columns: share of present current values that are not numbers. */
  nonNumericShare: number | null;
  /** Categorical columns: current categories the reference never had, most frequent first (at most 20 listed). */
  newCategories: NewCategory[];
  /** Distinct new categories (a lower bound when `newCategoriesComplete` is false). */
  newCategoryCount: number;
  newCategoriesComplete: boolean;
}

export type ColumnBinsReport = { edges: number[] } | { categories: string[] };

export interface ColumnReport {
  name: string;
  role: ColumnRole;
  kind: ColumnKind;
  reference: ColumnSummary;
  current: ColumnSummary;
  /** Null when the column could not be tested; `skipped` says why. */
  test: ColumnTestResult | null;
  skipped: string | null;
  quality: ColumnQuality;
  /** The reference's bins (numeric: edges with an open bin below and above; categorical: kept categories, then "other"). */
  bins: ColumnBinsReport | null;
  histograms: { reference: number[]; current: number[] } | null;
}

export interface DatasetInfo {
  /** File path, or a caller-chosen label for rows in memory. */
  source: string;
  rows: number;
  columns: string[];
}

export interface ComparisonSummary {
  /** Feature columns (all shared columns but target and prediction). */
  featureColumns: number;
  /** Feature columns with a drift decision (not skipped, score computed). */
  testedFeatures: number;
  driftedFeatures: number;
  /** driftedFeatures / testedFeatures; null when nothing could be tested. */
  driftedShare: number | null;
  driftShareThreshold: number;
  /** The Evidently dataset verdict: driftedShare >= driftShareThreshold. */
  datasetDrift: boolean;
  /** Null when there is no target / prediction column or it could not be tested. */
  targetDrift: boolean | null;
  predictionDrift: boolean | null;
  /** What the CLI's exit status reports: dataset drift, target drift or prediction drift. */
  drift: boolean;
  /** One line per cause of `drift` (empty when there is none). */
  reasons: string[];
}

export interface ComparisonLimits {
  /** Samples of at most this many values get tests (ks, chi2); larger ones distances (wasserstein, js). */
  smallSampleMax: number;
  /** Numeric columns with at most this many distinct reference values are tested as categories. */
  discreteMaxDistinct: number;
  /** ks and wasserstein run on raw values when both samples hold at most this many values. */
  rawValueLimit: number;
  /** Distinct values tracked per column; a categorical reference column with more is skipped. */
  maxTrackedDistinct: number;
}

export interface ComparisonReport {
  reference: DatasetInfo;
  current: DatasetInfo;
  /** Features in reference column order, then the target, then the prediction. */
  columns: ColumnReport[];
  schema: { onlyInReference: string[]; onlyInCurrent: string[] };
  summary: ComparisonSummary;
  limits: ComparisonLimits;
}

import type { FeatureKind } from '../../store/types';

/** How numeric columns are binned; recorded with every drift score. */
export const NUMERIC_BIN_COUNT = 20;
export const NUMERIC_BINS_DESCRIPTION = `reference: ${NUMERIC_BIN_COUNT} equal-width bins over the training range + 2 open outer bins`;
/** Categorical columns keep their most frequent categories; the rest (and unseen ones) share "other". */
export const MAX_CATEGORIES = 50;
export const CATEGORICAL_BINS_DESCRIPTION = `reference: top ${MAX_CATEGORIES} categories + "other"`;

interface ColumnStatisticsBase {
  name: string;
  kind: FeatureKind;
  /** Rows with a value. */
  count: number;
  /** Rows where the value is missing (null, undefined, empty string, NaN). */
  missing: number;
  /**
   * Counts per bin. Numeric: `edges.length + 1` bins: below edges[0], the inner bins, above the
   * last edge. Categorical: one per category, then "other".
   */
  counts: number[];
}

export interface NumericColumnStatistics extends ColumnStatisticsBase {
  kind: 'numeric';
  mean: number;
  std: number;
  min: number;
  max: number;
  quantiles: { p05: number; p25: number; p50: number; p75: number; p95: number };
  /** Largest error of `quantiles`: 0 when exact, one sketch bin width past the raw-value limit (referenceAccumulator.ts). */
  quantileMaxError?: number;
  edges: number[];
}

export interface CategoricalColumnStatistics extends ColumnStatisticsBase {
  kind: 'categorical';
  categories: string[];
  /** Distinct values seen in the reference (may exceed `categories.length`). */
  distinct: number;
}

export type ColumnStatistics = NumericColumnStatistics | CategoricalColumnStatistics;

/** What a registered reference stores: the bins every production window is counted on. */
export interface ReferenceStatistics {
  features: ColumnStatistics[];
  predictions: ColumnStatistics[];
  labels: ColumnStatistics[];
  /** Numeric prediction columns counted per bin with the label (references with labels only). */
  scoreLabels?: ScoreLabelCounts[];
  /** Where the training data came from, when it was an experiment run's artifact. */
  lineage?: ReferenceLineage;
}

/**
 * A numeric prediction column (a score, or a top-class probability) on its reference bins, counted
 * jointly with the first label column: what estimated performance calibrates on.
 */
export interface ScoreLabelCounts {
  column: string;
  /** Rows with both a score and a label, per bin. */
  totals: number[];
  /** Rows whose first prediction column equals the label, per bin. */
  agreeing: number[];
  /** Rows per label value and bin, values sorted; null with more than MAX_LABEL_CLASSES values. */
  labels: { value: string; counts: number[] }[] | null;
}

/** A reference built from a data artifact logged in an experiment run. */
export interface ReferenceLineage {
  project: string;
  experiment: string;
  run: number;
  artifact: string;
  sha256: string;
  size: number;
  rows: number;
}

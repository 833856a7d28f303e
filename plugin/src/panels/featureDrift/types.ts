export type SortDirection = 'asc' | 'desc';

export interface FeatureDriftOptions {
  /** Dashboard variable set when a feature is clicked (without `$`). */
  variable: string;
  /** Column sorted by at first: `name`, `status`, `shift`, a statistic (`actual_mean`) or a measure (`tvd`). */
  sortBy: string;
  sortDirection: SortDirection;
  /** Show prediction columns (feature_drift's `column = prediction` rows) after the features. */
  showPredictions: boolean;
  /** Measures to show, comma separated (empty: every measure the queries return). */
  measures: string;
  /** Row height in pixels (the mini histograms scale with it). */
  rowHeight: number;
}

export const DEFAULT_OPTIONS: FeatureDriftOptions = {
  variable: 'feature',
  sortBy: 'tvd',
  sortDirection: 'desc',
  showPredictions: true,
  measures: '',
  rowHeight: 44,
};

export type DriftStatus = 'NO_DRIFT' | 'POSSIBLE_DRIFT' | 'DRIFT_DETECTED' | 'UNKNOWN';

export interface Bin {
  label: string;
  /** Shares of the reference (expected) and of the range (actual); null when that side is empty. */
  expected: number | null;
  actual: number | null;
}

export interface Stats {
  min: number | null;
  mean: number | null;
  max: number | null;
}

export interface FeatureRow {
  name: string;
  /** `feature`, or `prediction` for a model output column. */
  column: string;
  kind?: string;
  count?: number | null;
  expected: Stats;
  actual: Stats;
  /** Every measure the queries returned for this feature, by field name (tvd, hellinger, kld, psi, ...). */
  measures: Record<string, number | null>;
  status: DriftStatus;
  /** Whether `status` came from the proxy (drift_status) or from TVD and Hellinger here. */
  statusSource: 'proxy' | 'derived' | 'none';
  bins: Bin[];
  /** Largest |actual - expected| share over the bins: how far the histogram moved. */
  shift: number | null;
}

export interface FeatureModel {
  rows: FeatureRow[];
  /** Measure names in display order. */
  measures: string[];
  hasStats: boolean;
  hasHistograms: boolean;
}

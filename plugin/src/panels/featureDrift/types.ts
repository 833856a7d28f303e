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

/** The proxy's status vocabulary, defined once there. */
export type { DriftStatus } from '@driftwatch/backend-proxy/drift-status';
import type { DriftStatus } from '@driftwatch/backend-proxy/drift-status';

export interface Bin {
  label: string;
  /** Shares of the reference (expected) and of the range (actual); null when that side is empty. */
  expected: number | null;
  actual: number | null;
  /** One of the bins that contribute most to the feature's distance (the proxy's `topBins`). */
  top?: boolean;
}

export interface Stats {
  min: number | null;
  mean: number | null;
  max: number | null;
}

export interface FeatureRow {
  /** Unique among the rows: the feature's name, with its segment when the queries span several. */
  id: string;
  name: string;
  /** The segment value (e.g. `DE`) when the queries asked for several segments of a key. */
  segment?: string;
  /** `feature`, or `prediction` for a model output column. */
  column: string;
  kind?: string;
  count?: number | null;
  expected: Stats;
  actual: Stats;
  /** Every measure the queries returned for this feature, by field name (tvd, hellinger, kld, psi, ...). */
  measures: Record<string, number | null>;
  status: DriftStatus;
  /** Whether `status` came from the proxy's drift policy (drift_status); the panel never derives one. */
  statusSource: 'proxy' | 'none';
  /** The policy's explanation of the status (feature_drift's `why`: measure vs threshold, p-value, n). */
  why?: string;
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

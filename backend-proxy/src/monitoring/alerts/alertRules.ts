import type { DriftReport } from '../analysis/driftService';
import { DRIFT_STATUS_LEVEL, isDriftStatus } from '../drift/driftStatus';
import type { OperationalFigures } from '../windows/operationalFigures';

export const ALERT_METRICS = [
  'drift_status',
  'tvd_mean',
  'hellinger_mean',
  'kld_mean',
  'drifted_share',
  'feature_tvd',
  'feature_hellinger',
  'feature_kld',
  'accuracy',
  'label_coverage',
  'label_lag_p95_seconds',
  'labels_received',
  'labels_unmatched',
  'error_rate',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'predictions_per_second',
  'missing_share',
  'out_of_range_share',
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export type AlertComparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface AlertRule {
  id: string;
  name: string;
  project: string;
  /** null: every endpoint of the project. */
  endpointId: string | null;
  metric: AlertMetric;
  /** For feature_* metrics, and optionally missing/out-of-range share (default: the worst feature). */
  feature: string | null;
  comparison: AlertComparison;
  threshold: number;
  forSeconds: number;
  webhooks: string[];
  enabled: boolean;
  createdAt: string;
  /** The segment of the endpoint the metric is computed on; null or absent (older rules): the whole endpoint. */
  segment?: { key: string; value: string } | null;
}

export function holds(value: number | null, comparison: AlertComparison, threshold: number): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  switch (comparison) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export interface AlertInputs {
  report: DriftReport;
  /** Figures over the evaluation window. */
  window: OperationalFigures;
  /** Predictions per second over the last 5 minutes. */
  recentPredictionsPerSecond: number;
}

/** The value a rule compares, from one evaluation; null when there is no data for it. */
export function metricValue(rule: Pick<AlertRule, 'metric' | 'feature'>, inputs: AlertInputs): number | null {
  const { report, window } = inputs;
  const o = report.overall;
  const feature = rule.feature ? report.features.find((f) => f.name === rule.feature) : undefined;
  const worst = (pick: (q: DriftReport['features'][number]['quality']) => number | null) => {
    const values = (feature ? [feature] : report.features)
      .map((f) => pick(f.quality))
      .filter((v): v is number => v !== null);
    return values.length ? Math.max(...values) : null;
  };
  switch (rule.metric) {
    case 'drift_status':
      // INSUFFICIENT_DATA and UNKNOWN are no value, so no rule (whatever its comparison) fires on them.
      return isDriftStatus(o.status) || o.status === 'NO_DRIFT' ? DRIFT_STATUS_LEVEL[o.status] : null;
    case 'tvd_mean':
      return o.tvdMean;
    case 'hellinger_mean':
      return o.hellingerMean;
    case 'kld_mean':
      return o.kldMean;
    case 'drifted_share':
      return o.driftedShare;
    case 'feature_tvd':
      return feature?.measures.tvd?.value ?? null;
    case 'feature_hellinger':
      return feature?.measures.hellinger?.value ?? null;
    case 'feature_kld':
      return feature?.measures.kld?.value ?? null;
    case 'accuracy':
      return window.accuracy;
    case 'label_coverage':
      return window.labels.coverage;
    case 'label_lag_p95_seconds':
      return window.labels.lagP95Seconds;
    case 'labels_received':
      // 0 (not "no data") while predictions come: "labels stopped" fires on labels_received == 0.
      return window.predictions > 0 ? window.labels.received : null;
    case 'labels_unmatched':
      return window.labels.unmatched;
    case 'error_rate':
      return window.errorRate;
    case 'latency_p50_ms':
      return window.latencyP50Ms;
    case 'latency_p95_ms':
      return window.latencyP95Ms;
    case 'latency_p99_ms':
      return window.latencyP99Ms;
    case 'predictions_per_second':
      return inputs.recentPredictionsPerSecond;
    case 'missing_share':
      return worst((q) => q.missingShare);
    case 'out_of_range_share':
      return worst((q) => q.outOfRangeShare);
  }
}

/**
 * The Prometheus series of segments, named once: the backend exports them (prometheusMetrics.ts)
 * and the dashboards' alert rules import the names through the package export `./segment-metrics`.
 * Labels: the endpoint gauges' labels (project, endpoint, model, version) plus SEGMENT_LABELS.
 */
export const SEGMENT_LABELS = ['segment_key', 'segment'] as const;

export const SEGMENT_DRIFT_STATUS = {
  name: 'driftwatch_segment_drift_status',
  help: 'Drift status of each segment in the latest evaluation, same levels as driftwatch_drift_status (2 detected, 1 possible, 0 none, -1 unknown, -2 insufficient data); only the worst DRIFTWATCH_PROMETHEUS_SEGMENT_LIMIT segments are exported.',
} as const;

export const SEGMENT_WINDOW_PREDICTIONS = {
  name: 'driftwatch_segment_window_predictions',
  help: "Predictions of each exported segment in the latest evaluation's window (the sample size behind its status).",
} as const;

export const SEGMENT_SERIES_DROPPED = {
  name: 'driftwatch_segment_series_dropped',
  help: 'Segments evaluated but left out of the segment series by DRIFTWATCH_PROMETHEUS_SEGMENT_LIMIT (the least drifted go first).',
} as const;

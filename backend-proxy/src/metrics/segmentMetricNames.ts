/**
 * The Prometheus series of segments, named once: the proxy's metrics module exports them under
 * these names and the dashboards' alert rules query them (through the package export
 * `@driftwatch/backend-proxy/metric-names`). Free of imports, so any workspace can take it.
 */

/** Drift status per segment, encoded as the endpoint's drift status gauge (DRIFT_STATUS_LEVEL). */
export const SEGMENT_DRIFT_STATUS_METRIC = 'driftwatch_segment_drift_status';
/** Predictions per segment. */
export const SEGMENT_PREDICTIONS_METRIC = 'driftwatch_segment_predictions_total';
/** How many segment series the cardinality limit (DRIFTWATCH_PROMETHEUS_SEGMENT_LIMIT) left out. */
export const SEGMENT_SERIES_DROPPED_METRIC = 'driftwatch_segment_series_dropped';

/** The labels a segment series carries besides the endpoint's: its key (`country`) and value (`DE`). */
export const SEGMENT_LABELS = Object.freeze(['segment_key', 'segment'] as const);

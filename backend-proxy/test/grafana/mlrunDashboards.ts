/**
 * Facts read from MLRun's public dashboards (github.com/mlrun/mlrun, tags v0.8.0 to v1.6.0,
 * `docs/{model_monitoring,monitoring,model-monitoring}/dashboards/*.json`): every target and
 * template-variable query sent to the model-monitoring proxy (the SimpleJSON data source), as
 * written there. Targets of the `iguazio` data source (`backend=kv;...`, `backend=tsdb;...`) go to
 * V3IO, not to the proxy, and are left out. From v1.4 the older set lives under
 * `iguazio-3.5.2-and-older/`; v1.6's new Details dashboard names its variable `$MODELENDPOINT`.
 */
export interface MlrunTarget {
  versions: string;
  dashboard: string;
  /** As in the dashboard JSON, before Grafana interpolates the variables. */
  target: string;
  /** MLRun's table columns for this target (what its proxy answers, in order). */
  columns: string[];
}

/** MLRun's columns of its tables, in order (its dashboards read them by index); the Grafana tests assert them too. */
export const LIST_ENDPOINTS_COLUMNS = [
  'endpoint_id',
  'endpoint_function',
  'endpoint_model',
  'endpoint_model_class',
  'first_request',
  'last_request',
  'accuracy',
  'error_count',
  'drift_status',
  'predictions_per_second',
  'latency_avg_1h',
];
export const INDIVIDUAL_COLUMNS = [
  'feature_name',
  'actual_min',
  'actual_mean',
  'actual_max',
  'expected_min',
  'expected_mean',
  'expected_max',
  'tvd',
  'hellinger',
  'kld',
];
export const OVERALL_COLUMNS = [
  'tvd_sum',
  'tvd_mean',
  'hellinger_sum',
  'hellinger_mean',
  'kld_sum',
  'kld_mean',
];
const PROJECTS_COLUMNS = ['project_name'];

export const MLRUN_TARGETS: MlrunTarget[] = [
  // Template variable $PROJECT on Overview, Details and Performance (and v1.6's Applications).
  {
    versions: 'v0.8-v1.6',
    dashboard: 'all',
    target: 'target_endpoint=list_projects',
    columns: PROJECTS_COLUMNS,
  },
  {
    versions: 'v0.8-v1.3; v1.4-v1.6 iguazio-3.5.2-and-older Details',
    dashboard: 'Overview, Details',
    target: 'project=$PROJECT;target_endpoint=list_endpoints',
    columns: LIST_ENDPOINTS_COLUMNS,
  },
  {
    versions: 'v1.4-v1.6 iguazio-3.5.2-and-older',
    dashboard: 'Overview',
    target: 'project=$PROJECT;target_endpoint=list_endpoints;filter_router=True;',
    columns: LIST_ENDPOINTS_COLUMNS,
  },
  {
    versions: 'v0.8-v1.6 (iguazio-3.5.2-and-older from v1.4)',
    dashboard: 'Details',
    target: 'target_endpoint=individual_feature_analysis;endpoint_id=$MODEL;project=$PROJECT',
    columns: INDIVIDUAL_COLUMNS,
  },
  {
    versions: 'v0.8-v1.6 (iguazio-3.5.2-and-older from v1.4)',
    dashboard: 'Details',
    target: 'target_endpoint=overall_feature_analysis;endpoint_id=$MODEL;project=$PROJECT',
    columns: OVERALL_COLUMNS,
  },
  {
    versions: 'v1.6',
    dashboard: 'Details',
    target: 'target_endpoint=individual_feature_analysis;endpoint_id=$MODELENDPOINT;project=$PROJECT',
    columns: INDIVIDUAL_COLUMNS,
  },
];

import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** A payload value as the proxy's `/query` takes it: one value, or several (multi-select). */
export type PayloadValue = string | string[];
export type Payload = Record<string, PayloadValue>;

export type EditorMode = 'builder' | 'raw';

/**
 * One query. Raw mode: `target` is an MLRun target string
 * (`project=$project;endpoint_id=$endpoint;target_endpoint=...`), sent as it is after variable
 * interpolation; this is the SimpleJSON query shape (`{refId, target}`), so dashboards written for
 * it (and provisioned ones) work unchanged. Builder mode: `queryType` is the proxy's target
 * (`target_endpoint`, e.g. `feature_drift`) and `payload` its keys (`project`, `endpoint_id`,
 * `feature`, `metric`, `step`, ...), sent as `{target: queryType, payload}`. Without
 * `editorMode`, a query with a `target` is raw.
 */
export interface DriftwatchQuery extends DataQuery {
  editorMode?: EditorMode;
  payload?: Payload;
  target?: string;
}

export const DEFAULT_QUERY: Partial<DriftwatchQuery> = {
  editorMode: 'builder',
  queryType: 'list_endpoints',
  payload: {},
};

/** Settings stored in the data source's jsonData (visible to every viewer: no secrets here). */
export interface DriftwatchOptions extends DataSourceJsonData {
  /** Base URL of the Driftwatch proxy as Grafana's server reaches it, e.g. http://driftwatch:8080. */
  url?: string;
  /** Project used when a query names none, and by the query editor's first load. */
  defaultProject?: string;
}

/** Encrypted by Grafana; only its presence reaches the browser (`secureJsonFields.apiKey`). */
export interface DriftwatchSecureJsonData {
  apiKey?: string;
}

/** What a template variable lists. */
export type VariableKind =
  | 'projects'
  | 'endpoints'
  | 'models'
  | 'features'
  | 'segment_keys'
  | 'segments'
  | 'experiment_names'
  | 'run_numbers'
  | 'metric_names';

/** A variable query: built from `kind` and the fields, or a raw target string (`{refId, target}` as SimpleJSON saves it). */
export interface DriftwatchVariableQuery {
  refId?: string;
  kind?: VariableKind;
  project?: string;
  endpointId?: string;
  /** The segment key (e.g. `country`) whose values `segments` lists. */
  segmentKey?: string;
  experiment?: string;
  run?: string;
  /** When set, a raw MLRun target string used instead of the fields above. */
  target?: string;
}

// ------------------------------------------------------------------ the proxy's wire format

/** One field of simpod's builder as `/metrics` describes it. */
export interface PayloadSpec {
  name: string;
  label?: string;
  type: 'select' | 'multi-select' | 'input';
  placeholder?: string;
  reloadMetric?: boolean;
  options?: Array<{ label?: string; value: string }>;
}

/** One query target as `/metrics` lists it. */
export interface MetricConfig {
  label: string;
  value: string;
  payloads: PayloadSpec[];
}

export interface ProxyErrorBody {
  error: string;
  details?: unknown;
}

/** Shapes of what the Driftwatch server sends and accepts, as they travel (dates are ISO strings). */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

// ---- tracking ----

export interface ExperimentInfo {
  project: string;
  name: string;
  provider: string;
  createdAt: string;
  lastActivity: string;
  runCount: number;
}

export interface RunInfo {
  project: string;
  name: string;
  run: number;
  status: 'STARTED' | 'STOPPED' | 'FAILED';
  startedAt: string;
  stoppedAt: string | null;
}

export interface StartedRunInfo extends RunInfo {
  experiment: string;
  provider: string;
}

export interface TrackingEvent {
  project: string;
  name: string;
  run: number;
  event: string;
  key: string;
  value: JsonValue;
  step: number | null;
  dt: string;
  node: string;
  userid: string;
  eventName: string | null;
  seq: number;
}

export interface LogReceipt {
  accepted: number;
  stored: number;
  /** True when the server had committed this batch before (a retry): nothing was stored again. */
  duplicate: boolean;
}

export interface ArtifactInfo {
  project: string;
  name: string;
  run: number;
  artifact: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface MetricSummary {
  last: number;
  min: number;
  max: number;
  count: number;
  lastStep: number | null;
}

export interface RunSummary {
  run: number;
  status: RunInfo['status'];
  startedAt: string;
  stoppedAt: string | null;
  metrics: Record<string, MetricSummary>;
  params: Record<string, JsonValue>;
}

// ---- monitoring ----

export type Scalar = number | string | boolean | null;
/** Named (`{age: 31}`) or positional (`[31, 'gold']`) feature values. */
export type FeatureValues = Record<string, Scalar> | Scalar[];
/** A model output or label: one value, several, or named ones. */
export type OutputValue = Scalar | Scalar[] | Record<string, Scalar>;

export interface ColumnSpec {
  name: string;
  kind: 'numeric' | 'categorical';
}

export interface EndpointSpec {
  project?: string;
  model: string;
  version?: string;
  function?: string;
  modelClass?: string;
  labels?: Record<string, string>;
  features?: ColumnSpec[];
  predictionColumns?: ColumnSpec[];
  labelColumns?: string[];
  thresholds?: { possibleDrift: number; driftDetected: number } | null;
  monitoring?: boolean;
}

export interface EndpointInfo {
  id: string;
  project: string;
  model: string;
  version: string;
  function: string;
  modelClass: string;
  labels: Record<string, string>;
  features: ColumnSpec[];
  predictionColumns: ColumnSpec[];
  labelColumns: string[];
  thresholds: { possibleDrift: number; driftDetected: number } | null;
  monitoring: boolean;
  createdAt: string;
  firstRequest: string | null;
  lastRequest: string | null;
  predictionCount: number;
  errorCount: number;
  accuracy: number | null;
  driftStatus: string;
  driftMeasures: JsonValue;
  driftEvaluatedAt: string | null;
  referenceVersion: number;
}

export interface ReferenceColumns {
  features?: ColumnSpec[];
  predictionColumns?: ColumnSpec[];
  labelColumns?: string[];
  /** Columns to treat as categorical although their values are numbers (e.g. class codes). */
  categorical?: string[];
}

export interface ReferenceInfo {
  endpointId: string;
  version: number;
  rowCount: number;
  createdAt: string;
  statistics: JsonValue;
}

export interface PredictionReceipt {
  batchId: string | null;
  accepted: number;
  predictions: number;
  endpoints: string[];
  registered: string[];
  duplicate: boolean;
}

export interface LabelReceipt {
  accepted: number;
  joined: number;
  pending: number;
  /** Labels for predictions whose ground truth was already counted: ignored by the server. */
  alreadyLabelled: number;
}

export interface DriftMeasure {
  value: number;
  method: { metric: string; bins?: string; epsilon?: number; [key: string]: JsonValue | undefined };
}

export interface ColumnDrift {
  name: string;
  kind: string;
  /** Numeric columns: bin edges (plus open bins below and above); categorical: categories then "other". */
  bins: { edges: number[] } | { categories: string[] };
  histograms: { expected: number[]; actual: number[] };
  measures: Record<string, DriftMeasure>;
  expected: Record<string, JsonValue>;
  actual: Record<string, JsonValue>;
  quality: Record<string, JsonValue>;
}

export interface DriftReport {
  endpointId: string;
  window: { from: number; to: number; predictions: number };
  baseline: { kind: 'reference' | 'window'; version: number; from?: number; to?: number };
  features: ColumnDrift[];
  predictions: ColumnDrift[];
  overall: {
    tvdSum: number | null;
    tvdMean: number | null;
    hellingerSum: number | null;
    hellingerMean: number | null;
    kldSum: number | null;
    kldMean: number | null;
    driftedFeatures: number;
    driftedShare: number | null;
    status: string;
  };
  reason?: string;
}

/** A time window: ISO strings, epoch ms, `now-1h`, or a duration ago like `15m`. */
export interface TimeWindow {
  from?: string | number | Date;
  to?: string | number | Date;
}

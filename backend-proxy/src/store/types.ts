/**
 * The store interface: the only contract between Driftwatch's services and a database.
 * Implementations (embedded SQLite, MongoDB) live beside this file; nothing outside
 * `src/store/` may know which one is running.
 *
 * Rules every implementation honours:
 * - Every method that resolves has committed its writes (acknowledged means durable).
 * - Values passed in are data, never query syntax: filters are typed fields, not objects
 *   forwarded to the database.
 * - Dates are JS `Date`s in and out; JSON values (`unknown`) round-trip unchanged.
 */
import type { Readable } from 'node:stream';
import type { DriftStatus } from '../monitoring/drift/driftStatus';
import type { PredictionTask } from '../monitoring/accuracy/predictionTasks';
import type { DriftPolicySettings } from '../monitoring/drift/policy/policyConfig';

// ---------------------------------------------------------------- tracking

/** FAILED: stopped by a client whose run ended in an error. */
export type RunStatus = 'STARTED' | 'STOPPED' | 'FAILED';

export interface ExperimentRef {
  project: string;
  name: string;
}

export interface ExperimentRecord extends ExperimentRef {
  provider: string;
  createdAt: Date;
  lastActivity: Date;
  runCount: number;
}

export interface RunRecord extends ExperimentRef {
  run: number;
  status: RunStatus;
  startedAt: Date;
  stoppedAt: Date | null;
}

/** One tracking event as the caller gives it; the store assigns `seq`. */
export interface NewTrackingEvent extends ExperimentRef {
  run: number;
  event: string;
  key: string;
  value: unknown;
  step: number | null;
  dt: Date;
  node: string;
  userid: string;
  eventName: string | null;
}

export interface TrackingEvent extends NewTrackingEvent {
  /** Store-assigned, strictly increasing within an experiment: ties on `dt` sort by it. */
  seq: number;
}

export interface EventQuery extends ExperimentRef {
  /** Explicit run numbers; `undefined` means all runs. */
  runs?: number[];
  events?: string[];
  keys?: string[];
  steps?: number[];
  /** Inclusive bounds on `dt`. */
  since?: Date;
  end?: Date;
  /** Opaque cursor from a previous page; a malformed one throws InvalidInputError. */
  after?: string;
  limit: number;
}

export interface EventPage {
  events: TrackingEvent[];
  /** Present when more events match. */
  next?: string;
}

export interface ArtifactMeta extends ExperimentRef {
  run: number;
  artifact: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

export interface TrackingStore {
  /** Creates the experiment if absent (keeping the existing provider otherwise) and returns it. */
  ensureExperiment(ref: ExperimentRef, provider: string, now: Date): Promise<ExperimentRecord>;
  getExperiment(ref: ExperimentRef): Promise<ExperimentRecord | null>;
  listExperiments(filter: { projects?: string[] }): Promise<ExperimentRecord[]>;
  /** Atomically allocates the next run number (1, 2, ...) and records the run as STARTED; throws if the experiment does not exist. */
  startRun(ref: ExperimentRef, now: Date): Promise<RunRecord>;
  /** Marks a run STOPPED or FAILED; returns null if it does not exist. */
  stopRun(
    ref: ExperimentRef,
    run: number,
    now: Date,
    status?: Exclude<RunStatus, 'STARTED'>,
  ): Promise<RunRecord | null>;
  getRun(ref: ExperimentRef, run: number): Promise<RunRecord | null>;
  /** All runs, ordered by run number ascending. */
  listRuns(ref: ExperimentRef): Promise<RunRecord[]>;
  appendEvents(events: NewTrackingEvent[]): Promise<number>;
  /**
   * Appends events of one experiment together with their batch id, unless the experiment already
   * committed that batch id (within the idempotency window, see pruneExpired): then nothing is
   * written and the first receipt is returned. Clearing the experiment forgets its batch ids.
   */
  appendEventsOnce(ref: ExperimentRef, events: NewTrackingEvent[], once: BatchOnce): Promise<BatchOutcome>;
  /** Events sorted by (dt, seq) ascending. */
  queryEvents(query: EventQuery): Promise<EventPage>;
}

/** Artifacts of runs, and removing an experiment with everything it holds. */
export interface ArtifactStore {
  /** Writes the bytes, then the metadata; a failed stream leaves nothing behind. */
  putArtifact(meta: Omit<ArtifactMeta, 'size' | 'sha256'>, body: Readable): Promise<ArtifactMeta>;
  getArtifactMeta(ref: ExperimentRef, run: number, artifact: string): Promise<ArtifactMeta | null>;
  openArtifact(meta: ArtifactMeta): Promise<Readable>;
  /** Removes the experiment, its runs, events and artifacts. Returns false if it did not exist. */
  deleteExperiment(ref: ExperimentRef): Promise<boolean>;
}

// ---------------------------------------------------------------- API keys

export type Scope = 'read' | 'write' | 'admin';

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** sha256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  scopes: Scope[];
  /** Projects the key may touch; `null` means all. */
  projects: string[] | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface KeyStore {
  insertKey(key: ApiKeyRecord): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** False if the key is unknown or already revoked. */
  revokeKey(id: string, now: Date): Promise<boolean>;
  /** Number of keys not revoked; zero means the proxy runs open. */
  countActiveKeys(): Promise<number>;
}

// ---------------------------------------------------------------- model endpoints

export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
}

export type DriftStatusValue = DriftStatus;
export type { DriftPolicySettings };

export interface EndpointRecord {
  id: string;
  project: string;
  model: string;
  version: string;
  function: string;
  modelClass: string;
  labels: Record<string, string>;
  features: FeatureSpec[];
  /** Output columns the model predicts (usually one). */
  predictionColumns: FeatureSpec[];
  /** Ground-truth (target) columns. */
  labelColumns: string[];
  /** Per-endpoint drift policy settings (any subset); null uses the project's or the defaults. */
  thresholds: DriftPolicySettings | null;
  /** The registration's task (classification | regression); absent or null: inferred (accuracy/task.ts). */
  task?: PredictionTask | null;
  monitoring: boolean;
  createdAt: Date;
  firstRequest: Date | null;
  lastRequest: Date | null;
  predictionCount: number;
  errorCount: number;
  accuracy: number | null;
  driftStatus: DriftStatusValue;
  /** The latest evaluation's overall measures (JSON), as the drift service computed them. */
  driftMeasures: unknown;
  driftEvaluatedAt: Date | null;
  /** Version of the active reference; 0 before one is registered. */
  referenceVersion: number;
}

export interface EndpointFilter {
  projects?: string[];
  models?: string[];
  functions?: string[];
  /** Every pair must match. */
  labels?: Record<string, string>;
  ids?: string[];
  monitoring?: boolean;
}

export interface EndpointEvaluation {
  driftStatus: DriftStatusValue;
  driftMeasures: unknown;
  accuracy: number | null;
  evaluatedAt: Date;
}

export interface EndpointStore {
  /** Inserts the endpoint unless one with the same id exists; returns whether it was inserted. */
  insertEndpointIfAbsent(endpoint: EndpointRecord): Promise<boolean>;
  /** Replaces the descriptive fields (not counters, timestamps or evaluation results). */
  updateEndpointSpec(
    id: string,
    spec: Pick<
      EndpointRecord,
      | 'modelClass'
      | 'labels'
      | 'features'
      | 'predictionColumns'
      | 'labelColumns'
      | 'thresholds'
      | 'task'
      | 'monitoring'
    >,
  ): Promise<boolean>;
  getEndpoint(id: string): Promise<EndpointRecord | null>;
  /** Sorted by project, model, version, id. */
  listEndpoints(
    filter: EndpointFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: EndpointRecord[]; total: number }>;
  /** Projects that have endpoints or experiments, sorted. */
  listProjects(): Promise<string[]>;
  recordEvaluation(id: string, evaluation: EndpointEvaluation): Promise<void>;
}

// ---------------------------------------------------------------- references

export interface ReferenceRecord {
  endpointId: string;
  version: number;
  createdAt: Date;
  rowCount: number;
  /** Per-column statistics and bin edges (JSON, owned by the monitoring service). */
  statistics: unknown;
}

export interface ReferenceStore {
  /** Stores a new version (previous ones are kept), makes it the endpoint's active reference, returns it. */
  putReference(
    endpointId: string,
    rowCount: number,
    statistics: unknown,
    now: Date,
  ): Promise<ReferenceRecord>;
  /** The given version, or the active one when `version` is omitted. */
  getReference(endpointId: string, version?: number): Promise<ReferenceRecord | null>;
  listReferenceVersions(
    endpointId: string,
  ): Promise<Array<Pick<ReferenceRecord, 'version' | 'createdAt' | 'rowCount'>>>;
}

// ---------------------------------------------------------------- aggregates and ingest

/** The grains aggregates are kept at, finest first. */
export const RESOLUTIONS = Object.freeze(['minute', 'hour', 'day'] as const);
export type Resolution = (typeof RESOLUTIONS)[number];

export const RESOLUTION_MS: Record<Resolution, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export interface AggregateKey {
  endpointId: string;
  /**
   * Which group of counters this record holds (the monitoring layout names them, e.g. `ops` for
   * counts and latency, `columns` for per-column histograms), so that a query for operational
   * figures never reads histogram counters. Part of the key.
   */
  family: string;
  resolution: Resolution;
  /** Epoch ms of the interval start, aligned to the resolution in UTC. */
  start: number;
  /** The reference version whose bin edges the histogram counters use (0: none). */
  referenceVersion: number;
}

/**
 * A sparse set of named counters. Names are built by the monitoring service's aggregate
 * layout (e.g. `n`, `err`, `lat:12`, `f:3:h:7`) from fixed vocabulary and integers only,
 * never from user input, so any database can use them as field names.
 */
export type Counters = Record<string, number>;

/**
 * Counter names in a fixed order (one counter family of an ingest fold plan), shared by every
 * vector folded with that plan, so a store can map the names to its ids once per layout.
 */
export interface CounterLayout {
  family: string;
  /** `sums[i]` is the counter `names[i]`. */
  names: readonly string[];
  /** `mins[j]` and `maxs[j]` are the minimum and maximum of `extremaNames[j]`. */
  extremaNames: readonly string[];
}

/**
 * Counters by position in a layout: ingest's fold output, merged by stores without building named
 * maps. A sum of 0 and an extreme of ±Infinity mean the counter is absent.
 */
export interface CounterVector {
  layout: CounterLayout;
  sums: Float64Array;
  mins: Float64Array;
  maxs: Float64Array;
}

/** What to add to one aggregate record: the named counters, plus `vector`'s when present. */
export interface AggregateDelta {
  key: AggregateKey;
  add: Counters;
  min: Counters;
  max: Counters;
  /** Counters in a fixed layout, of the key's family (ingest's folded events). */
  vector?: CounterVector;
}

/** Sums, minimums and maximums under counter names (a record's counters, or several merged). */
export interface CounterMaps {
  sums: Counters;
  min: Counters;
  max: Counters;
}

export interface AggregateRecord {
  key: AggregateKey;
  sums: Counters;
  min: Counters;
  max: Counters;
}

export interface AggregateQuery {
  endpointId: string;
  family: string;
  resolution: Resolution;
  /** Inclusive start, exclusive end, on interval starts. */
  from: number;
  to: number;
  referenceVersion?: number;
}

/** A query's range without its series: what several series are read over at once. */
export type AggregateRange = Omit<AggregateQuery, 'endpointId'>;

export interface SampleRecord {
  endpointId: string;
  time: Date;
  requestId: string | null;
  features: Record<string, unknown>;
  prediction: unknown;
  latencyUs: number | null;
  error: string | null;
}

export interface PredictionKeyRecord {
  requestId: string;
  endpointId: string;
  /** Minute the prediction was counted in (its label is counted in the same intervals). */
  time: Date;
  referenceVersion: number;
  prediction: unknown;
  expiresAt: Date;
  /** When ground truth was counted for this prediction (null: not yet); a request is labelled once. */
  labelledAt: Date | null;
  /**
   * Aggregate ids of the prediction's segments (monitoring/segments/segmentScope.ts), where its
   * late label is counted too; absent when it has none.
   */
  segments?: string[];
}

export interface PendingLabelRecord {
  requestId: string;
  endpointId: string | null;
  label: unknown;
  receivedAt: Date;
  expiresAt: Date;
}

export interface EndpointActivity {
  endpointId: string;
  predictions: number;
  errors: number;
  firstRequest: Date;
  lastRequest: Date;
}

/** Everything one ingest batch writes, committed all-or-nothing. */
export interface IngestCommit {
  /** Idempotency id; a batch with an id already committed is not applied again. */
  batchId: string | null;
  newEndpoints: EndpointRecord[];
  activity: EndpointActivity[];
  aggregates: AggregateDelta[];
  samples: SampleRecord[];
  predictionKeys: PredictionKeyRecord[];
  /** JSON answer stored with the batch id and returned on a retry. */
  receipt: unknown;
  now: Date;
}

/** What committing a batch that carries an idempotency id did: applied now, or committed before (with its first receipt). */
export type BatchOutcome = { applied: true } | { applied: false; receipt: unknown };

/** The idempotency id of a batch, the answer to replay for it, and when it was first committed. */
export interface BatchOnce {
  batchId: string;
  receipt: unknown;
  now: Date;
}

export interface IngestStore {
  commitIngest(commit: IngestCommit): Promise<BatchOutcome>;
  /**
   * Commits several batches in one transaction, all or none, applied in order as if committed one
   * after another (a batch id repeated in the group is applied once; the later copies get the first's
   * receipt). One outcome per batch, in order.
   */
  commitIngestGroup(commits: IngestCommit[]): Promise<BatchOutcome[]>;
}

export interface AggregateStore {
  /** Adds deltas to aggregates (creating them) atomically, e.g. for labels joined later. */
  applyAggregates(deltas: AggregateDelta[]): Promise<void>;
  /** Ordered by start, then reference version. */
  listAggregates(query: AggregateQuery): Promise<AggregateRecord[]>;
  /** Every record the queries select, merged: sums added, extremes combined (what a window reads). */
  sumAggregates(queries: AggregateQuery[]): Promise<CounterMaps>;
  /**
   * sumAggregates for many series over the same ranges: per id of `endpointIds`, in order, every
   * record of that series the ranges select, merged (a segment ranking reads all its segments in one call).
   */
  sumAggregatesOfEach(
    endpointIds: readonly string[],
    ranges: readonly AggregateRange[],
  ): Promise<CounterMaps[]>;
  /** The earliest and latest interval start stored for the endpoint at the resolution. */
  aggregateExtent(
    endpointId: string,
    resolution: Resolution,
  ): Promise<{ first: number; last: number } | null>;
  /** Deletes aggregates of a resolution that started before the given time. */
  pruneAggregates(resolution: Resolution, before: number): Promise<number>;
  /**
   * Brings records whose interval ended before `before` (epoch ms) into the store's compact form,
   * for a store that writes recent records in another one (MongoDB: live counters updated on the
   * server). Values read the same before and after; returns how many records it rewrote.
   */
  compactAggregates(before: number): Promise<number>;
}

export interface SampleStore {
  /** From inclusive, to exclusive, oldest first; `limit` keeps the oldest. */
  listSamples(endpointId: string, from: Date, to: Date, limit: number): Promise<SampleRecord[]>;
}

/** Prediction keys (what a later label joins to) and labels that arrived before their prediction. */
export interface LabelStore {
  findPredictionKeys(requestIds: string[]): Promise<PredictionKeyRecord[]>;
  /**
   * Sets `labelledAt` on the keys of these request ids that have none yet and returns the ids it
   * set. Exactly one caller marks each key, which is what makes a re-posted label count once.
   */
  markPredictionKeysLabelled(requestIds: string[], at: Date): Promise<string[]>;
  /** Several labels per request id are kept; a claim returns them all. */
  insertPendingLabels(labels: PendingLabelRecord[]): Promise<void>;
  /**
   * Atomically removes and returns the pending labels for these request ids. Exactly one
   * caller gets each label, which is what makes a label join count once.
   */
  claimPendingLabels(requestIds: string[]): Promise<PendingLabelRecord[]>;
}

export interface RetentionStore {
  /**
   * Deletes prediction keys and pending labels whose `expiresAt` <= now, samples older than
   * `samplesBefore` or beyond the newest `maxSamplesPerEndpoint` of their endpoint, and
   * ingest and tracking batch ids recorded before `batchesBefore` (the idempotency window).
   * Returns how many rows.
   */
  pruneExpired(
    now: Date,
    retention: { samplesBefore: Date; maxSamplesPerEndpoint: number; batchesBefore: Date },
  ): Promise<number>;
}

/** Everything the monitoring services write and read per endpoint. */
export interface MonitoringStore
  extends IngestStore, AggregateStore, SampleStore, LabelStore, RetentionStore {}

// ---------------------------------------------------------------- monitoring events and leases

/** A point in time worth annotating: a drift status change, an alert firing or resolving. */
export interface MonitoringEventRecord {
  time: Date;
  project: string;
  endpointId: string | null;
  kind: string;
  title: string;
  text: string;
  tags: string[];
  data: unknown;
}

export interface EventLogStore {
  appendMonitoringEvents(events: MonitoringEventRecord[]): Promise<void>;
  /** From and to inclusive, time ascending. */
  listMonitoringEvents(filter: {
    from: Date;
    to: Date;
    projects?: string[];
    endpointIds?: string[];
    kinds?: string[];
    limit: number;
  }): Promise<MonitoringEventRecord[]>;
}

export interface LeaseStore {
  /**
   * Takes the named lease for `holder` if it is free, expired, or already theirs, until
   * `now + ttlMs`. Returns whether `holder` now holds it. Safe across processes.
   */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

// ---------------------------------------------------------------- project settings

export interface ProjectSettings {
  project: string;
  /** Drift policy settings for the project's endpoints (endpoint settings override them field by field); null: the defaults. */
  thresholds: DriftPolicySettings | null;
  updatedAt: Date;
}

export interface ProjectSettingsStore {
  getProjectSettings(project: string): Promise<ProjectSettings | null>;
  putProjectSettings(settings: ProjectSettings): Promise<void>;
}

// ---------------------------------------------------------------- configuration documents

/**
 * Small JSON documents the services own (monitors, monitor jobs, alert rules and states, webhook
 * deliveries), addressed by kind and id. `version` gives compare-and-set updates, which is how
 * replicas agree on who runs a job or sends a delivery.
 */
export interface StoredDocument {
  kind: string;
  id: string;
  project: string;
  version: number;
  updatedAt: Date;
  body: unknown;
}

export interface DocumentStore {
  getDocument(kind: string, id: string): Promise<StoredDocument | null>;
  /** Sorted by id. */
  listDocuments(kind: string, filter: { projects?: string[] }): Promise<StoredDocument[]>;
  /**
   * Writes the document if its stored version equals `expectedVersion` (0: it must not exist yet).
   * Returns the new version, or null when the version did not match (someone else wrote first).
   */
  putDocument(
    doc: { kind: string; id: string; project: string; body: unknown },
    expectedVersion: number,
    now: Date,
  ): Promise<number | null>;
  /** Returns false if it did not exist. */
  deleteDocument(kind: string, id: string): Promise<boolean>;
}

// ---------------------------------------------------------------- the whole store

export interface Store
  extends
    TrackingStore,
    ArtifactStore,
    KeyStore,
    EndpointStore,
    ReferenceStore,
    MonitoringStore,
    EventLogStore,
    LeaseStore,
    ProjectSettingsStore,
    DocumentStore {
  /** `embedded` or `mongodb`, for logs and /readyz. */
  readonly kind: string;
  /** Throws if the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where a store reports long work at open (data migrations): pino's `info(fields, message)` shape. */
export type StoreLog = (fields: Record<string, unknown>, message: string) => void;

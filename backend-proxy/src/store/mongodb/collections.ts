/**
 * Collection names, document shapes, indexes and the shared context of the MongoDB store.
 *
 * Every document keeps the default ObjectId `_id`; natural keys are enforced by our own unique
 * indexes, created (idempotently) when the store opens, so every collection exists before the
 * first transaction touches it.
 *
 * Sharding (docs/mongodb.md has the reasons and the sizes): the store runs unchanged on a sharded
 * cluster. Shard keys must prefix their collection's unique indexes (MongoDB enforces uniqueness
 * only through ranged shard keys) and every upsert filter contains them in full:
 *   predictionKeys { requestId: 1 }  the largest: one document per prediction with a request id, 7 days
 *   aggregates     { endpointId: 1, family: 1, resolution: 1, start: 1 }
 *   events         { project: 1, name: 1 }
 *   artifactFiles.chunks { files_id: 1, n: 1 }
 * samples are bounded per endpoint, ingestBatches by the 24 h idempotency window; the rest are small.
 */
import type { PredictionTask } from '../../monitoring/accuracy/predictionTasks';
import { DEFAULT_TRANSACTION_RETRY, runTransaction, type TransactionRetryPolicy } from './transactionRetry';
import type {
  Binary,
  ClientSession,
  Collection,
  Db,
  GridFSBucket,
  IndexDescription,
  MongoClient,
  ObjectId,
  TransactionOptions,
} from 'mongodb';
import type {
  DriftPolicySettings,
  DriftStatusValue,
  FeatureSpec,
  Resolution,
  RunStatus,
  Scope,
} from '../types';

export const COLLECTIONS = {
  experiments: 'experiments',
  runs: 'runs',
  events: 'events',
  sequences: 'sequences',
  artifacts: 'artifacts',
  apiKeys: 'apiKeys',
  endpoints: 'endpoints',
  references: 'references',
  aggregates: 'aggregates',
  ingestBatches: 'ingestBatches',
  trackingBatches: 'trackingBatches',
  samples: 'samples',
  predictionKeys: 'predictionKeys',
  pendingLabels: 'pendingLabels',
  monitoringEvents: 'monitoringEvents',
  leases: 'leases',
  projectSettings: 'projectSettings',
  documents: 'documents',
  counterNames: 'counterNames',
  migrations: 'migrations',
} as const;

/** GridFS bucket for artifact bytes: collections `artifactFiles.files` and `artifactFiles.chunks`. */
export const ARTIFACT_BUCKET = 'artifactFiles';

// ---------------------------------------------------------------- documents

export interface ExperimentDoc {
  project: string;
  name: string;
  provider: string;
  createdAt: Date;
  lastActivity: Date;
  /** Run-number counter: `startRun` takes the value after an atomic `$inc`. */
  runCount: number;
}

export interface RunDoc {
  project: string;
  name: string;
  run: number;
  status: RunStatus;
  startedAt: Date;
  stoppedAt: Date | null;
}

export interface EventDoc {
  project: string;
  name: string;
  run: number;
  event: string;
  key: string;
  valueJson: string;
  step: number | null;
  dt: Date;
  node: string;
  userid: string;
  eventName: string | null;
  seq: number;
}

/** Monotonic counters that do not belong to a document of their own (event seq, reference versions). */
export interface SequenceDoc {
  scope: 'eventSeq' | 'referenceVersion' | 'counterName';
  key: string;
  value: number;
}

export interface ArtifactDoc {
  project: string;
  name: string;
  run: number;
  artifact: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
  fileId: ObjectId;
}

export interface ApiKeyDoc {
  id: string;
  name: string;
  hash: string;
  scopes: Scope[];
  projects: string[] | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface EndpointDoc {
  id: string;
  project: string;
  model: string;
  version: string;
  function: string;
  modelClass: string;
  labelsJson: string;
  /** `key=value` strings (see codec.labelTerm) for `$all` filtering; label keys never become paths. */
  labelTerms: string[];
  features: FeatureSpec[];
  predictionColumns: FeatureSpec[];
  labelColumns: string[];
  thresholds: DriftPolicySettings | null;
  /** Absent in documents written before task inference: read as null. */
  task?: PredictionTask | null;
  monitoring: boolean;
  createdAt: Date;
  /**
   * Absent (never null) until the first request: `$min` treats null as smaller than any date,
   * so a stored null would never be replaced, while `$min`/`$max` on a missing field set it.
   */
  firstRequest?: Date;
  lastRequest?: Date;
  predictionCount: number;
  errorCount: number;
  accuracy: number | null;
  driftStatus: DriftStatusValue;
  driftMeasuresJson: string;
  driftEvaluatedAt: Date | null;
  referenceVersion: number;
}

export interface ReferenceDoc {
  endpointId: string;
  version: number;
  createdAt: Date;
  rowCount: number;
  statisticsJson: string;
}

/** Counters by counter id in base 36 (aggregateDocs.ts). */
export type CounterFields = Record<string, number>;

/** The key fields, then the counters (aggregateDocs.ts has the encoding). */
export interface AggregateDoc {
  endpointId: string;
  family: string;
  resolution: Resolution;
  start: number;
  referenceVersion: number;
  /** Sealed counters: store/aggregateCodec.ts's encoding, by counter id; absent until first sealed. */
  c?: Binary;
  /** Live counters written since: sums, minimums and maximums by counter id; absent when none. */
  s?: CounterFields;
  lo?: CounterFields;
  hi?: CounterFields;
  /** Writes of live counters so far (never reset): sealing compares it to know nothing changed. */
  w?: number;
  /** Present while live counters exist (the partial index finds what to seal). */
  live?: true;
  /** Named groups of the encoding before counter ids (read and merged; sealing converts them). */
  sums?: Record<string, number>;
  min?: Record<string, number>;
  max?: Record<string, number>;
}

/** One entry of the counter-name dictionary (counterNames.ts); never changed once written. */
export interface CounterNameDoc {
  name: string;
  id: number;
}

/** Progress of a data migration (aggregateMigration.ts), so an interrupted one resumes. */
export interface MigrationDoc {
  name: string;
  /** The last `_id` of the last batch done; the next batch starts after it. */
  after: ObjectId | null;
  /** Documents converted so far, by every run. */
  converted: number;
  done: boolean;
}

export interface IngestBatchDoc {
  batchId: string;
  receiptJson: string;
  createdAt: Date;
}

/** An experiment's committed event batch ids (idempotency), pruned with the ingest batch ids. */
export interface TrackingBatchDoc extends IngestBatchDoc {
  project: string;
  name: string;
}

export interface SampleDoc {
  endpointId: string;
  time: Date;
  requestId: string | null;
  featuresJson: string;
  predictionJson: string;
  latencyUs: number | null;
  error: string | null;
}

export interface PredictionKeyDoc {
  requestId: string;
  endpointId: string;
  time: Date;
  referenceVersion: number;
  predictionJson: string;
  expiresAt: Date;
  labelledAt: Date | null;
  /** Aggregate ids of the prediction's segments; absent on keys without segments (and older keys). */
  segments?: string[];
  /** Token of the call that set `labelledAt` (batched compare-and-set); absent on older keys. */
  labelClaim?: string;
}

export interface PendingLabelDoc {
  requestId: string;
  endpointId: string | null;
  labelJson: string;
  receivedAt: Date;
  expiresAt: Date;
  /** Token of the call that claimed it (batched claim); absent (null to queries) until claimed. */
  claim?: string;
}

export interface MonitoringEventDoc {
  time: Date;
  project: string;
  endpointId: string | null;
  kind: string;
  title: string;
  text: string;
  tags: string[];
  dataJson: string;
}

export interface ProjectSettingsDoc {
  project: string;
  thresholds: DriftPolicySettings | null;
  updatedAt: Date;
}

export interface DocumentDoc {
  kind: string;
  id: string;
  project: string;
  version: number;
  updatedAt: Date;
  /** JSON text. */
  body: string;
}

export interface LeaseDoc {
  name: string;
  holder: string;
  expiresAt: Date;
}

export interface Collections {
  experiments: Collection<ExperimentDoc>;
  runs: Collection<RunDoc>;
  events: Collection<EventDoc>;
  sequences: Collection<SequenceDoc>;
  artifacts: Collection<ArtifactDoc>;
  apiKeys: Collection<ApiKeyDoc>;
  endpoints: Collection<EndpointDoc>;
  references: Collection<ReferenceDoc>;
  aggregates: Collection<AggregateDoc>;
  ingestBatches: Collection<IngestBatchDoc>;
  trackingBatches: Collection<TrackingBatchDoc>;
  samples: Collection<SampleDoc>;
  predictionKeys: Collection<PredictionKeyDoc>;
  pendingLabels: Collection<PendingLabelDoc>;
  monitoringEvents: Collection<MonitoringEventDoc>;
  leases: Collection<LeaseDoc>;
  projectSettings: Collection<ProjectSettingsDoc>;
  documents: Collection<DocumentDoc>;
  counterNames: Collection<CounterNameDoc>;
  migrations: Collection<MigrationDoc>;
}

export function collections(db: Db): Collections {
  return {
    experiments: db.collection<ExperimentDoc>(COLLECTIONS.experiments),
    runs: db.collection<RunDoc>(COLLECTIONS.runs),
    events: db.collection<EventDoc>(COLLECTIONS.events),
    sequences: db.collection<SequenceDoc>(COLLECTIONS.sequences),
    artifacts: db.collection<ArtifactDoc>(COLLECTIONS.artifacts),
    apiKeys: db.collection<ApiKeyDoc>(COLLECTIONS.apiKeys),
    endpoints: db.collection<EndpointDoc>(COLLECTIONS.endpoints),
    references: db.collection<ReferenceDoc>(COLLECTIONS.references),
    aggregates: db.collection<AggregateDoc>(COLLECTIONS.aggregates),
    ingestBatches: db.collection<IngestBatchDoc>(COLLECTIONS.ingestBatches),
    trackingBatches: db.collection<TrackingBatchDoc>(COLLECTIONS.trackingBatches),
    samples: db.collection<SampleDoc>(COLLECTIONS.samples),
    predictionKeys: db.collection<PredictionKeyDoc>(COLLECTIONS.predictionKeys),
    pendingLabels: db.collection<PendingLabelDoc>(COLLECTIONS.pendingLabels),
    monitoringEvents: db.collection<MonitoringEventDoc>(COLLECTIONS.monitoringEvents),
    leases: db.collection<LeaseDoc>(COLLECTIONS.leases),
    projectSettings: db.collection<ProjectSettingsDoc>(COLLECTIONS.projectSettings),
    documents: db.collection<DocumentDoc>(COLLECTIONS.documents),
    counterNames: db.collection<CounterNameDoc>(COLLECTIONS.counterNames),
    migrations: db.collection<MigrationDoc>(COLLECTIONS.migrations),
  };
}

// ---------------------------------------------------------------- indexes

const unique = (key: IndexDescription['key']): IndexDescription => ({ key, unique: true });
const plain = (key: IndexDescription['key']): IndexDescription => ({ key });
/** The server's TTL monitor (about once a minute) removes documents once `expiresAt` passes; pruneExpired does it exactly. */
const ttl = (field: string): IndexDescription => ({ key: { [field]: 1 }, expireAfterSeconds: 0 });

export const INDEXES: Record<string, IndexDescription[]> = {
  [COLLECTIONS.experiments]: [unique({ project: 1, name: 1 })],
  [COLLECTIONS.runs]: [unique({ project: 1, name: 1, run: 1 })],
  [COLLECTIONS.events]: [
    unique({ project: 1, name: 1, seq: 1 }),
    plain({ project: 1, name: 1, dt: 1, seq: 1 }),
  ],
  [COLLECTIONS.sequences]: [unique({ scope: 1, key: 1 })],
  [COLLECTIONS.artifacts]: [
    unique({ project: 1, name: 1, run: 1, artifact: 1 }),
    plain({ fileId: 1 }), // removeUnfinishedUploads: which GridFS files are in use
  ],
  // The driver creates the two standard GridFS indexes lazily; creating them here is idempotent
  // and adds ours, used by deleteExperiment to find every file of an experiment (orphans included).
  [`${ARTIFACT_BUCKET}.files`]: [
    plain({ filename: 1, uploadDate: 1 }),
    plain({ 'metadata.project': 1, 'metadata.name': 1 }),
  ],
  [`${ARTIFACT_BUCKET}.chunks`]: [unique({ files_id: 1, n: 1 })],
  [COLLECTIONS.apiKeys]: [unique({ id: 1 }), unique({ hash: 1 })],
  [COLLECTIONS.endpoints]: [
    unique({ id: 1 }),
    plain({ project: 1, model: 1, version: 1, id: 1 }),
    plain({ labelTerms: 1 }),
  ],
  [COLLECTIONS.references]: [unique({ endpointId: 1, version: 1 })],
  [COLLECTIONS.aggregates]: [
    unique({ endpointId: 1, family: 1, resolution: 1, start: 1, referenceVersion: 1 }),
    plain({ endpointId: 1, resolution: 1, start: 1 }), // aggregateExtent spans families
    plain({ resolution: 1, start: 1 }), // pruneAggregates
    // compactAggregates: only documents with live counters (recent ones, and late label writes).
    { key: { live: 1, resolution: 1, start: 1 }, partialFilterExpression: { live: true } },
  ],
  // No TTL here: the idempotency window is the caller's `batchesBefore` (pruneExpired); a fixed
  // TTL would silently shorten or lengthen it.
  [COLLECTIONS.ingestBatches]: [unique({ batchId: 1 }), plain({ createdAt: 1 })],
  [COLLECTIONS.trackingBatches]: [unique({ project: 1, name: 1, batchId: 1 }), plain({ createdAt: 1 })],
  [COLLECTIONS.samples]: [plain({ endpointId: 1, time: 1, _id: 1 }), plain({ time: 1 })],
  [COLLECTIONS.predictionKeys]: [unique({ requestId: 1 }), ttl('expiresAt')],
  // Not unique: several labels may arrive for one request id; a claim takes them all.
  [COLLECTIONS.pendingLabels]: [plain({ requestId: 1 }), ttl('expiresAt')],
  [COLLECTIONS.monitoringEvents]: [plain({ time: 1 }), plain({ project: 1, time: 1 })],
  [COLLECTIONS.leases]: [unique({ name: 1 })],
  [COLLECTIONS.projectSettings]: [unique({ project: 1 })],
  [COLLECTIONS.documents]: [unique({ kind: 1, id: 1 }), plain({ kind: 1, project: 1, id: 1 })],
  [COLLECTIONS.counterNames]: [unique({ name: 1 }), unique({ id: 1 })],
  [COLLECTIONS.migrations]: [unique({ name: 1 })],
};

/** Creates collections and indexes (in parallel: they are independent); a no-op when they already exist. */
export async function ensureSchema(db: Db): Promise<void> {
  await Promise.all(
    Object.entries(INDEXES).map(([name, indexes]) => db.collection(name).createIndexes(indexes)),
  );
}

// ---------------------------------------------------------------- shared context

/**
 * Transactions need a replica set or a sharded cluster (checked when the store opens).
 * Snapshot reads and majority writes: what a transaction read is what it commits against.
 */
const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

export class MongoContext {
  readonly c: Collections;

  constructor(
    readonly client: MongoClient,
    readonly db: Db,
    readonly bucket: GridFSBucket,
    readonly retry: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  ) {
    this.c = collections(db);
  }

  /**
   * Runs `fn` in a transaction, retried on transient errors (write conflicts, elections) within
   * the bounds of transactionRetry.ts, so `fn` may run more than once and must pass `session` to
   * every operation and run them one after another.
   */
  transaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    return this.client.withSession((session) => runTransaction(session, fn, TRANSACTION_OPTIONS, this.retry));
  }
}

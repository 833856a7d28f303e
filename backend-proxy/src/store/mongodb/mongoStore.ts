/**
 * The MongoDB store: opens the client, checks the deployment, creates the schema and composes
 * the per-concern modules into one `Store`.
 *
 * Needs MongoDB 6 or 7 as a replica set (a single-node one is fine) or a sharded cluster:
 * transactions are used by commitIngest (all-or-nothing ingest), applyAggregates (atomic deltas)
 * and putReference (version + statistics + activation together). Nothing uses server-side
 * JavaScript, $where or mapReduce.
 */
import type { Readable } from 'node:stream';
import { GridFSBucket, MongoClient } from 'mongodb';
import type {
  RunStatus,
  StoredDocument,
  AggregateDelta,
  AggregateQuery,
  AggregateRecord,
  ApiKeyRecord,
  ArtifactMeta,
  EndpointEvaluation,
  EndpointFilter,
  EndpointRecord,
  EndpointStore,
  EventLogStore,
  EventPage,
  EventQuery,
  ExperimentRecord,
  ExperimentRef,
  BatchOnce,
  BatchOutcome,
  IngestCommit,
  MonitoringEventRecord,
  MonitoringStore,
  NewTrackingEvent,
  PendingLabelRecord,
  PredictionKeyRecord,
  ProjectSettings,
  ReferenceRecord,
  ReferenceStore,
  Resolution,
  RunRecord,
  SampleRecord,
  Store,
  StoreLog,
} from '../types';
import { guardStore } from '../storeFault';
import { MongoArtifacts } from './artifacts';
import { migrateAggregateCounters } from './aggregateMigration';
import { MongoCounterNames } from './counterNames';
import { classifyMongoFault } from './faults';
import { ARTIFACT_BUCKET, ensureSchema, MongoContext } from './collections';
import { redactUrl } from './codec';
import { MongoEndpoints } from './endpoints';
import { MongoEventLog } from './events';
import { MongoKeys } from './keys';
import { MongoLeases } from './leases';
import { MongoMonitoring } from './monitoring';
import { MongoProjectSettings } from './projectSettings';
import { MongoDocuments } from './documents';
import { MongoReferences } from './references';
import { MongoTracking } from './tracking';
import { DEFAULT_OPERATION_TIMEOUT_MS, urlMillis } from './timeLimits';
import { DEFAULT_TRANSACTION_RETRY } from './transactionRetry';

export interface MongoStoreOptions {
  /** Database name; defaults to the one in the URL path, else `driftwatch`. */
  dbName?: string;
  /** How long to wait for a reachable server before failing (ms, default 10 000; the URL's option wins). */
  serverSelectionTimeoutMS?: number;
  /**
   * Time limit of every operation (ms): server selection, pool wait and reply each; options
   * `socketTimeoutMS=` / `waitQueueTimeoutMS=` in the URL win. Default 10 000. A timed-out
   * operation answers 503.
   */
  operationTimeoutMS?: number;
  /** Observes the name of every command sent (diagnostics; driver command monitoring). */
  onCommand?: (commandName: string) => void;
  /**
   * At open, GridFS uploads started longer ago than this and never finished (a crash) are removed
   * (ms, default 6 h: longer than any upload takes, so another replica's upload is never cut).
   */
  unfinishedUploadAgeMs?: number;
  /** Receives the progress of data migrations run at open (aggregateMigration.ts). */
  log?: StoreLog;
}

/** Default of `unfinishedUploadAgeMs`. */
export const UNFINISHED_UPLOAD_AGE_MS = 6 * 3_600_000;

/** The database named in a connection string's path (`mongodb://h1,h2/name?...`), if any. */
export function databaseFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url);
  const name = match ? decodeURIComponent(match[1]) : '';
  return name === '' ? undefined : name;
}

export async function openMongoStore(url: string, options: MongoStoreOptions = {}): Promise<Store> {
  const dbName = options.dbName ?? databaseFromUrl(url) ?? 'driftwatch';
  const operationLimit = options.operationTimeoutMS ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS:
      urlMillis(url, 'serverSelectionTimeoutMS') ?? options.serverSelectionTimeoutMS ?? 10_000,
    // Acknowledged means durable: a write counts once a majority has it in its journal.
    writeConcern: { w: 'majority', journal: true },
    appName: 'driftwatch',
    monitorCommands: options.onCommand !== undefined,
    socketTimeoutMS: urlMillis(url, 'socketTimeoutMS') ?? operationLimit,
    waitQueueTimeoutMS: urlMillis(url, 'waitQueueTimeoutMS') ?? operationLimit,
  });
  const onCommand = options.onCommand;
  if (onCommand) client.on('commandStarted', (event) => onCommand(event.commandName));
  try {
    await client.connect();
    const db = client.db(dbName);
    await db.command({ ping: 1 });
    const hello = await db.admin().command({ hello: 1 });
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
      throw new Error(
        'the server is a standalone mongod; the store needs transactions, so use a replica set ' +
          '(a single node started with --replSet and rs.initiate() is enough) or a sharded cluster',
      );
    }
    await ensureSchema(db);
    // Transient transaction errors are retried for at most the operation limit (transactionRetry.ts).
    const ctx = new MongoContext(client, db, new GridFSBucket(db, { bucketName: ARTIFACT_BUCKET }), {
      ...DEFAULT_TRANSACTION_RETRY,
      maxElapsedMs: operationLimit,
    });
    await migrateAggregateCounters(ctx.c, new MongoCounterNames(ctx.c), { log: options.log });
    await new MongoArtifacts(ctx).removeUnfinishedUploads(
      new Date(Date.now() - (options.unfinishedUploadAgeMs ?? UNFINISHED_UPLOAD_AGE_MS)),
    );
    return guardStore(new MongoStore(ctx), { classify: classifyMongoFault });
  } catch (error) {
    await client.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`MongoDB store at ${redactUrl(url)} (database ${dbName}) cannot be opened: ${reason}`, {
      cause: error,
    });
  }
}

/** Delegates each method to the module that owns its collections. */
export class MongoStore implements Store {
  readonly kind = 'mongodb';
  private readonly tracking: MongoTracking;
  private readonly artifacts: MongoArtifacts;
  private readonly keys: MongoKeys;
  private readonly endpoints: MongoEndpoints;
  private readonly references: MongoReferences;
  private readonly monitoring: MongoMonitoring;
  private readonly eventLog: MongoEventLog;
  private readonly leases: MongoLeases;
  private readonly projectSettings: MongoProjectSettings;
  private readonly documents: MongoDocuments;

  constructor(private readonly ctx: MongoContext) {
    this.tracking = new MongoTracking(ctx);
    this.artifacts = new MongoArtifacts(ctx);
    this.keys = new MongoKeys(ctx);
    this.endpoints = new MongoEndpoints(ctx);
    this.references = new MongoReferences(ctx);
    this.monitoring = new MongoMonitoring(ctx);
    this.eventLog = new MongoEventLog(ctx);
    this.leases = new MongoLeases(ctx);
    this.projectSettings = new MongoProjectSettings(ctx);
    this.documents = new MongoDocuments(ctx);
  }

  async ping(): Promise<void> {
    await this.ctx.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.ctx.client.close();
  }

  // ------------------------------------------------------------ tracking

  ensureExperiment(ref: ExperimentRef, provider: string, now: Date): Promise<ExperimentRecord> {
    return this.tracking.ensureExperiment(ref, provider, now);
  }
  getExperiment(ref: ExperimentRef): Promise<ExperimentRecord | null> {
    return this.tracking.getExperiment(ref);
  }
  listExperiments(filter: { projects?: string[] }): Promise<ExperimentRecord[]> {
    return this.tracking.listExperiments(filter);
  }
  startRun(ref: ExperimentRef, now: Date): Promise<RunRecord> {
    return this.tracking.startRun(ref, now);
  }
  stopRun(
    ref: ExperimentRef,
    run: number,
    now: Date,
    status?: Exclude<RunStatus, 'STARTED'>,
  ): Promise<RunRecord | null> {
    return this.tracking.stopRun(ref, run, now, status);
  }
  getRun(ref: ExperimentRef, run: number): Promise<RunRecord | null> {
    return this.tracking.getRun(ref, run);
  }
  listRuns(ref: ExperimentRef): Promise<RunRecord[]> {
    return this.tracking.listRuns(ref);
  }
  appendEvents(events: NewTrackingEvent[]): Promise<number> {
    return this.tracking.appendEvents(events);
  }
  appendEventsOnce(ref: ExperimentRef, events: NewTrackingEvent[], once: BatchOnce): Promise<BatchOutcome> {
    return this.tracking.appendEventsOnce(ref, events, once);
  }
  queryEvents(query: EventQuery): Promise<EventPage> {
    return this.tracking.queryEvents(query);
  }
  putArtifact(meta: Omit<ArtifactMeta, 'size' | 'sha256'>, body: Readable): Promise<ArtifactMeta> {
    return this.artifacts.putArtifact(meta, body);
  }
  getArtifactMeta(ref: ExperimentRef, run: number, artifact: string): Promise<ArtifactMeta | null> {
    return this.artifacts.getArtifactMeta(ref, run, artifact);
  }
  openArtifact(meta: ArtifactMeta): Promise<Readable> {
    return this.artifacts.openArtifact(meta);
  }
  deleteExperiment(ref: ExperimentRef): Promise<boolean> {
    return this.artifacts.deleteExperiment(ref);
  }

  // ------------------------------------------------------------ keys

  insertKey(key: ApiKeyRecord): Promise<void> {
    return this.keys.insertKey(key);
  }
  findKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    return this.keys.findKeyByHash(hash);
  }
  listKeys(): Promise<ApiKeyRecord[]> {
    return this.keys.listKeys();
  }
  revokeKey(id: string, now: Date): Promise<boolean> {
    return this.keys.revokeKey(id, now);
  }
  countActiveKeys(): Promise<number> {
    return this.keys.countActiveKeys();
  }

  // ------------------------------------------------------------ endpoints

  insertEndpointIfAbsent(endpoint: EndpointRecord): Promise<boolean> {
    return this.endpoints.insertEndpointIfAbsent(endpoint);
  }
  updateEndpointSpec(id: string, spec: Parameters<EndpointStore['updateEndpointSpec']>[1]): Promise<boolean> {
    return this.endpoints.updateEndpointSpec(id, spec);
  }
  getEndpoint(id: string): Promise<EndpointRecord | null> {
    return this.endpoints.getEndpoint(id);
  }
  listEndpoints(
    filter: EndpointFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: EndpointRecord[]; total: number }> {
    return this.endpoints.listEndpoints(filter, page);
  }
  listProjects(): Promise<string[]> {
    return this.endpoints.listProjects();
  }
  recordEvaluation(id: string, evaluation: EndpointEvaluation): Promise<void> {
    return this.endpoints.recordEvaluation(id, evaluation);
  }

  // ------------------------------------------------------------ references

  putReference(
    endpointId: string,
    rowCount: number,
    statistics: unknown,
    now: Date,
  ): Promise<ReferenceRecord> {
    return this.references.putReference(endpointId, rowCount, statistics, now);
  }
  getReference(endpointId: string, version?: number): Promise<ReferenceRecord | null> {
    return this.references.getReference(endpointId, version);
  }
  listReferenceVersions(endpointId: string): ReturnType<ReferenceStore['listReferenceVersions']> {
    return this.references.listReferenceVersions(endpointId);
  }

  // ------------------------------------------------------------ monitoring

  commitIngest(commit: IngestCommit): Promise<BatchOutcome> {
    return this.monitoring.commitIngest(commit);
  }
  commitIngestGroup(commits: IngestCommit[]): Promise<BatchOutcome[]> {
    return this.monitoring.commitIngestGroup(commits);
  }
  applyAggregates(deltas: AggregateDelta[]): Promise<void> {
    return this.monitoring.applyAggregates(deltas);
  }
  listAggregates(query: AggregateQuery): Promise<AggregateRecord[]> {
    return this.monitoring.listAggregates(query);
  }
  aggregateExtent(
    endpointId: string,
    resolution: Resolution,
  ): Promise<{ first: number; last: number } | null> {
    return this.monitoring.aggregateExtent(endpointId, resolution);
  }
  listSamples(endpointId: string, from: Date, to: Date, limit: number): Promise<SampleRecord[]> {
    return this.monitoring.listSamples(endpointId, from, to, limit);
  }
  findPredictionKeys(requestIds: string[]): Promise<PredictionKeyRecord[]> {
    return this.monitoring.findPredictionKeys(requestIds);
  }
  markPredictionKeysLabelled(requestIds: string[], at: Date): Promise<string[]> {
    return this.monitoring.markPredictionKeysLabelled(requestIds, at);
  }
  insertPendingLabels(labels: PendingLabelRecord[]): Promise<void> {
    return this.monitoring.insertPendingLabels(labels);
  }
  claimPendingLabels(requestIds: string[]): Promise<PendingLabelRecord[]> {
    return this.monitoring.claimPendingLabels(requestIds);
  }
  pruneExpired(now: Date, retention: Parameters<MonitoringStore['pruneExpired']>[1]): Promise<number> {
    return this.monitoring.pruneExpired(now, retention);
  }
  pruneAggregates(resolution: Resolution, before: number): Promise<number> {
    return this.monitoring.pruneAggregates(resolution, before);
  }

  // ------------------------------------------------------------ monitoring events and leases

  appendMonitoringEvents(events: MonitoringEventRecord[]): Promise<void> {
    return this.eventLog.appendMonitoringEvents(events);
  }
  listMonitoringEvents(
    filter: Parameters<EventLogStore['listMonitoringEvents']>[0],
  ): Promise<MonitoringEventRecord[]> {
    return this.eventLog.listMonitoringEvents(filter);
  }
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    return this.leases.acquireLease(name, holder, ttlMs, now);
  }
  releaseLease(name: string, holder: string): Promise<void> {
    return this.leases.releaseLease(name, holder);
  }

  // ------------------------------------------------------------ project settings

  getProjectSettings(project: string): Promise<ProjectSettings | null> {
    return this.projectSettings.getProjectSettings(project);
  }
  putProjectSettings(settings: ProjectSettings): Promise<void> {
    return this.projectSettings.putProjectSettings(settings);
  }

  // ------------------------------------------------------------ documents

  getDocument(kind: string, id: string): Promise<StoredDocument | null> {
    return this.documents.getDocument(kind, id);
  }
  listDocuments(kind: string, filter: { projects?: string[] }): Promise<StoredDocument[]> {
    return this.documents.listDocuments(kind, filter);
  }
  putDocument(
    doc: { kind: string; id: string; project: string; body: unknown },
    expectedVersion: number,
    now: Date,
  ): Promise<number | null> {
    return this.documents.putDocument(doc, expectedVersion, now);
  }
  deleteDocument(kind: string, id: string): Promise<boolean> {
    return this.documents.deleteDocument(kind, id);
  }
}

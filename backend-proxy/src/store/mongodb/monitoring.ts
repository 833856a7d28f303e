/** Ingest commits, aggregates, samples, prediction keys, pending labels and pruning. */
import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, ClientSession } from 'mongodb';
import type {
  AggregateDelta,
  AggregateQuery,
  AggregateRecord,
  IngestCommit,
  BatchOutcome,
  MonitoringStore,
  PendingLabelRecord,
  PredictionKeyRecord,
  Resolution,
  SampleRecord,
} from '../types';
import type {
  AggregateDoc,
  EndpointDoc,
  MongoContext,
  PendingLabelDoc,
  PredictionKeyDoc,
  SampleDoc,
} from './collections';
import {
  aggregateRangeFilter,
  aggregateRecordOf,
  aggregateUpserts,
  deltaCounterNames,
  resolution,
  storedCounterIds,
} from './aggregateDocs';
import { MongoCounterNames } from './counterNames';
import {
  fromJsonText,
  isDuplicateKey,
  plainNumber,
  plainString,
  plainStrings,
  readNumber,
  toJsonText,
  validDate,
} from './codec';
import { chunked } from '../chunked';
import { endpointInsertFields } from './endpoints';

/** Thrown inside the ingest transaction when a batch id of the group is already recorded; aborts it. */
class BatchAlreadyCommitted extends Error {}

/** One batch's writes, validated and built before the transaction (which may run more than once). */
interface PreparedCommit {
  batchId: string | null;
  now: Date;
  receiptJson: string;
  newEndpointOps: AnyBulkWriteOperation<EndpointDoc>[];
  activityOps: AnyBulkWriteOperation<EndpointDoc>[];
  aggregateOps: AnyBulkWriteOperation<AggregateDoc>[];
  samples: SampleDoc[];
  keyOps: AnyBulkWriteOperation<PredictionKeyDoc>[];
}

/** The counter names must have ids already (MongoCounterNames.resolveNames). */
function prepareCommit(commit: IngestCommit, ids: MongoCounterNames): PreparedCommit {
  return {
    batchId: commit.batchId === null ? null : plainString(commit.batchId, 'batchId'),
    now: validDate(commit.now, 'now'),
    receiptJson: toJsonText(commit.receipt),
    newEndpointOps: commit.newEndpoints.map((e): AnyBulkWriteOperation<EndpointDoc> => ({
      updateOne: {
        filter: { id: plainString(e.id, 'endpoint id') },
        update: { $setOnInsert: endpointInsertFields(e) },
        upsert: true,
      },
    })),
    activityOps: commit.activity.map((a): AnyBulkWriteOperation<EndpointDoc> => ({
      updateOne: {
        filter: { id: plainString(a.endpointId, 'endpoint id') },
        update: {
          $inc: {
            predictionCount: plainNumber(a.predictions, 'predictions'),
            errorCount: plainNumber(a.errors, 'errors'),
          },
          $min: { firstRequest: validDate(a.firstRequest, 'firstRequest') },
          $max: { lastRequest: validDate(a.lastRequest, 'lastRequest') },
        },
      },
    })),
    aggregateOps: aggregateUpserts(commit.aggregates, ids),
    samples: commit.samples.map(sampleDoc),
    keyOps: commit.predictionKeys.map((k): AnyBulkWriteOperation<PredictionKeyDoc> => {
      const doc = predictionKeyDoc(k);
      // Latest wins for a reused request id, as in the embedded store.
      return { replaceOne: { filter: { requestId: doc.requestId }, replacement: doc, upsert: true } };
    }),
  };
}

export class MongoMonitoring implements MonitoringStore {
  private readonly counterIds: MongoCounterNames;

  constructor(private readonly ctx: MongoContext) {
    this.counterIds = new MongoCounterNames(ctx.c);
  }

  async commitIngest(commit: IngestCommit): Promise<BatchOutcome> {
    const [outcome] = await this.commitIngestGroup([commit]);
    return outcome;
  }

  /**
   * One transaction for the group (the interface's all-or-nothing): the batch-id markers go in
   * first, so a replay fails on the unique index before anything else is written. Batch ids
   * already recorded (looked up first, or found by a conflicting concurrent commit, which aborts
   * the transaction) leave the group with their stored receipt, and the rest is committed again.
   */
  async commitIngestGroup(commits: IngestCommit[]): Promise<BatchOutcome[]> {
    // Outside the transaction: a dictionary entry whose batch then fails is merely unused.
    await this.counterIds.resolveNames(commits.flatMap((c) => deltaCounterNames(c.aggregates)));
    const prepared = commits.map((c) => prepareCommit(c, this.counterIds));
    const outcomes: (BatchOutcome | undefined)[] = new Array(prepared.length);
    // A batch id repeated in the group: its later copies replay the first one's receipt.
    const firstOf = new Map<string, number>();
    prepared.forEach((p, i) => {
      if (p.batchId === null) return;
      const first = firstOf.get(p.batchId);
      if (first === undefined) firstOf.set(p.batchId, i);
      else outcomes[i] = { applied: false, receipt: fromJsonText(prepared[first].receiptJson) };
    });
    // Cheap path for the usual retry: no transaction needed to answer it.
    await this.replayRecorded(outcomes, firstOf);
    for (let round = 0; round <= prepared.length; round++) {
      const live = prepared.filter((_, i) => outcomes[i] === undefined);
      if (!live.length) break;
      try {
        await this.ctx.transaction((session) => this.writeGroup(live, session));
        prepared.forEach((_, i) => (outcomes[i] ??= { applied: true }));
        break;
      } catch (error) {
        if (!(error instanceof BatchAlreadyCommitted)) throw error;
        if (!(await this.replayRecorded(outcomes, firstOf)))
          throw new Error('an ingest batch id conflicted but its receipt is gone');
      }
    }
    // Later copies of a batch id whose first copy was recorded by someone else replay that receipt.
    prepared.forEach((p, i) => {
      const first = p.batchId === null ? undefined : firstOf.get(p.batchId);
      if (first !== undefined && first !== i && outcomes[first]?.applied === false)
        outcomes[i] = outcomes[first];
    });
    return outcomes as BatchOutcome[];
  }

  /** Marks the group's batch ids that are already recorded as replays; true if it found any. */
  private async replayRecorded(
    outcomes: (BatchOutcome | undefined)[],
    firstOf: Map<string, number>,
  ): Promise<boolean> {
    const ids = [...firstOf].filter(([, i]) => outcomes[i] === undefined).map(([id]) => id);
    if (!ids.length) return false;
    const seen = await this.ctx.c.ingestBatches.find({ batchId: { $in: ids } }).toArray();
    for (const doc of seen) {
      const i = firstOf.get(doc.batchId) as number;
      outcomes[i] = { applied: false, receipt: fromJsonText(doc.receiptJson) };
    }
    return seen.length > 0;
  }

  private async writeGroup(live: PreparedCommit[], session: ClientSession): Promise<void> {
    const markers = live
      .filter((p) => p.batchId !== null)
      .map((p) => ({ batchId: p.batchId as string, receiptJson: p.receiptJson, createdAt: p.now }));
    if (markers.length) {
      try {
        await this.ctx.c.ingestBatches.insertMany(markers, { ordered: true, session });
      } catch (error) {
        if (isDuplicateKey(error)) throw new BatchAlreadyCommitted();
        throw error;
      }
    }
    // Ordered: new endpoints exist before their activity is added.
    const endpointOps = [...live.flatMap((p) => p.newEndpointOps), ...live.flatMap((p) => p.activityOps)];
    const aggregateOps = live.flatMap((p) => p.aggregateOps);
    const samples = live.flatMap((p) => p.samples);
    const keyOps = live.flatMap((p) => p.keyOps);
    if (endpointOps.length) await this.ctx.c.endpoints.bulkWrite(endpointOps, { ordered: true, session });
    if (aggregateOps.length) await this.ctx.c.aggregates.bulkWrite(aggregateOps, { ordered: true, session });
    if (samples.length)
      await this.ctx.c.samples.insertMany(
        samples.map((s) => ({ ...s })),
        { ordered: true, session },
      );
    if (keyOps.length) await this.ctx.c.predictionKeys.bulkWrite(keyOps, { ordered: true, session });
  }

  /** Transaction: the interface promises all deltas or none. */
  async applyAggregates(deltas: AggregateDelta[]): Promise<void> {
    await this.counterIds.resolveNames(deltaCounterNames(deltas));
    const ops = aggregateUpserts(deltas, this.counterIds);
    if (!ops.length) return;
    await this.ctx.transaction(async (session: ClientSession) => {
      await this.ctx.c.aggregates.bulkWrite(ops, { ordered: true, session });
    });
  }

  async listAggregates(query: AggregateQuery): Promise<AggregateRecord[]> {
    const docs = await this.ctx.c.aggregates
      .find(aggregateRangeFilter(query))
      .sort({ start: 1, referenceVersion: 1 })
      .toArray();
    await this.counterIds.resolveIds(storedCounterIds(docs));
    return docs.map((d) => aggregateRecordOf(d, this.counterIds));
  }

  /** Across families, as the interface asks: the extent of the endpoint's data at that resolution. */
  async aggregateExtent(
    endpointId: string,
    res: Resolution,
  ): Promise<{ first: number; last: number } | null> {
    const filter = { endpointId: plainString(endpointId, 'endpointId'), resolution: resolution(res) };
    const options = { projection: { start: 1 } };
    const first = await this.ctx.c.aggregates.findOne(filter, { ...options, sort: { start: 1 } });
    const last = await this.ctx.c.aggregates.findOne(filter, { ...options, sort: { start: -1 } });
    return first && last ? { first: readNumber(first.start), last: readNumber(last.start) } : null;
  }

  /** From inclusive, to exclusive, oldest first (as the embedded store). */
  async listSamples(endpointId: string, from: Date, to: Date, limit: number): Promise<SampleRecord[]> {
    const n = Math.floor(plainNumber(limit, 'limit'));
    if (n <= 0) return []; // limit(0) would mean "all" to MongoDB
    const docs = await this.ctx.c.samples
      .find({
        endpointId: plainString(endpointId, 'endpointId'),
        time: { $gte: validDate(from, 'from'), $lt: validDate(to, 'to') },
      })
      .sort({ time: 1, _id: 1 })
      .limit(n)
      .toArray();
    return docs.map(sampleFromDoc);
  }

  async findPredictionKeys(requestIds: string[]): Promise<PredictionKeyRecord[]> {
    const found: PredictionKeyRecord[] = [];
    for (const ids of chunked(plainStrings(requestIds, 'requestIds'), 1000)) {
      const docs = await this.ctx.c.predictionKeys.find({ requestId: { $in: ids } }).toArray();
      for (const d of docs) {
        found.push({
          requestId: d.requestId,
          endpointId: d.endpointId,
          time: d.time,
          referenceVersion: d.referenceVersion,
          prediction: fromJsonText(d.predictionJson),
          expiresAt: d.expiresAt,
          // Keys written before labelledAt existed have no field: not labelled.
          labelledAt: d.labelledAt ?? null,
        });
      }
    }
    return found;
  }

  /**
   * Batched: per 1000 ids, one `updateMany` stamps the unlabelled keys with this call's claim
   * token and one `find` reads back which carry it. Each document update is atomic and re-checks
   * `labelledAt: null`, so of concurrent callers exactly one stamps (and so marks) each key.
   */
  async markPredictionKeysLabelled(requestIds: string[], at: Date): Promise<string[]> {
    const marked: string[] = [];
    const labelledAt = validDate(at, 'at');
    for (const ids of chunked([...new Set(plainStrings(requestIds, 'requestIds'))], 1000)) {
      const claim = newClaimToken();
      const { modifiedCount } = await this.ctx.c.predictionKeys.updateMany(
        { requestId: { $in: ids }, labelledAt: null },
        { $set: { labelledAt, labelClaim: claim } },
      );
      if (modifiedCount === 0) continue;
      const docs = await this.ctx.c.predictionKeys
        .find(
          { requestId: { $in: ids }, labelClaim: claim },
          // One reply for the whole chunk (no getMore round trips).
          { projection: { requestId: 1 }, batchSize: ids.length },
        )
        .toArray();
      marked.push(...docs.map((d) => d.requestId));
    }
    return marked;
  }

  async insertPendingLabels(labels: PendingLabelRecord[]): Promise<void> {
    const docs: PendingLabelDoc[] = labels.map((l) => ({
      requestId: plainString(l.requestId, 'requestId'),
      endpointId: l.endpointId === null ? null : plainString(l.endpointId, 'endpointId'),
      labelJson: toJsonText(l.label),
      receivedAt: validDate(l.receivedAt, 'receivedAt'),
      expiresAt: validDate(l.expiresAt, 'expiresAt'),
    }));
    if (docs.length) await this.ctx.c.pendingLabels.insertMany(docs, { ordered: true });
  }

  /**
   * Batched like markPredictionKeysLabelled: per 1000 ids, one `updateMany` stamps the unclaimed
   * labels with this call's token (atomic per document: exactly one claimer stamps each), one
   * `find` reads them and one `deleteMany` removes them; nothing is read or deleted when none
   * was waiting (the usual case after an ingest). A claimer that dies between stamp and delete
   * leaves its labels claimed until their TTL: they are not counted twice, nor at all.
   */
  async claimPendingLabels(requestIds: string[]): Promise<PendingLabelRecord[]> {
    const claimed: PendingLabelRecord[] = [];
    for (const ids of chunked([...new Set(plainStrings(requestIds, 'requestIds'))], 1000)) {
      const claim = newClaimToken();
      const { modifiedCount } = await this.ctx.c.pendingLabels.updateMany(
        { requestId: { $in: ids }, claim: { $exists: false } },
        { $set: { claim } },
      );
      if (modifiedCount === 0) continue;
      const docs = await this.ctx.c.pendingLabels
        .find({ requestId: { $in: ids }, claim }, { batchSize: ids.length })
        .sort({ _id: 1 })
        .toArray();
      await this.ctx.c.pendingLabels.deleteMany({ requestId: { $in: ids }, claim });
      for (const doc of docs) {
        claimed.push({
          requestId: doc.requestId,
          endpointId: doc.endpointId,
          label: fromJsonText(doc.labelJson),
          receivedAt: doc.receivedAt,
          expiresAt: doc.expiresAt,
        });
      }
    }
    return claimed;
  }

  /**
   * Not a transaction: each delete is independent and idempotent, and a partial prune is simply
   * finished by the next one. TTL indexes remove expired keys and labels in the background too.
   */
  async pruneExpired(
    now: Date,
    retention: { samplesBefore: Date; maxSamplesPerEndpoint: number; batchesBefore: Date },
  ): Promise<number> {
    validDate(now, 'now');
    const samplesBefore = validDate(retention.samplesBefore, 'samplesBefore');
    const keep = Math.max(
      0,
      Math.floor(plainNumber(retention.maxSamplesPerEndpoint, 'maxSamplesPerEndpoint')),
    );
    const batchesBefore = validDate(retention.batchesBefore, 'batchesBefore');
    const { c } = this.ctx;
    let removed = (await c.samples.deleteMany({ time: { $lt: samplesBefore } })).deletedCount;
    for (const endpointId of await c.samples.distinct('endpointId')) {
      // The newest sample beyond the kept ones; it and everything older (by time, then _id) goes.
      const cut = await c.samples.findOne(
        { endpointId },
        { sort: { time: -1, _id: -1 }, skip: keep, projection: { time: 1 } },
      );
      if (!cut) continue;
      removed += (
        await c.samples.deleteMany({
          endpointId,
          $or: [{ time: { $lt: cut.time } }, { time: cut.time, _id: { $lte: cut._id } }],
        })
      ).deletedCount;
    }
    removed += (await c.predictionKeys.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
    removed += (await c.pendingLabels.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
    removed += (await c.ingestBatches.deleteMany({ createdAt: { $lt: batchesBefore } })).deletedCount;
    removed += (await c.trackingBatches.deleteMany({ createdAt: { $lt: batchesBefore } })).deletedCount;
    return removed;
  }

  async pruneAggregates(res: Resolution, before: number): Promise<number> {
    const result = await this.ctx.c.aggregates.deleteMany({
      resolution: resolution(res),
      start: { $lt: plainNumber(before, 'before') },
    });
    return result.deletedCount;
  }
}

function sampleDoc(s: SampleRecord): SampleDoc {
  return {
    endpointId: plainString(s.endpointId, 'endpointId'),
    time: validDate(s.time, 'sample time'),
    requestId: s.requestId === null ? null : plainString(s.requestId, 'requestId'),
    featuresJson: toJsonText(s.features),
    predictionJson: toJsonText(s.prediction),
    latencyUs: s.latencyUs === null ? null : plainNumber(s.latencyUs, 'latencyUs'),
    error: s.error === null ? null : plainString(s.error, 'error'),
  };
}

function sampleFromDoc(d: SampleDoc): SampleRecord {
  return {
    endpointId: d.endpointId,
    time: d.time,
    requestId: d.requestId,
    features: fromJsonText<Record<string, unknown>>(d.featuresJson) ?? {},
    prediction: fromJsonText(d.predictionJson),
    latencyUs: d.latencyUs,
    error: d.error,
  };
}

function predictionKeyDoc(k: PredictionKeyRecord): PredictionKeyDoc {
  return {
    requestId: plainString(k.requestId, 'requestId'),
    endpointId: plainString(k.endpointId, 'endpointId'),
    time: validDate(k.time, 'time'),
    referenceVersion: plainNumber(k.referenceVersion, 'referenceVersion'),
    predictionJson: toJsonText(k.prediction),
    expiresAt: validDate(k.expiresAt, 'expiresAt'),
    labelledAt: k.labelledAt === null ? null : validDate(k.labelledAt, 'labelledAt'),
  };
}

/** One claimer's mark on the documents it took; unique per call. */
const newClaimToken = (): string => randomUUID();

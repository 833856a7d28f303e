/** Ingest commits: a batch's endpoints, activity, aggregates, samples and prediction keys, all or none. */
import type { AnyBulkWriteOperation, ClientSession } from 'mongodb';
import type { BatchOutcome, IngestCommit, IngestStore } from '../types';
import type { AggregateDoc, EndpointDoc, MongoContext, PredictionKeyDoc, SampleDoc } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import { isDuplicateKey, plainNumber, plainString, validDate } from './codec';
import { namedDelta, type NamedDelta } from '../namedDelta';
import { aggregateUpserts, deltaCounterNames } from './aggregateDocs';
import type { MongoCounterNames } from './counterNames';
import { endpointInsertFields } from './endpoints';
import { predictionKeyDoc } from './labels';
import { sampleDoc } from './samples';

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

/** The counter names of `aggregates` (the commit's, named) must have ids already (MongoCounterNames.resolveNames). */
function prepareCommit(
  commit: IngestCommit,
  aggregates: readonly NamedDelta[],
  counterIds: MongoCounterNames,
): PreparedCommit {
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
    aggregateOps: aggregateUpserts(aggregates, counterIds),
    samples: commit.samples.map(sampleDoc),
    keyOps: commit.predictionKeys.map((k): AnyBulkWriteOperation<PredictionKeyDoc> => {
      const doc = predictionKeyDoc(k);
      // Latest wins for a reused request id, as in the embedded store.
      return { replaceOne: { filter: { requestId: doc.requestId }, replacement: doc, upsert: true } };
    }),
  };
}

/**
 * One transaction for the group (the interface's all-or-nothing): the batch-id markers go in
 * first, so a replay fails on the unique index before anything else is written. Batch ids
 * already recorded (looked up first, or found by a conflicting concurrent commit, which aborts
 * the transaction) leave the group with their stored receipt, and the rest is committed again.
 */
async function commitIngestGroup(
  ctx: MongoContext,
  counterIds: MongoCounterNames,
  commits: IngestCommit[],
): Promise<BatchOutcome[]> {
  // Outside the transaction: a dictionary entry whose batch then fails is merely unused.
  const named = commits.map((c) => c.aggregates.map(namedDelta));
  await counterIds.resolveNames(named.flatMap(deltaCounterNames));
  const prepared = commits.map((c, i) => prepareCommit(c, named[i], counterIds));
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
  await replayRecorded(ctx, outcomes, firstOf);
  for (let round = 0; round <= prepared.length; round++) {
    const live = prepared.filter((_, i) => outcomes[i] === undefined);
    if (!live.length) break;
    try {
      await ctx.transaction((session) => writeGroup(ctx, live, session));
      prepared.forEach((_, i) => (outcomes[i] ??= { applied: true }));
      break;
    } catch (error) {
      if (!(error instanceof BatchAlreadyCommitted)) throw error;
      if (!(await replayRecorded(ctx, outcomes, firstOf)))
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
async function replayRecorded(
  ctx: MongoContext,
  outcomes: (BatchOutcome | undefined)[],
  firstOf: Map<string, number>,
): Promise<boolean> {
  const ids = [...firstOf].filter(([, i]) => outcomes[i] === undefined).map(([id]) => id);
  if (!ids.length) return false;
  const seen = await ctx.c.ingestBatches.find({ batchId: { $in: ids } }).toArray();
  for (const doc of seen) {
    const i = firstOf.get(doc.batchId) as number;
    outcomes[i] = { applied: false, receipt: fromJsonText(doc.receiptJson) };
  }
  return seen.length > 0;
}

async function writeGroup(ctx: MongoContext, live: PreparedCommit[], session: ClientSession): Promise<void> {
  const markers = live
    .filter((p) => p.batchId !== null)
    .map((p) => ({ batchId: p.batchId as string, receiptJson: p.receiptJson, createdAt: p.now }));
  if (markers.length) {
    try {
      await ctx.c.ingestBatches.insertMany(markers, { ordered: true, session });
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
  if (endpointOps.length) await ctx.c.endpoints.bulkWrite(endpointOps, { ordered: true, session });
  if (aggregateOps.length) await ctx.c.aggregates.bulkWrite(aggregateOps, { ordered: true, session });
  if (samples.length)
    await ctx.c.samples.insertMany(
      samples.map((s) => ({ ...s })),
      { ordered: true, session },
    );
  if (keyOps.length) await ctx.c.predictionKeys.bulkWrite(keyOps, { ordered: true, session });
}

export function mongoIngest(ctx: MongoContext, counterIds: MongoCounterNames): IngestStore {
  return {
    async commitIngest(commit: IngestCommit): Promise<BatchOutcome> {
      const [outcome] = await commitIngestGroup(ctx, counterIds, [commit]);
      return outcome;
    },

    commitIngestGroup(commits: IngestCommit[]): Promise<BatchOutcome[]> {
      return commitIngestGroup(ctx, counterIds, commits);
    },
  };
}

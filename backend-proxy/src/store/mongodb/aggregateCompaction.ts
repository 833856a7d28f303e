/**
 * Sealing aggregate documents (aggregateDocs.ts): live and legacy counters folded into the
 * compact binary field, in batches of compare-and-set updates. Two callers:
 *
 * - the migration at open: every document of the earlier encoding (named counter groups), in
 *   `_id` order, its progress recorded in `migrations` after each batch, so an interrupted run
 *   resumes after the last finished batch; progress logged per batch;
 * - compactAggregates (the evaluator's retention pass): documents with live counters whose
 *   interval is over, found through the partial index on `live`.
 *
 * Safe with anything running at the same time: a writer of this version or of the previous one
 * changes what the compare-and-set checks, so that document matches nothing, is read again and
 * tried again; a second sealer of the same document matches nothing (it was sealed). Documents
 * read right at every point (every encoding is merged on reading), so nothing waits for sealing.
 */
import type { Filter, ObjectId } from 'mongodb';
import type { Resolution, StoreLog } from '../types';
import { RESOLUTIONS } from '../types';
import type { AggregateDoc, Collections } from './collections';
import type { MongoCounterNames } from './counterNames';
import { closedLiveFilter, HAS_LEGACY_COUNTERS, legacyCounterNames, sealing } from './aggregateDocs';

export const AGGREGATE_MIGRATION = 'aggregateCounterIds';
export const DEFAULT_SEAL_BATCH = 500;
/** Compare-and-set rounds per batch before giving up (each after re-reading what changed). */
const ATTEMPTS = 10;

type StoredAggregate = AggregateDoc & { _id: ObjectId };

/**
 * Seals the documents; the count it sealed itself. Documents written meanwhile are read again and
 * retried; ones another sealer finished (no longer matching `pending`) are left alone.
 */
async function sealDocuments(
  c: Pick<Collections, 'aggregates'>,
  names: MongoCounterNames,
  docs: StoredAggregate[],
  pending: Filter<AggregateDoc>,
): Promise<number> {
  let left = docs;
  let sealed = 0;
  for (let attempt = 1; left.length; attempt++) {
    if (attempt > ATTEMPTS)
      throw new Error(`${left.length} aggregate documents kept changing while being sealed; try again`);
    await names.resolveNames(legacyCounterNames(left));
    const result = await c.aggregates.bulkWrite(
      left.map((d) => ({ replaceOne: sealing(d, names) })),
      { ordered: false },
    );
    sealed += result.modifiedCount;
    if (result.matchedCount === left.length) break;
    left = (await c.aggregates
      .find({ _id: { $in: left.map((d) => d._id) }, ...pending })
      .toArray()) as StoredAggregate[];
  }
  return sealed;
}

/** Seals every document with live counters whose interval ended before `before` (epoch ms). */
export async function sealClosedAggregates(
  c: Pick<Collections, 'aggregates'>,
  names: MongoCounterNames,
  before: number,
  batchSize = DEFAULT_SEAL_BATCH,
): Promise<number> {
  let sealed = 0;
  for (const res of RESOLUTIONS as readonly Resolution[]) {
    const pending = closedLiveFilter(res, before);
    // Each batch is sealed (or throws), so the next query finds only what is left.
    for (;;) {
      const docs = (await c.aggregates.find(pending).limit(batchSize).toArray()) as StoredAggregate[];
      if (!docs.length) break;
      sealed += await sealDocuments(c, names, docs, pending);
    }
  }
  return sealed;
}

/** The migration at open (see the module comment). */
export async function migrateAggregateCounters(
  c: Pick<Collections, 'aggregates' | 'migrations'>,
  names: MongoCounterNames,
  options: { batchSize?: number; log?: StoreLog } = {},
): Promise<void> {
  const state = await c.migrations.findOne({ name: AGGREGATE_MIGRATION });
  if (state?.done) return;
  const batchSize = options.batchSize ?? DEFAULT_SEAL_BATCH;
  const log = options.log ?? (() => undefined);
  let after = state?.after ?? null;
  let converted = state?.converted ?? 0;
  const remaining = await c.aggregates.countDocuments(HAS_LEGACY_COUNTERS);
  if (remaining > 0)
    log(
      { migration: AGGREGATE_MIGRATION, converted, remaining, resumed: after !== null },
      'aggregates: converting named counters to the compact encoding',
    );
  for (;;) {
    const docs = (await c.aggregates
      .find(after === null ? HAS_LEGACY_COUNTERS : { _id: { $gt: after }, ...HAS_LEGACY_COUNTERS })
      .sort({ _id: 1 })
      .limit(batchSize)
      .toArray()) as StoredAggregate[];
    if (!docs.length) break;
    const done = await sealDocuments(c, names, docs, HAS_LEGACY_COUNTERS);
    after = docs[docs.length - 1]._id;
    // $max and $inc: migrators running at once each add what they converted, and never move back.
    const progress = await c.migrations.findOneAndUpdate(
      { name: AGGREGATE_MIGRATION },
      { $max: { after }, $inc: { converted: done }, $setOnInsert: { done: false } },
      { upsert: true, returnDocument: 'after' },
    );
    converted = progress?.converted ?? converted + done;
    log(
      { migration: AGGREGATE_MIGRATION, converted, batch: docs.length },
      'aggregates: converted a batch of documents',
    );
  }
  await c.migrations.updateOne(
    { name: AGGREGATE_MIGRATION },
    { $set: { done: true }, $setOnInsert: { after, converted } },
    { upsert: true },
  );
  if (remaining > 0)
    log(
      { migration: AGGREGATE_MIGRATION, converted },
      'aggregates: every document uses the compact encoding',
    );
}

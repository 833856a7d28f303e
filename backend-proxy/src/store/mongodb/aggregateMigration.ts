/**
 * The in-place migration of aggregate documents from named counter groups to counter ids
 * (aggregateDocs.ts), run when the store opens: in batches in `_id` order, each batch one read,
 * one dictionary lookup and one bulk write of compare-and-set updates (legacyConversion), then its
 * progress recorded in `migrations`, so an interrupted run resumes after the last finished batch.
 * Progress is logged per batch.
 *
 * Safe with anything running at the same time: replicas of this version only write under ids,
 * which the conversion adds to; replicas of the previous version write named groups, which make a
 * conversion match nothing until the document is read again; another proxy migrating at once
 * converts each document once (the second compare-and-set matches nothing). Documents are read
 * right at every point (both encodings are merged), so nothing waits for the migration but the
 * proxy running it.
 */
import type { ObjectId } from 'mongodb';
import type { StoreLog } from '../types';
import type { AggregateDoc, Collections } from './collections';
import type { MongoCounterNames } from './counterNames';
import { HAS_LEGACY_COUNTERS, legacyConversion, legacyCounterNames } from './aggregateDocs';

export const AGGREGATE_MIGRATION = 'aggregateCounterIds';
export const DEFAULT_MIGRATION_BATCH = 500;
/** Compare-and-set rounds per batch before giving up (each after re-reading what changed). */
const ATTEMPTS = 10;

type StoredAggregate = AggregateDoc & { _id: ObjectId };

/**
 * Converts the batch; the count it converted itself. Documents another writer changed meanwhile
 * are read again and retried; ones converted by another migrator are left alone.
 */
async function convertBatch(
  c: Pick<Collections, 'aggregates'>,
  names: MongoCounterNames,
  docs: StoredAggregate[],
): Promise<number> {
  let pending = docs;
  let converted = 0;
  for (let attempt = 1; pending.length; attempt++) {
    if (attempt > ATTEMPTS)
      throw new Error(
        `${pending.length} aggregate documents kept changing during their conversion; open again`,
      );
    await names.resolveNames(legacyCounterNames(pending));
    const result = await c.aggregates.bulkWrite(
      pending.map((d) => ({ updateOne: legacyConversion(d, names) })),
      { ordered: false },
    );
    converted += result.modifiedCount;
    if (result.matchedCount === pending.length) break;
    pending = (await c.aggregates
      .find({ _id: { $in: pending.map((d) => d._id) }, ...HAS_LEGACY_COUNTERS })
      .toArray()) as StoredAggregate[];
  }
  return converted;
}

export async function migrateAggregateCounters(
  c: Pick<Collections, 'aggregates' | 'migrations'>,
  names: MongoCounterNames,
  options: { batchSize?: number; log?: StoreLog } = {},
): Promise<void> {
  const state = await c.migrations.findOne({ name: AGGREGATE_MIGRATION });
  if (state?.done) return;
  const batchSize = options.batchSize ?? DEFAULT_MIGRATION_BATCH;
  const log = options.log ?? (() => undefined);
  let after = state?.after ?? null;
  let converted = state?.converted ?? 0;
  const remaining = await c.aggregates.countDocuments(HAS_LEGACY_COUNTERS);
  if (remaining > 0)
    log(
      { migration: AGGREGATE_MIGRATION, converted, remaining, resumed: after !== null },
      'aggregates: converting named counters to counter ids',
    );
  for (;;) {
    const docs = (await c.aggregates
      .find(after === null ? HAS_LEGACY_COUNTERS : { _id: { $gt: after }, ...HAS_LEGACY_COUNTERS })
      .sort({ _id: 1 })
      .limit(batchSize)
      .toArray()) as StoredAggregate[];
    if (!docs.length) break;
    const done = await convertBatch(c, names, docs);
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
    log({ migration: AGGREGATE_MIGRATION, converted }, 'aggregates: every document uses counter ids');
}

/**
 * Aggregates: one document per (endpoint, family, resolution, start, reference version), its
 * counters under ids of the shared dictionary, live while written and sealed once closed
 * (aggregateDocs.ts has the encoding, aggregateCompaction.ts the sealing).
 */
import type { ClientSession } from 'mongodb';
import type {
  AggregateDelta,
  AggregateQuery,
  AggregateRecord,
  AggregateStore,
  CounterMaps,
  Resolution,
} from '../types';
import { namedDelta } from '../namedDelta';
import type { MongoContext } from './collections';
import type { MongoCounterNames } from './counterNames';
import {
  aggregateRangeFilter,
  aggregateRecordOf,
  aggregateUpserts,
  deltaCounterNames,
  resolution,
  storedCounterIds,
} from './aggregateDocs';
import { sealClosedAggregates } from './aggregateCompaction';
import { plainNumber, plainString, readNumber } from './codec';

export function mongoAggregates(ctx: MongoContext, counterIds: MongoCounterNames): AggregateStore {
  const listAggregates = async (query: AggregateQuery): Promise<AggregateRecord[]> => {
    const docs = await ctx.c.aggregates
      .find(aggregateRangeFilter(query))
      .sort({ start: 1, referenceVersion: 1 })
      .toArray();
    await counterIds.resolveIds(storedCounterIds(docs));
    return docs.map((d) => aggregateRecordOf(d, counterIds));
  };
  return {
    /** Transaction: the interface promises all deltas or none. */
    async applyAggregates(deltas: AggregateDelta[]): Promise<void> {
      // Outside the transaction: a dictionary entry whose deltas then fail is merely unused.
      const named = deltas.map(namedDelta);
      await counterIds.resolveNames(deltaCounterNames(named));
      const ops = aggregateUpserts(named, counterIds);
      if (!ops.length) return;
      await ctx.transaction(async (session: ClientSession) => {
        await ctx.c.aggregates.bulkWrite(ops, { ordered: true, session });
      });
    },

    async listAggregates(query: AggregateQuery): Promise<AggregateRecord[]> {
      return listAggregates(query);
    },

    async sumAggregates(queries: AggregateQuery[]): Promise<CounterMaps> {
      const records = (await Promise.all(queries.map(listAggregates))).flat();
      const total: CounterMaps = { sums: {}, min: {}, max: {} };
      for (const r of records) {
        for (const name in r.sums) total.sums[name] = (total.sums[name] ?? 0) + r.sums[name];
        for (const name in r.min) total.min[name] = Math.min(total.min[name] ?? Infinity, r.min[name]);
        for (const name in r.max) total.max[name] = Math.max(total.max[name] ?? -Infinity, r.max[name]);
      }
      return total;
    },

    /** Across families, as the interface asks: the extent of the endpoint's data at that resolution. */
    async aggregateExtent(
      endpointId: string,
      res: Resolution,
    ): Promise<{ first: number; last: number } | null> {
      const filter = { endpointId: plainString(endpointId, 'endpointId'), resolution: resolution(res) };
      const options = { projection: { start: 1 } };
      const first = await ctx.c.aggregates.findOne(filter, { ...options, sort: { start: 1 } });
      const last = await ctx.c.aggregates.findOne(filter, { ...options, sort: { start: -1 } });
      return first && last ? { first: readNumber(first.start), last: readNumber(last.start) } : null;
    },

    async pruneAggregates(res: Resolution, before: number): Promise<number> {
      const result = await ctx.c.aggregates.deleteMany({
        resolution: resolution(res),
        start: { $lt: plainNumber(before, 'before') },
      });
      return result.deletedCount;
    },

    compactAggregates(before: number): Promise<number> {
      return sealClosedAggregates(ctx.c, counterIds, before);
    },
  };
}

/**
 * Aggregates: one document per (endpoint, family, resolution, start, reference version), its
 * counters under ids of the shared dictionary, live while written and sealed once closed
 * (aggregateDocs.ts has the encoding, aggregateCompaction.ts the sealing).
 */
import type { ClientSession } from 'mongodb';
import type {
  AggregateDelta,
  AggregateQuery,
  AggregateRange,
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
  manySeriesRangeFilter,
  resolution,
  storedCounterIds,
} from './aggregateDocs';
import { sealClosedAggregates } from './aggregateCompaction';
import { plainNumber, plainString, readNumber } from './codec';

const emptyCounterMaps = (): CounterMaps => ({ sums: {}, min: {}, max: {} });

/** Merges a record into a total: sums added, extremes combined. */
function addRecord(total: CounterMaps, r: AggregateRecord): void {
  for (const name in r.sums) total.sums[name] = (total.sums[name] ?? 0) + r.sums[name];
  for (const name in r.min) total.min[name] = Math.min(total.min[name] ?? Infinity, r.min[name]);
  for (const name in r.max) total.max[name] = Math.max(total.max[name] ?? -Infinity, r.max[name]);
}

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
      const total = emptyCounterMaps();
      for (const r of records) addRecord(total, r);
      return total;
    },

    async sumAggregatesOfEach(
      endpointIds: readonly string[],
      ranges: readonly AggregateRange[],
    ): Promise<CounterMaps[]> {
      const totals = endpointIds.map(emptyCounterMaps);
      // An id may be asked for more than once: each of its places gets the total.
      const places = new Map<string, number[]>();
      for (const [i, id] of endpointIds.entries()) {
        const at = places.get(id);
        if (at) at.push(i);
        else places.set(id, [i]);
      }
      const docs = (
        await Promise.all(
          ranges.map((range) =>
            ctx.c.aggregates.find(manySeriesRangeFilter([...places.keys()], range)).toArray(),
          ),
        )
      ).flat();
      await counterIds.resolveIds(storedCounterIds(docs));
      for (const doc of docs) {
        const record = aggregateRecordOf(doc, counterIds);
        for (const i of places.get(doc.endpointId) ?? []) addRecord(totals[i], record);
      }
      return totals;
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

/** Aggregates: one document per (endpoint, family, resolution, start, reference version). */
import type { AnyBulkWriteOperation, ClientSession, Filter } from 'mongodb';
import type { AggregateDelta, AggregateQuery, AggregateRecord, AggregateStore, Resolution } from '../types';
import { RESOLUTIONS } from '../types';
import type { AggregateDoc, MongoContext } from './collections';
import { counterPaths, plainNumber, plainString, readCounters, readNumber } from './codec';

export function resolution(value: unknown): Resolution {
  if (!RESOLUTIONS.includes(value as Resolution)) throw new RangeError(`unknown resolution ${String(value)}`);
  return value as Resolution;
}

/**
 * One upsert per delta: `$inc` sums, `$min`/`$max` extremes, each counter under its group
 * (`sums.n`, `min.lat:3`, ...). Missing fields start at the delta, so creating and adding are
 * the same operation.
 */
export function aggregateUpdates(deltas: AggregateDelta[]): AnyBulkWriteOperation<AggregateDoc>[] {
  return deltas.map(({ key, add, min, max }) => {
    const filter = {
      endpointId: plainString(key.endpointId, 'endpointId'),
      family: plainString(key.family, 'family'),
      resolution: resolution(key.resolution),
      start: plainNumber(key.start, 'start'),
      referenceVersion: plainNumber(key.referenceVersion, 'referenceVersion'),
    };
    const inc = counterPaths('sums', add);
    const lows = counterPaths('min', min);
    const highs = counterPaths('max', max);
    const update: Record<string, Record<string, unknown>> = {};
    if (Object.keys(inc).length) update.$inc = inc;
    if (Object.keys(lows).length) update.$min = lows;
    if (Object.keys(highs).length) update.$max = highs;
    // An empty delta still creates the interval; the groups are only set when nothing else touches them.
    if (!Object.keys(update).length) update.$setOnInsert = { sums: {}, min: {}, max: {} };
    return { updateOne: { filter, update, upsert: true } };
  });
}

export function mongoAggregates(ctx: MongoContext): AggregateStore {
  return {
    /** Transaction: the interface promises all deltas or none. */
    async applyAggregates(deltas: AggregateDelta[]): Promise<void> {
      const ops = aggregateUpdates(deltas);
      if (!ops.length) return;
      await ctx.transaction(async (session: ClientSession) => {
        await ctx.c.aggregates.bulkWrite(ops, { ordered: true, session });
      });
    },

    async listAggregates(query: AggregateQuery): Promise<AggregateRecord[]> {
      const filter: Filter<AggregateDoc> = {
        endpointId: plainString(query.endpointId, 'endpointId'),
        family: plainString(query.family, 'family'),
        resolution: resolution(query.resolution),
        start: { $gte: plainNumber(query.from, 'from'), $lt: plainNumber(query.to, 'to') },
      };
      if (query.referenceVersion !== undefined)
        filter.referenceVersion = plainNumber(query.referenceVersion, 'referenceVersion');
      const docs = await ctx.c.aggregates.find(filter).sort({ start: 1, referenceVersion: 1 }).toArray();
      return docs.map((d) => ({
        key: {
          endpointId: d.endpointId,
          family: d.family,
          resolution: d.resolution,
          start: readNumber(d.start),
          referenceVersion: d.referenceVersion,
        },
        sums: readCounters(d.sums),
        min: readCounters(d.min),
        max: readCounters(d.max),
      }));
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
  };
}

/** Pruning what outlived its retention: samples, prediction keys, pending labels and batch ids. */
import type { RetentionStore } from '../types';
import type { MongoContext } from './collections';
import { plainNumber, validDate } from './codec';

export function mongoRetention(ctx: MongoContext): RetentionStore {
  return {
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
      const { c } = ctx;
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
    },
  };
}

/** Samples: recent raw requests, written by ingest (ingest.ts) and trimmed by retention.ts. */
import type { SampleRecord, SampleStore } from '../types';
import type { MongoContext, SampleDoc } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import { plainNumber, plainString, validDate } from './codec';

export function sampleDoc(s: SampleRecord): SampleDoc {
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

export function mongoSamples(ctx: MongoContext): SampleStore {
  return {
    /** From inclusive, to exclusive, oldest first (as the embedded store). */
    async listSamples(endpointId: string, from: Date, to: Date, limit: number): Promise<SampleRecord[]> {
      const n = Math.floor(plainNumber(limit, 'limit'));
      if (n <= 0) return []; // limit(0) would mean "all" to MongoDB
      const docs = await ctx.c.samples
        .find({
          endpointId: plainString(endpointId, 'endpointId'),
          time: { $gte: validDate(from, 'from'), $lt: validDate(to, 'to') },
        })
        .sort({ time: 1, _id: 1 })
        .limit(n)
        .toArray();
      return docs.map(sampleFromDoc);
    },
  };
}

/** Prediction keys (written by ingest, ingest.ts) and pending labels, joined to them once each. */
import { randomUUID } from 'node:crypto';
import type { LabelStore, PendingLabelRecord, PredictionKeyRecord } from '../types';
import type { MongoContext, PendingLabelDoc, PredictionKeyDoc } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import { plainNumber, plainString, plainStrings, validDate } from './codec';
import { chunked } from '../chunked';

export function predictionKeyDoc(k: PredictionKeyRecord): PredictionKeyDoc {
  return {
    requestId: plainString(k.requestId, 'requestId'),
    endpointId: plainString(k.endpointId, 'endpointId'),
    time: validDate(k.time, 'time'),
    referenceVersion: plainNumber(k.referenceVersion, 'referenceVersion'),
    predictionJson: toJsonText(k.prediction),
    expiresAt: validDate(k.expiresAt, 'expiresAt'),
    labelledAt: k.labelledAt === null ? null : validDate(k.labelledAt, 'labelledAt'),
    ...(k.segments?.length ? { segments: plainStrings(k.segments, 'segments') } : {}),
  };
}

/** One claimer's mark on the documents it took; unique per call. */
const newClaimToken = (): string => randomUUID();

export function mongoLabels(ctx: MongoContext): LabelStore {
  return {
    async findPredictionKeys(requestIds: string[]): Promise<PredictionKeyRecord[]> {
      const found: PredictionKeyRecord[] = [];
      for (const ids of chunked(plainStrings(requestIds, 'requestIds'), 1000)) {
        const docs = await ctx.c.predictionKeys.find({ requestId: { $in: ids } }).toArray();
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
            ...(d.segments?.length ? { segments: d.segments } : {}),
          });
        }
      }
      return found;
    },

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
        const { modifiedCount } = await ctx.c.predictionKeys.updateMany(
          { requestId: { $in: ids }, labelledAt: null },
          { $set: { labelledAt, labelClaim: claim } },
        );
        if (modifiedCount === 0) continue;
        const docs = await ctx.c.predictionKeys
          .find(
            { requestId: { $in: ids }, labelClaim: claim },
            // One reply for the whole chunk (no getMore round trips).
            { projection: { requestId: 1 }, batchSize: ids.length },
          )
          .toArray();
        marked.push(...docs.map((d) => d.requestId));
      }
      return marked;
    },

    async insertPendingLabels(labels: PendingLabelRecord[]): Promise<void> {
      const docs: PendingLabelDoc[] = labels.map((l) => ({
        requestId: plainString(l.requestId, 'requestId'),
        endpointId: l.endpointId === null ? null : plainString(l.endpointId, 'endpointId'),
        labelJson: toJsonText(l.label),
        receivedAt: validDate(l.receivedAt, 'receivedAt'),
        expiresAt: validDate(l.expiresAt, 'expiresAt'),
      }));
      if (docs.length) await ctx.c.pendingLabels.insertMany(docs, { ordered: true });
    },

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
        const { modifiedCount } = await ctx.c.pendingLabels.updateMany(
          { requestId: { $in: ids }, claim: { $exists: false } },
          { $set: { claim } },
        );
        if (modifiedCount === 0) continue;
        const docs = await ctx.c.pendingLabels
          .find({ requestId: { $in: ids }, claim }, { batchSize: ids.length })
          .sort({ _id: 1 })
          .toArray();
        await ctx.c.pendingLabels.deleteMany({ requestId: { $in: ids }, claim });
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
    },
  };
}

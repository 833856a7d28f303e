/** Reference statistics, versioned per endpoint; the endpoint's `referenceVersion` names the active one. */
import type { ReferenceRecord, ReferenceStore } from '../types';
import type { MongoContext, ReferenceDoc } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import { plainNumber, plainString, validDate } from './codec';

const referenceFromDoc = (d: ReferenceDoc): ReferenceRecord => ({
  endpointId: d.endpointId,
  version: d.version,
  createdAt: d.createdAt,
  rowCount: d.rowCount,
  statistics: fromJsonText(d.statisticsJson),
});

export function mongoReferences(ctx: MongoContext): ReferenceStore {
  return {
    /**
     * Transaction: the version counter, the new reference and the endpoint's switch to it commit
     * together, so ingest never sees an active version whose statistics (bin edges) are missing,
     * and a failure leaves no gap in the version numbers.
     */
    async putReference(
      endpointId: string,
      rowCount: number,
      statistics: unknown,
      now: Date,
    ): Promise<ReferenceRecord> {
      const id = plainString(endpointId, 'endpoint id');
      const doc: Omit<ReferenceDoc, 'version'> = {
        endpointId: id,
        createdAt: validDate(now, 'now'),
        rowCount: plainNumber(rowCount, 'rowCount'),
        statisticsJson: toJsonText(statistics),
      };
      const version = await ctx.transaction(async (session) => {
        const counter = await ctx.c.sequences.findOneAndUpdate(
          { scope: 'referenceVersion', key: id },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after', session },
        );
        if (!counter) throw new Error('reference version was not allocated');
        await ctx.c.references.insertOne({ ...doc, version: counter.value }, { session });
        // $max, not $set: of two racing registrations the later version stays active.
        await ctx.c.endpoints.updateOne({ id }, { $max: { referenceVersion: counter.value } }, { session });
        return counter.value;
      });
      return referenceFromDoc({ ...doc, version });
    },

    /** Without a version: the endpoint's active one (none when the endpoint is unknown, as in the embedded store). */
    async getReference(endpointId: string, version?: number): Promise<ReferenceRecord | null> {
      const id = plainString(endpointId, 'endpoint id');
      let wanted = version === undefined ? undefined : plainNumber(version, 'version');
      if (wanted === undefined) {
        const endpoint = await ctx.c.endpoints.findOne({ id }, { projection: { referenceVersion: 1 } });
        if (!endpoint || !endpoint.referenceVersion) return null;
        wanted = endpoint.referenceVersion;
      }
      const doc = await ctx.c.references.findOne({ endpointId: id, version: wanted });
      return doc ? referenceFromDoc(doc) : null;
    },

    async listReferenceVersions(
      endpointId: string,
    ): Promise<Array<Pick<ReferenceRecord, 'version' | 'createdAt' | 'rowCount'>>> {
      const docs = await ctx.c.references
        .find(
          { endpointId: plainString(endpointId, 'endpoint id') },
          { projection: { version: 1, createdAt: 1, rowCount: 1 } },
        )
        .sort({ version: 1 })
        .toArray();
      return docs.map((d) => ({ version: d.version, createdAt: d.createdAt, rowCount: d.rowCount }));
    },
  };
}

/** Configuration documents (monitors, jobs, alert rules...): one Mongo document each, versioned for compare-and-set. */
import type { DocumentStore, StoredDocument } from '../types';
import type { DocumentDoc, MongoContext } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import { isDuplicateKey, plainNumber, plainString, plainStrings, validDate } from './codec';
import { assertDocumentFits } from './documentSize';

const fromDoc = (d: DocumentDoc): StoredDocument => ({
  kind: d.kind,
  id: d.id,
  project: d.project,
  version: d.version,
  updatedAt: d.updatedAt,
  // JSON text, not BSON: bodies hold user strings that may look like operators or dotted paths.
  body: fromJsonText(d.body),
});

export function mongoDocuments(ctx: MongoContext): DocumentStore {
  return {
    async getDocument(kind: string, id: string): Promise<StoredDocument | null> {
      const doc = await ctx.c.documents.findOne({
        kind: plainString(kind, 'kind'),
        id: plainString(id, 'id'),
      });
      return doc ? fromDoc(doc) : null;
    },

    async listDocuments(kind: string, filter: { projects?: string[] }): Promise<StoredDocument[]> {
      const query = filter.projects
        ? { kind: plainString(kind, 'kind'), project: { $in: plainStrings(filter.projects, 'projects') } }
        : { kind: plainString(kind, 'kind') };
      return (await ctx.c.documents.find(query).sort({ id: 1 }).toArray()).map(fromDoc);
    },

    async putDocument(
      doc: { kind: string; id: string; project: string; body: unknown },
      expectedVersion: number,
      now: Date,
    ): Promise<number | null> {
      const kind = plainString(doc.kind, 'kind');
      const id = plainString(doc.id, 'id');
      const project = plainString(doc.project, 'project');
      const body = toJsonText(doc.body);
      const updatedAt = validDate(now, 'now');
      assertDocumentFits({ kind, id, project, body }, `the ${kind} document`);
      if (plainNumber(expectedVersion, 'expectedVersion') === 0) {
        try {
          await ctx.c.documents.insertOne({ kind, id, project, version: 1, updatedAt, body });
          return 1;
        } catch (error) {
          if (isDuplicateKey(error)) return null;
          throw error;
        }
      }
      const result = await ctx.c.documents.updateOne(
        { kind, id, version: expectedVersion },
        { $set: { project, updatedAt, body }, $inc: { version: 1 } },
      );
      return result.modifiedCount === 1 ? expectedVersion + 1 : null;
    },

    async deleteDocument(kind: string, id: string): Promise<boolean> {
      const result = await ctx.c.documents.deleteOne({
        kind: plainString(kind, 'kind'),
        id: plainString(id, 'id'),
      });
      return result.deletedCount === 1;
    },
  };
}

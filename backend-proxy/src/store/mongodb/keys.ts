/** API keys: only the sha256 of a secret is stored. */
import type { ApiKeyRecord, KeyStore } from '../types';
import type { ApiKeyDoc, MongoContext } from './collections';
import { plainString, plainStrings, validDate } from './codec';

const keyFromDoc = (d: ApiKeyDoc): ApiKeyRecord => ({
  id: d.id,
  name: d.name,
  hash: d.hash,
  scopes: [...d.scopes],
  projects: d.projects === null ? null : [...d.projects],
  createdAt: d.createdAt,
  revokedAt: d.revokedAt,
});

export function mongoKeys(ctx: MongoContext): KeyStore {
  return {
    async insertKey(key: ApiKeyRecord): Promise<void> {
      await ctx.c.apiKeys.insertOne({
        id: plainString(key.id, 'key id'),
        name: plainString(key.name, 'key name'),
        hash: plainString(key.hash, 'key hash'),
        scopes: plainStrings(key.scopes, 'scopes') as ApiKeyDoc['scopes'],
        projects: key.projects === null ? null : plainStrings(key.projects, 'projects'),
        createdAt: validDate(key.createdAt, 'createdAt'),
        revokedAt: key.revokedAt === null ? null : validDate(key.revokedAt, 'revokedAt'),
      });
    },

    async findKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
      const doc = await ctx.c.apiKeys.findOne({ hash: plainString(hash, 'key hash') });
      return doc ? keyFromDoc(doc) : null;
    },

    async listKeys(): Promise<ApiKeyRecord[]> {
      const docs = await ctx.c.apiKeys.find({}).sort({ createdAt: 1, id: 1 }).toArray();
      return docs.map(keyFromDoc);
    },

    /** True when this call revoked the key; a second revoke keeps the first time and answers false. */
    async revokeKey(id: string, now: Date): Promise<boolean> {
      const result = await ctx.c.apiKeys.updateOne(
        { id: plainString(id, 'key id'), revokedAt: null },
        { $set: { revokedAt: validDate(now, 'now') } },
      );
      return result.modifiedCount > 0;
    },

    async countActiveKeys(): Promise<number> {
      return ctx.c.apiKeys.countDocuments({ revokedAt: null });
    },
  };
}

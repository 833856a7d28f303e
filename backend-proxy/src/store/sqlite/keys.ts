import type { ApiKeyRecord, KeyStore, Scope } from '../types';
import { fromJsonText } from '../jsonText';
import { toDate, type SqliteContext } from './context';

interface KeyRow {
  id: string;
  name: string;
  hash: string;
  scopes: string;
  projects: string | null;
  created_at: number;
  revoked_at: number | null;
}

const keyFromRow = (r: KeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  hash: r.hash,
  scopes: fromJsonText<Scope[]>(r.scopes),
  projects: fromJsonText<string[] | null>(r.projects),
  createdAt: new Date(r.created_at),
  revokedAt: toDate(r.revoked_at),
});

export function sqliteKeys({ db }: SqliteContext): KeyStore {
  return {
    async insertKey(key) {
      db.prepare(
        'INSERT INTO api_keys (id, name, hash, scopes, projects, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        key.id,
        key.name,
        key.hash,
        JSON.stringify(key.scopes),
        key.projects === null ? null : JSON.stringify(key.projects),
        key.createdAt.getTime(),
        key.revokedAt?.getTime() ?? null,
      );
    },
    async findKeyByHash(hash) {
      const row = db.prepare('SELECT * FROM api_keys WHERE hash = ?').get(hash) as KeyRow | undefined;
      return row ? keyFromRow(row) : null;
    },
    async listKeys() {
      return (db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as KeyRow[]).map(keyFromRow);
    },
    async revokeKey(id, now) {
      return (
        db
          .prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
          .run(now.getTime(), id).changes > 0
      );
    },
    async countActiveKeys() {
      return (
        db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL').get() as { n: number }
      ).n;
    },
  };
}

import type { DocumentStore, StoredDocument } from '../types';
import { placeholders, type SqliteContext } from './context';

interface DocumentRow {
  kind: string;
  id: string;
  project: string;
  version: number;
  updated_at: number;
  body: string;
}

const fromRow = (r: DocumentRow): StoredDocument => ({
  kind: r.kind,
  id: r.id,
  project: r.project,
  version: r.version,
  updatedAt: new Date(r.updated_at),
  body: JSON.parse(r.body) as unknown,
});

export function sqliteDocuments({ db }: SqliteContext): DocumentStore {
  return {
    async getDocument(kind, id) {
      const row = db.prepare('SELECT * FROM documents WHERE kind = ? AND id = ?').get(kind, id) as
        DocumentRow | undefined;
      return row ? fromRow(row) : null;
    },
    async listDocuments(kind, filter) {
      const where = filter.projects ? ` AND project IN (${placeholders(filter.projects.length)})` : '';
      const rows = db
        .prepare(`SELECT * FROM documents WHERE kind = ?${where} ORDER BY id`)
        .all(kind, ...(filter.projects ?? [])) as DocumentRow[];
      return rows.map(fromRow);
    },
    async putDocument(doc, expectedVersion, now) {
      const body = JSON.stringify(doc.body);
      const changes =
        expectedVersion === 0
          ? db
              .prepare(
                'INSERT OR IGNORE INTO documents (kind, id, project, version, updated_at, body) VALUES (?, ?, ?, 1, ?, ?)',
              )
              .run(doc.kind, doc.id, doc.project, now.getTime(), body).changes
          : db
              .prepare(
                'UPDATE documents SET version = version + 1, project = ?, updated_at = ?, body = ? WHERE kind = ? AND id = ? AND version = ?',
              )
              .run(doc.project, now.getTime(), body, doc.kind, doc.id, expectedVersion).changes;
      return changes > 0 ? expectedVersion + 1 : null;
    },
    async deleteDocument(kind, id) {
      return db.prepare('DELETE FROM documents WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
    },
  };
}

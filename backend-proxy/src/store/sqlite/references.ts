import type { ReferenceRecord, ReferenceStore } from '../types';
import { fromJsonText } from '../jsonText';
import type { SqliteContext } from './context';

interface ReferenceRow {
  endpoint_id: string;
  version: number;
  created_at: number;
  row_count: number;
  statistics: string;
}

export function sqliteReferences({ db }: SqliteContext): ReferenceStore {
  const put = db.transaction(
    (endpointId: string, rowCount: number, statistics: unknown, now: number): ReferenceRecord => {
      const { next } = db
        .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM reference_versions WHERE endpoint_id = ?')
        .get(endpointId) as { next: number };
      db.prepare(
        'INSERT INTO reference_versions (endpoint_id, version, created_at, row_count, statistics) VALUES (?, ?, ?, ?, ?)',
      ).run(endpointId, next, now, rowCount, JSON.stringify(statistics));
      db.prepare('UPDATE endpoints SET reference_version = ? WHERE id = ?').run(next, endpointId);
      return { endpointId, version: next, createdAt: new Date(now), rowCount, statistics };
    },
  );

  return {
    async putReference(endpointId, rowCount, statistics, now) {
      return put(endpointId, rowCount, statistics, now.getTime());
    },
    async getReference(endpointId, version) {
      const row = (
        version === undefined
          ? db
              .prepare(
                `SELECT r.* FROM reference_versions r JOIN endpoints e ON e.id = r.endpoint_id AND e.reference_version = r.version
                 WHERE r.endpoint_id = ?`,
              )
              .get(endpointId)
          : db
              .prepare('SELECT * FROM reference_versions WHERE endpoint_id = ? AND version = ?')
              .get(endpointId, version)
      ) as ReferenceRow | undefined;
      return row
        ? {
            endpointId: row.endpoint_id,
            version: row.version,
            createdAt: new Date(row.created_at),
            rowCount: row.row_count,
            statistics: fromJsonText<unknown>(row.statistics),
          }
        : null;
    },
    async listReferenceVersions(endpointId) {
      const rows = db
        .prepare(
          'SELECT version, created_at, row_count FROM reference_versions WHERE endpoint_id = ? ORDER BY version',
        )
        .all(endpointId) as Array<Pick<ReferenceRow, 'version' | 'created_at' | 'row_count'>>;
      return rows.map((r) => ({
        version: r.version,
        createdAt: new Date(r.created_at),
        rowCount: r.row_count,
      }));
    },
  };
}

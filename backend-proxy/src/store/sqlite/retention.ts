import type { RetentionStore } from '../types';
import type { SqliteContext } from './context';

export function sqliteRetention({ db }: SqliteContext): RetentionStore {
  const prune = db.transaction(
    (now: number, samplesBefore: number, maxPerEndpoint: number, batchesBefore: number): number => {
      let removed = db.prepare('DELETE FROM samples WHERE time < ?').run(samplesBefore).changes;
      removed += db
        .prepare(
          `DELETE FROM samples WHERE id IN (SELECT id FROM (
           SELECT id, ROW_NUMBER() OVER (PARTITION BY endpoint_id ORDER BY time DESC, id DESC) AS rank FROM samples
         ) WHERE rank > ?)`,
        )
        .run(maxPerEndpoint).changes;
      removed += db.prepare('DELETE FROM prediction_keys WHERE expires_at <= ?').run(now).changes;
      removed += db.prepare('DELETE FROM pending_labels WHERE expires_at <= ?').run(now).changes;
      removed += db.prepare('DELETE FROM ingest_batches WHERE created_at < ?').run(batchesBefore).changes;
      removed += db.prepare('DELETE FROM tracking_batches WHERE created_at < ?').run(batchesBefore).changes;
      return removed;
    },
  );
  return {
    async pruneExpired(now, retention) {
      return prune(
        now.getTime(),
        retention.samplesBefore.getTime(),
        retention.maxSamplesPerEndpoint,
        retention.batchesBefore.getTime(),
      );
    },
  };
}

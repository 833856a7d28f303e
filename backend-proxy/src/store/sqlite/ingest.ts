import type { BatchOutcome, IngestCommit, IngestStore } from '../types';
import { toJsonText } from '../jsonText';
import type { SqliteContext } from './context';
import { insertEndpointIfAbsentSync } from './endpoints';

export function sqliteIngest(ctx: SqliteContext): IngestStore {
  const { db, aggregates } = ctx;
  const insertSample = db.prepare(
    'INSERT INTO samples (endpoint_id, time, request_id, features, prediction, latency_us, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const upsertPredictionKey = db.prepare(
    'INSERT OR REPLACE INTO prediction_keys (request_id, endpoint_id, time, reference_version, prediction, expires_at, labelled_at, segments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const updateActivity = db.prepare(
    `UPDATE endpoints SET prediction_count = prediction_count + ?, error_count = error_count + ?,
       first_request = MIN(COALESCE(first_request, ?), ?), last_request = MAX(COALESCE(last_request, ?), ?) WHERE id = ?`,
  );
  const selectBatch = db.prepare('SELECT receipt FROM ingest_batches WHERE batch_id = ?');
  const insertBatch = db.prepare(
    'INSERT INTO ingest_batches (batch_id, receipt, created_at) VALUES (?, ?, ?)',
  );

  /** Everything of a batch but its aggregates (the group writes those together). */
  const commitSync = (c: IngestCommit): BatchOutcome => {
    if (c.batchId !== null) {
      const seen = selectBatch.get(c.batchId) as { receipt: string } | undefined;
      if (seen) return { applied: false, receipt: JSON.parse(seen.receipt) };
      insertBatch.run(c.batchId, toJsonText(c.receipt), c.now.getTime());
    }
    for (const endpoint of c.newEndpoints) insertEndpointIfAbsentSync(ctx, endpoint);
    for (const a of c.activity) {
      const first = a.firstRequest.getTime();
      const last = a.lastRequest.getTime();
      updateActivity.run(a.predictions, a.errors, first, first, last, last, a.endpointId);
    }
    for (const s of c.samples) {
      // SQLite would store NaN as NULL; refuse it so the whole commit rolls back.
      if (!Number.isFinite(s.time.getTime()))
        throw new RangeError(`sample of ${s.endpointId} has an invalid time`);
      insertSample.run(
        s.endpointId,
        s.time.getTime(),
        s.requestId,
        toJsonText(s.features),
        toJsonText(s.prediction),
        s.latencyUs,
        s.error,
      );
    }
    for (const k of c.predictionKeys) {
      upsertPredictionKey.run(
        k.requestId,
        k.endpointId,
        k.time.getTime(),
        k.referenceVersion,
        toJsonText(k.prediction),
        k.expiresAt.getTime(),
        k.labelledAt?.getTime() ?? null,
        k.segments?.length ? toJsonText(k.segments) : null,
      );
    }
    return { applied: true };
  };
  // Replayed batches add nothing; the applied ones' aggregates are written in one pass, so a
  // record the group's batches share (an hour, a day) is encoded and written once.
  const commitGroup = aggregates.guarded((commits: IngestCommit[]): BatchOutcome[] => {
    const outcomes = commits.map(commitSync);
    aggregates.applySync(commits.flatMap((c, i) => (outcomes[i].applied ? c.aggregates : [])));
    return outcomes;
  });

  return {
    async commitIngest(c) {
      return commitGroup([c])[0];
    },
    async commitIngestGroup(commits) {
      return commitGroup(commits);
    },
  };
}

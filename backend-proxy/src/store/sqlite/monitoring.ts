import type {
  AggregateDelta,
  AggregateRecord,
  Counters,
  IngestCommit,
  BatchOutcome,
  MonitoringStore,
  PendingLabelRecord,
  PredictionKeyRecord,
  Resolution,
  SampleRecord,
} from '../types';
import { decodeCounters, encodeCounters, type CounterMaps } from '../aggregateCodec';
import { chunked } from '../chunked';
import { sqliteCounterNames } from './counterNames';
import { fromJson, placeholders, toJson, type SqliteContext } from './context';
import { insertEndpointIfAbsentSync } from './endpoints';

interface AggregateRow {
  endpoint_id: string;
  family: string;
  resolution: Resolution;
  start: number;
  reference_version: number;
  counters: Uint8Array;
}
interface SampleRow {
  endpoint_id: string;
  time: number;
  request_id: string | null;
  features: string;
  prediction: string | null;
  latency_us: number | null;
  error: string | null;
}
interface PredictionKeyRow {
  request_id: string;
  endpoint_id: string;
  time: number;
  reference_version: number;
  prediction: string | null;
  expires_at: number;
  labelled_at: number | null;
}
interface PendingLabelRow {
  request_id: string;
  endpoint_id: string | null;
  label: string | null;
  received_at: number;
  expires_at: number;
}

const addInto = (target: Counters, delta: Counters): void => {
  for (const name in delta) target[name] = (target[name] ?? 0) + delta[name];
};
const extremeInto = (target: Counters, delta: Counters, pick: (a: number, b: number) => number): void => {
  for (const name in delta) target[name] = name in target ? pick(target[name], delta[name]) : delta[name];
};

// SQLite allows at most 32766 bound parameters; chunk IN lists well below that.
const IN_LIST = 500;
const chunks = <T>(items: T[]): T[][] => chunked(items, IN_LIST);

export function sqliteMonitoring(ctx: SqliteContext): MonitoringStore {
  const { db } = ctx;
  const counterNames = sqliteCounterNames(db);
  const names = counterNames.names;
  const selectAggregate = db.prepare(
    'SELECT counters FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start = ? AND reference_version = ?',
  );
  const upsertAggregate = db.prepare(
    `INSERT INTO aggregates (endpoint_id, family, resolution, start, reference_version, counters) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (endpoint_id, family, resolution, start, reference_version) DO UPDATE SET counters = excluded.counters`,
  );
  const aggregatesSql =
    'SELECT * FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start >= ? AND start < ?';
  const selectAggregates = db.prepare(`${aggregatesSql} ORDER BY start, reference_version`);
  const selectAggregatesOfVersion = db.prepare(
    `${aggregatesSql} AND reference_version = ? ORDER BY start, reference_version`,
  );
  const insertSample = db.prepare(
    'INSERT INTO samples (endpoint_id, time, request_id, features, prediction, latency_us, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const upsertPredictionKey = db.prepare(
    'INSERT OR REPLACE INTO prediction_keys (request_id, endpoint_id, time, reference_version, prediction, expires_at, labelled_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const updateActivity = db.prepare(
    `UPDATE endpoints SET prediction_count = prediction_count + ?, error_count = error_count + ?,
       first_request = MIN(COALESCE(first_request, ?), ?), last_request = MAX(COALESCE(last_request, ?), ?) WHERE id = ?`,
  );

  // Recently written aggregates, decoded: consecutive batches mostly touch the same minute, hour and
  // day, so this spares a decode per record per batch. The embedded store has one writer (the
  // proxy process that opened it); the cache is dropped whenever a transaction fails.
  const hot = new Map<string, CounterMaps>();
  const HOT_LIMIT = 2_000;

  const applyAggregatesSync = (deltas: AggregateDelta[]): void => {
    for (const { key, add, min, max } of deltas) {
      const id = `${key.endpointId}|${key.family}|${key.resolution}|${key.start}|${key.referenceVersion}`;
      let record = hot.get(id);
      if (record) {
        hot.delete(id);
      } else {
        const row = selectAggregate.get(
          key.endpointId,
          key.family,
          key.resolution,
          key.start,
          key.referenceVersion,
        ) as Pick<AggregateRow, 'counters'> | undefined;
        record = row ? decodeCounters(row.counters, names) : { sums: {}, min: {}, max: {} };
      }
      addInto(record.sums, add);
      extremeInto(record.min, min, Math.min);
      extremeInto(record.max, max, Math.max);
      upsertAggregate.run(
        key.endpointId,
        key.family,
        key.resolution,
        key.start,
        key.referenceVersion,
        encodeCounters(record, names),
      );
      hot.set(id, record);
      if (hot.size > HOT_LIMIT) hot.delete(hot.keys().next().value as string);
    }
  };
  /**
   * Runs a write transaction; on failure the cached records may hold rolled-back sums and the
   * dictionary rolled-back names, so drop the one and reload the other.
   */
  const guarded = <A extends unknown[], R>(work: (...args: A) => R) => {
    const transaction = db.transaction(work);
    return (...args: A): R => {
      try {
        return transaction(...args);
      } catch (err) {
        hot.clear();
        counterNames.invalidate();
        throw err;
      }
    };
  };
  const applyAggregatesTransaction = guarded(applyAggregatesSync);

  const selectBatch = db.prepare('SELECT receipt FROM ingest_batches WHERE batch_id = ?');
  const insertBatch = db.prepare(
    'INSERT INTO ingest_batches (batch_id, receipt, created_at) VALUES (?, ?, ?)',
  );
  const commitSync = (c: IngestCommit): BatchOutcome => {
    if (c.batchId !== null) {
      const seen = selectBatch.get(c.batchId) as { receipt: string } | undefined;
      if (seen) return { applied: false, receipt: JSON.parse(seen.receipt) };
      insertBatch.run(c.batchId, toJson(c.receipt), c.now.getTime());
    }
    for (const endpoint of c.newEndpoints) insertEndpointIfAbsentSync(ctx, endpoint);
    for (const a of c.activity) {
      const first = a.firstRequest.getTime();
      const last = a.lastRequest.getTime();
      updateActivity.run(a.predictions, a.errors, first, first, last, last, a.endpointId);
    }
    applyAggregatesSync(c.aggregates);
    for (const s of c.samples) {
      // SQLite would store NaN as NULL; refuse it so the whole commit rolls back.
      if (!Number.isFinite(s.time.getTime()))
        throw new RangeError(`sample of ${s.endpointId} has an invalid time`);
      insertSample.run(
        s.endpointId,
        s.time.getTime(),
        s.requestId,
        toJson(s.features),
        toJson(s.prediction),
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
        toJson(k.prediction),
        k.expiresAt.getTime(),
        k.labelledAt?.getTime() ?? null,
      );
    }
    return { applied: true };
  };
  const commit = guarded(commitSync);
  const commitGroup = guarded((commits: IngestCommit[]): BatchOutcome[] => commits.map(commitSync));

  const markLabelled = db.transaction((requestIds: string[], at: number): string[] => {
    const marked: string[] = [];
    for (const ids of chunks(requestIds)) {
      const rows = db
        .prepare(
          `UPDATE prediction_keys SET labelled_at = ? WHERE labelled_at IS NULL AND request_id IN (${placeholders(ids.length)}) RETURNING request_id`,
        )
        .all(at, ...ids) as { request_id: string }[];
      marked.push(...rows.map((r) => r.request_id));
    }
    return marked;
  });

  const claim = db.transaction((requestIds: string[]): PendingLabelRecord[] => {
    const claimed: PendingLabelRecord[] = [];
    for (const ids of chunks(requestIds)) {
      const rows = db
        .prepare(`DELETE FROM pending_labels WHERE request_id IN (${placeholders(ids.length)}) RETURNING *`)
        .all(...ids) as PendingLabelRow[];
      for (const r of rows) {
        claimed.push({
          requestId: r.request_id,
          endpointId: r.endpoint_id,
          label: fromJson<unknown>(r.label),
          receivedAt: new Date(r.received_at),
          expiresAt: new Date(r.expires_at),
        });
      }
    }
    return claimed;
  });

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
    async commitIngest(c) {
      return commit(c);
    },
    async commitIngestGroup(commits) {
      return commitGroup(commits);
    },
    async applyAggregates(deltas) {
      applyAggregatesTransaction(deltas);
    },
    async listAggregates(q) {
      const params: Array<string | number> = [q.endpointId, q.family, q.resolution, q.from, q.to];
      if (q.referenceVersion !== undefined) params.push(q.referenceVersion);
      // Dashboards call this hundreds of times per query: prepared once, not per call.
      const rows = (q.referenceVersion === undefined ? selectAggregates : selectAggregatesOfVersion).all(
        ...params,
      ) as AggregateRow[];
      return rows.map((r): AggregateRecord => ({
        key: {
          endpointId: r.endpoint_id,
          family: r.family,
          resolution: r.resolution,
          start: r.start,
          referenceVersion: r.reference_version,
        },
        ...decodeCounters(r.counters, names),
      }));
    },
    async aggregateExtent(endpointId, resolution) {
      const row = db
        .prepare(
          'SELECT MIN(start) AS first, MAX(start) AS last FROM aggregates WHERE endpoint_id = ? AND resolution = ?',
        )
        .get(endpointId, resolution) as { first: number | null; last: number | null };
      return row.first === null || row.last === null ? null : { first: row.first, last: row.last };
    },
    async listSamples(endpointId, from, to, limit) {
      const rows = db
        .prepare(
          'SELECT * FROM samples WHERE endpoint_id = ? AND time >= ? AND time < ? ORDER BY time, id LIMIT ?',
        )
        .all(endpointId, from.getTime(), to.getTime(), limit) as SampleRow[];
      return rows.map((r): SampleRecord => ({
        endpointId: r.endpoint_id,
        time: new Date(r.time),
        requestId: r.request_id,
        features: fromJson<Record<string, unknown>>(r.features),
        prediction: fromJson<unknown>(r.prediction),
        latencyUs: r.latency_us,
        error: r.error,
      }));
    },
    async findPredictionKeys(requestIds) {
      const found: PredictionKeyRecord[] = [];
      for (const ids of chunks(requestIds)) {
        const rows = db
          .prepare(`SELECT * FROM prediction_keys WHERE request_id IN (${placeholders(ids.length)})`)
          .all(...ids) as PredictionKeyRow[];
        for (const r of rows) {
          found.push({
            requestId: r.request_id,
            endpointId: r.endpoint_id,
            time: new Date(r.time),
            referenceVersion: r.reference_version,
            prediction: fromJson<unknown>(r.prediction),
            expiresAt: new Date(r.expires_at),
            labelledAt: r.labelled_at === null ? null : new Date(r.labelled_at),
          });
        }
      }
      return found;
    },
    async markPredictionKeysLabelled(requestIds, at) {
      return markLabelled(requestIds, at.getTime());
    },
    async insertPendingLabels(labels) {
      const insert = db.prepare(
        'INSERT INTO pending_labels (request_id, endpoint_id, label, received_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      );
      db.transaction(() => {
        for (const l of labels) {
          insert.run(
            l.requestId,
            l.endpointId,
            toJson(l.label),
            l.receivedAt.getTime(),
            l.expiresAt.getTime(),
          );
        }
      })();
    },
    async claimPendingLabels(requestIds) {
      return claim(requestIds);
    },
    async pruneExpired(now, retention) {
      return prune(
        now.getTime(),
        retention.samplesBefore.getTime(),
        retention.maxSamplesPerEndpoint,
        retention.batchesBefore.getTime(),
      );
    },
    async pruneAggregates(resolution, before) {
      hot.clear();
      return db.prepare('DELETE FROM aggregates WHERE resolution = ? AND start < ?').run(resolution, before)
        .changes;
    },
  };
}

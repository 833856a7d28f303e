import type Database from 'better-sqlite3';
import type {
  AggregateDelta,
  AggregateRecord,
  AggregateStore,
  CounterLayout,
  Counters,
  Resolution,
} from '../types';
import { decodeSparse, encodeSparse, namedRecord } from '../aggregateCodec';
import { CounterTotals } from '../counterTotals';
import {
  emptySparseRecord,
  mergeSparseRecord,
  SparseScratch,
  sparseRecordOf,
  type SparseRecord,
} from '../sparseCounters';
import { layoutIds, WritableRecord, type LayoutIds } from '../writableRecord';
import { sqliteAggregateBlocks } from './aggregateBlocks';
import { sqliteCounterNames } from './counterNames';
import type { AggregateWriter, SqliteContext } from './context';

interface AggregateRow {
  endpoint_id: string;
  family: string;
  resolution: Resolution;
  start: number;
  reference_version: number;
  counters: Uint8Array;
}

/** Whether a named map holds any counter (without listing its names). */
function hasCounters(counters: Counters): boolean {
  for (const _ in counters) return true;
  return false;
}

export function sqliteAggregateWriter(db: Database.Database): AggregateWriter {
  const counterNames = sqliteCounterNames(db);
  const names = counterNames.names;
  const selectAggregate = db.prepare(
    'SELECT counters FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start = ? AND reference_version = ?',
  );
  const upsertAggregate = db.prepare(
    `INSERT INTO aggregates (endpoint_id, family, resolution, start, reference_version, counters) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (endpoint_id, family, resolution, start, reference_version) DO UPDATE SET counters = excluded.counters`,
  );

  // Recently written aggregates, decoded to id space: consecutive batches mostly touch the same
  // minute, hour and day, so this spares a decode per record per batch, and merging by id spares
  // building named maps. The embedded store has one writer (the proxy process that opened it); the
  // cache, like the layouts' ids, is dropped whenever a transaction fails.
  const hot = new Map<string, WritableRecord>();
  const HOT_LIMIT = 2_000;
  // Each record is encoded right after it is put together: one buffer serves them all.
  const scratch = new SparseScratch();
  let layouts = new WeakMap<CounterLayout, LayoutIds>();
  const idsOf = (layout: CounterLayout): LayoutIds => {
    let ids = layouts.get(layout);
    if (!ids) {
      ids = layoutIds(layout, names);
      layouts.set(layout, ids);
    }
    return ids;
  };
  const forget = (): void => {
    hot.clear();
    layouts = new WeakMap();
  };
  const stored = (key: AggregateDelta['key']): SparseRecord => {
    const row = selectAggregate.get(
      key.endpointId,
      key.family,
      key.resolution,
      key.start,
      key.referenceVersion,
    ) as Pick<AggregateRow, 'counters'> | undefined;
    return row ? decodeSparse(row.counters) : emptySparseRecord();
  };

  return {
    names,
    applySync(deltas) {
      // A group commit's batches share hours and days (and boundary minutes): every record is
      // merged in memory first and then encoded and written once.
      const touched = new Map<string, { key: AggregateDelta['key']; record: WritableRecord }>();
      for (const delta of deltas) {
        const { key, vector } = delta;
        const id = `${key.endpointId}|${key.family}|${key.resolution}|${key.start}|${key.referenceVersion}`;
        let entry = touched.get(id);
        if (!entry) {
          entry = { key, record: hot.get(id) ?? new WritableRecord(stored(key)) };
          hot.delete(id);
          touched.set(id, entry);
        }
        if (vector) entry.record.addVector(vector, idsOf(vector.layout));
        // Ingest's deltas mostly carry only a vector: no named counters to put in id space.
        if (hasCounters(delta.add) || hasCounters(delta.min) || hasCounters(delta.max))
          entry.record.addNamed(sparseRecordOf({ sums: delta.add, min: delta.min, max: delta.max }, names));
      }
      for (const [id, { key, record }] of touched) {
        upsertAggregate.run(
          key.endpointId,
          key.family,
          key.resolution,
          key.start,
          key.referenceVersion,
          encodeSparse(record.sparse(scratch)),
        );
        hot.set(id, record);
        if (hot.size > HOT_LIMIT) hot.delete(hot.keys().next().value as string);
      }
    },
    guarded<A extends unknown[], R>(work: (...args: A) => R) {
      const transaction = db.transaction(work);
      return (...args: A): R => {
        try {
          return transaction(...args);
        } catch (err) {
          forget();
          counterNames.invalidate();
          throw err;
        }
      };
    },
    forget,
  };
}

export function sqliteAggregates(ctx: SqliteContext): AggregateStore {
  const { db, aggregates, log } = ctx;
  const blocks = sqliteAggregateBlocks(db, aggregates.forget);
  const aggregatesSql =
    'SELECT * FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start >= ? AND start < ?';
  const selectAggregates = db.prepare(`${aggregatesSql} ORDER BY start, reference_version`);
  const selectAggregatesOfVersion = db.prepare(
    `${aggregatesSql} AND reference_version = ? ORDER BY start, reference_version`,
  );
  const countersSql =
    'SELECT counters FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start >= ? AND start < ?';
  const selectCounters = db.prepare(countersSql);
  const selectCountersOfVersion = db.prepare(`${countersSql} AND reference_version = ?`);
  // json_each numbers the series, so each row comes back with the index of the total it adds to.
  const seriesCountersSql =
    'SELECT s.key, a.counters FROM json_each(?) s JOIN aggregates a ON a.endpoint_id = s.value WHERE a.family = ? AND a.resolution = ? AND a.start >= ? AND a.start < ?';
  const selectSeriesCounters = db.prepare(seriesCountersSql).raw();
  const selectSeriesCountersOfVersion = db.prepare(`${seriesCountersSql} AND a.reference_version = ?`).raw();
  const applyAggregatesTransaction = aggregates.guarded((deltas: AggregateDelta[]) =>
    aggregates.applySync(deltas),
  );
  const selectExtent = db.prepare(
    'SELECT MIN(start) AS first, MAX(start) AS last FROM aggregates WHERE endpoint_id = ? AND resolution = ?',
  );
  const pruneTransaction = db.transaction((resolution: Resolution, before: number): number => {
    aggregates.forget();
    const rows = db
      .prepare('DELETE FROM aggregates WHERE resolution = ? AND start < ?')
      .run(resolution, before);
    return rows.changes + blocks.prune(resolution, before);
  });

  return {
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
      // Sealed and live records by start and version (a late write after sealing has both).
      const merged = new Map<string, { key: AggregateRecord['key']; sparse: SparseRecord }>();
      const add = (start: number, referenceVersion: number, counters: Uint8Array): void => {
        const id = `${start}|${referenceVersion}`;
        const sparse = decodeSparse(counters);
        const seen = merged.get(id);
        if (seen) seen.sparse = mergeSparseRecord(seen.sparse, sparse);
        else
          merged.set(id, {
            key: {
              endpointId: q.endpointId,
              family: q.family,
              resolution: q.resolution,
              start,
              referenceVersion,
            },
            sparse,
          });
      };
      for (const r of blocks.records(q)) add(r.start, r.referenceVersion, r.counters);
      for (const r of rows) add(r.start, r.reference_version, r.counters);
      return [...merged.values()]
        .sort((a, b) => a.key.start - b.key.start || a.key.referenceVersion - b.key.referenceVersion)
        .map((r): AggregateRecord => ({ key: r.key, ...namedRecord(r.sparse, aggregates.names) }));
    },
    async sumAggregates(queries) {
      const totals = new CounterTotals();
      for (const q of queries) {
        const params: Array<string | number> = [q.endpointId, q.family, q.resolution, q.from, q.to];
        if (q.referenceVersion !== undefined) params.push(q.referenceVersion);
        const rows = (q.referenceVersion === undefined ? selectCounters : selectCountersOfVersion).all(
          ...params,
        ) as Pick<AggregateRow, 'counters'>[];
        for (const row of rows) totals.addEncoded(row.counters);
        for (const r of blocks.records(q)) totals.addEncoded(r.counters);
      }
      return totals.named(aggregates.names);
    },
    async sumAggregatesOfEach(endpointIds, ranges) {
      const totals = endpointIds.map(() => new CounterTotals());
      const series = JSON.stringify(endpointIds);
      for (const r of ranges) {
        const params: Array<string | number> = [series, r.family, r.resolution, r.from, r.to];
        if (r.referenceVersion !== undefined) params.push(r.referenceVersion);
        const rows = (
          r.referenceVersion === undefined ? selectSeriesCounters : selectSeriesCountersOfVersion
        ).all(...params) as Array<[number, Uint8Array]>;
        for (const [index, counters] of rows) totals[index].addEncoded(counters);
        blocks.visitRecordsOfEach(series, r, (index, counters) => totals[index].addEncoded(counters));
      }
      return totals.map((t) => t.named(aggregates.names));
    },
    async aggregateExtent(endpointId, resolution) {
      const row = selectExtent.get(endpointId, resolution) as { first: number | null; last: number | null };
      const live = row.first === null || row.last === null ? null : { first: row.first, last: row.last };
      const sealed = blocks.extent(endpointId, resolution);
      if (!live || !sealed) return live ?? sealed;
      return { first: Math.min(live.first, sealed.first), last: Math.max(live.last, sealed.last) };
    },
    async pruneAggregates(resolution, before) {
      return pruneTransaction(resolution, before);
    },
    /** Seals closed minutes and hours into blocks (aggregateBlocks.ts). */
    async compactAggregates(before) {
      return blocks.seal(before, log);
    },
  };
}

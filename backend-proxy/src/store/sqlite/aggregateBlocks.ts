/**
 * Sealed aggregate blocks of the embedded store (store/aggregateBlock.ts). Ingest writes one row
 * per record in `aggregates`; once a record is over, sealing moves it into its block (an hour of
 * minutes, a day of hours), one `aggregate_blocks` row per series and block, merged with what the
 * block already holds (a late write after sealing lands in `aggregates` again and is sealed next
 * time; an open block gains its later records at later compactions).
 * Reads take both tables, so values read the same before, during and after sealing. Day records
 * stay rows: there are few of them.
 */
import type Database from 'better-sqlite3';
import { BLOCK_SPAN_MS, decodeBlock, encodeBlock, type BlockRecord } from '../aggregateBlock';
import { decodeSparse, encodeSparse } from '../aggregateCodec';
import { mergeSparseRecord } from '../sparseCounters';
import {
  RESOLUTION_MS,
  type AggregateQuery,
  type AggregateRange,
  type Resolution,
  type StoreLog,
} from '../types';

/** One record read from a block, with the reference version of its series. */
export interface SealedRecord extends BlockRecord {
  referenceVersion: number;
}

interface BlockRow {
  endpoint_id: string;
  family: string;
  resolution: Resolution;
  start: number;
  reference_version: number;
  records: number;
  counters: Uint8Array;
}

type BlockSeries = Pick<BlockRow, 'endpoint_id' | 'family' | 'resolution' | 'reference_version'> & {
  block: number;
};

/**
 * Records that started before this are over by `before` and are sealed, into open blocks too
 * (the hours of today, the minutes of this hour): windows ending now read them as one block per
 * series instead of a row each. Ingest keeps writing the open minute and hour as rows.
 */
const closedBefore = (resolution: keyof typeof BLOCK_SPAN_MS, before: number): number =>
  before - RESOLUTION_MS[resolution] + 1;
const SEALED = Object.keys(BLOCK_SPAN_MS) as Array<keyof typeof BLOCK_SPAN_MS>;
const isSealed = (r: Resolution): r is keyof typeof BLOCK_SPAN_MS => r in BLOCK_SPAN_MS;
/** Blocks sealed per transaction: a few hundred KB of rows, so writers wait milliseconds. */
export const SEAL_BATCH = 200;

export interface SqliteBlocks {
  /** Records of the query's series in blocks, with starts in [from, to), ascending. */
  records(q: AggregateQuery): SealedRecord[];
  /**
   * Every sealed record of the range for several series at once (`series`: a JSON array of
   * endpoint ids), each handed to `visit` with the index of its series.
   */
  visitRecordsOfEach(
    series: string,
    range: AggregateRange,
    visit: (index: number, counters: Uint8Array) => void,
  ): void;
  /**
   * Seals every record that is over by `before` (epoch ms) into its block, in transactions of
   * SEAL_BATCH blocks, logging progress per transaction; returns how many rows it moved.
   */
  seal(before: number, log?: StoreLog): number;
  /** Removes sealed records of `resolution` that started before `before`; how many. */
  prune(resolution: Resolution, before: number): number;
  /** The earliest and latest sealed record start of the endpoint at `resolution`. */
  extent(endpointId: string, resolution: Resolution): { first: number; last: number } | null;
}

export function sqliteAggregateBlocks(db: Database.Database, forgetWrites: () => void): SqliteBlocks {
  const blocksSql =
    'SELECT * FROM aggregate_blocks WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start > ? AND start < ?';
  const selectBlocks = db.prepare(`${blocksSql} ORDER BY start, reference_version`);
  const selectBlocksOfVersion = db.prepare(`${blocksSql} AND reference_version = ? ORDER BY start`);
  // json_each numbers the series, so each block comes back with the index of its series.
  const seriesBlocksSql =
    'SELECT s.key, b.start, b.counters FROM json_each(?) s JOIN aggregate_blocks b ON b.endpoint_id = s.value WHERE b.family = ? AND b.resolution = ? AND b.start > ? AND b.start < ?';
  const selectSeriesBlocks = db.prepare(seriesBlocksSql).raw();
  const selectSeriesBlocksOfVersion = db.prepare(`${seriesBlocksSql} AND b.reference_version = ?`).raw();
  const selectBlock = db.prepare(
    'SELECT * FROM aggregate_blocks WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start = ? AND reference_version = ?',
  );
  const upsertBlock = db.prepare(
    `INSERT INTO aggregate_blocks (endpoint_id, family, resolution, start, reference_version, first, last, records, counters)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (endpoint_id, family, resolution, start, reference_version)
     DO UPDATE SET first = excluded.first, last = excluded.last, records = excluded.records, counters = excluded.counters`,
  );
  const deleteBlock = db.prepare(
    'DELETE FROM aggregate_blocks WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start = ? AND reference_version = ?',
  );
  // Closed records (start < the cut), grouped by the block they go to (open blocks too).
  const closedSeries = (span: number) =>
    db.prepare(
      `SELECT endpoint_id, family, resolution, reference_version, start - start % ${span} AS block
       FROM aggregates WHERE resolution = ? AND start < ?
       GROUP BY endpoint_id, family, reference_version, block LIMIT ${SEAL_BATCH}`,
    );
  const closed = { minute: closedSeries(BLOCK_SPAN_MS.minute), hour: closedSeries(BLOCK_SPAN_MS.hour) };
  const liveRows = db.prepare(
    `SELECT start, counters FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ?
     AND start >= ? AND start < ? AND reference_version = ? ORDER BY start`,
  );
  const deleteLive = db.prepare(
    `DELETE FROM aggregates WHERE endpoint_id = ? AND family = ? AND resolution = ?
     AND start >= ? AND start < ? AND reference_version = ?`,
  );

  // The block that a prune's cut falls into keeps its later records; wholly earlier blocks go.
  const countWhollyBefore = db.prepare(
    'SELECT COALESCE(SUM(records), 0) AS n FROM aggregate_blocks WHERE resolution = ? AND last < ?',
  );
  const deleteWhollyBefore = db.prepare('DELETE FROM aggregate_blocks WHERE resolution = ? AND last < ?');
  const selectStartingBefore = db.prepare(
    'SELECT * FROM aggregate_blocks WHERE resolution = ? AND first < ?',
  );
  // Read with every window query's tiling: prepared once, not per call.
  const selectExtent = db.prepare(
    'SELECT MIN(first) AS first, MAX(last) AS last FROM aggregate_blocks WHERE endpoint_id = ? AND resolution = ?',
  );

  const write = (row: Omit<BlockRow, 'counters' | 'records'>, records: BlockRecord[]): void => {
    if (!records.length) {
      deleteBlock.run(row.endpoint_id, row.family, row.resolution, row.start, row.reference_version);
      return;
    }
    const resolution = row.resolution as keyof typeof BLOCK_SPAN_MS;
    upsertBlock.run(
      row.endpoint_id,
      row.family,
      row.resolution,
      row.start,
      row.reference_version,
      records[0].start,
      records[records.length - 1].start,
      records.length,
      encodeBlock(resolution, row.start, records),
    );
  };

  /** Moves one series' closed rows (before `cut`) of one block into the block; how many it moved. */
  const sealOne = (s: BlockSeries, cut: number): number => {
    const resolution = s.resolution as keyof typeof BLOCK_SPAN_MS;
    const end = Math.min(s.block + BLOCK_SPAN_MS[resolution], cut);
    const key = [s.endpoint_id, s.family, s.resolution] as const;
    const live = liveRows.all(...key, s.block, end, s.reference_version) as BlockRecord[];
    const existing = selectBlock.get(...key, s.block, s.reference_version) as BlockRow | undefined;
    const byStart = new Map<number, BlockRecord>();
    if (existing)
      for (const r of decodeBlock(resolution, s.block, existing.counters)) byStart.set(r.start, r);
    for (const r of live) {
      const sealed = byStart.get(r.start);
      byStart.set(
        r.start,
        sealed
          ? {
              start: r.start,
              counters: encodeSparse(
                mergeSparseRecord(decodeSparse(sealed.counters), decodeSparse(r.counters)),
              ),
            }
          : r,
      );
    }
    const records = [...byStart.values()].sort((a, b) => a.start - b.start);
    write({ ...s, start: s.block }, records);
    deleteLive.run(...key, s.block, end, s.reference_version);
    return live.length;
  };

  /** One transaction: up to SEAL_BATCH closed blocks; how many blocks, and rows moved into them. */
  const sealBatch = db.transaction(
    (resolution: keyof typeof BLOCK_SPAN_MS, before: number): { blocks: number; rows: number } => {
      const cut = closedBefore(resolution, before);
      const series = closed[resolution].all(resolution, cut) as BlockSeries[];
      return { blocks: series.length, rows: series.reduce((n, s) => n + sealOne(s, cut), 0) };
    },
  );

  return {
    records(q) {
      if (!isSealed(q.resolution)) return [];
      const span = BLOCK_SPAN_MS[q.resolution];
      const params: Array<string | number> = [q.endpointId, q.family, q.resolution, q.from - span, q.to];
      if (q.referenceVersion !== undefined) params.push(q.referenceVersion);
      const rows = (q.referenceVersion === undefined ? selectBlocks : selectBlocksOfVersion).all(
        ...params,
      ) as BlockRow[];
      const out: SealedRecord[] = [];
      for (const row of rows)
        for (const r of decodeBlock(q.resolution, row.start, row.counters))
          if (r.start >= q.from && r.start < q.to)
            out.push({ ...r, referenceVersion: row.reference_version });
      // Blocks of several versions overlap in time: records in start order, then version.
      return q.referenceVersion === undefined
        ? out.sort((a, b) => a.start - b.start || a.referenceVersion - b.referenceVersion)
        : out;
    },

    visitRecordsOfEach(series, range, visit) {
      if (!isSealed(range.resolution)) return;
      const span = BLOCK_SPAN_MS[range.resolution];
      const params: Array<string | number> = [
        series,
        range.family,
        range.resolution,
        range.from - span,
        range.to,
      ];
      if (range.referenceVersion !== undefined) params.push(range.referenceVersion);
      const rows = (
        range.referenceVersion === undefined ? selectSeriesBlocks : selectSeriesBlocksOfVersion
      ).all(...params) as Array<[number, number, Uint8Array]>;
      for (const [index, start, counters] of rows)
        for (const r of decodeBlock(range.resolution, start, counters))
          if (r.start >= range.from && r.start < range.to) visit(index, r.counters);
    },

    seal(before, log) {
      let moved = 0;
      for (const resolution of SEALED) {
        let blocks = 0;
        for (;;) {
          // Sealing rewrites rows the writer may hold in its cache of recent records.
          forgetWrites();
          const batch = sealBatch(resolution, before);
          if (!batch.blocks) break;
          blocks += batch.blocks;
          moved += batch.rows;
          log?.({ resolution, blocks, rows: moved }, 'aggregates: sealed a batch of closed blocks');
        }
      }
      return moved;
    },

    prune(resolution, before) {
      if (!isSealed(resolution)) return 0;
      let removed = (countWhollyBefore.get(resolution, before) as { n: number }).n;
      deleteWhollyBefore.run(resolution, before);
      for (const row of selectStartingBefore.all(resolution, before) as BlockRow[]) {
        const records = decodeBlock(resolution, row.start, row.counters);
        const kept = records.filter((r) => r.start >= before);
        removed += records.length - kept.length;
        write(row, kept);
      }
      return removed;
    },

    extent(endpointId, resolution) {
      const row = selectExtent.get(endpointId, resolution) as { first: number | null; last: number | null };
      return row.first === null || row.last === null ? null : { first: row.first, last: row.last };
    },
  };
}

import Database from 'better-sqlite3';
import type { CounterFamily } from '../../src/monitoring/aggregates/layout';
import type { Resolution, Store } from '../../src/store/types';

export interface PayloadRow {
  family: CounterFamily;
  resolution: Resolution;
  records: number;
  /** Bytes of the counters as the embedded store holds them (the compact encoding). */
  storedBytes: number;
  /** Bytes the same records' counters take as JSON text (`JSON.stringify` of each map). */
  jsonBytes: number;
}
export interface PayloadFigures {
  rows: PayloadRow[];
}

const FAMILIES: CounterFamily[] = ['ops', 'columns'];
const RESOLUTIONS: Resolution[] = ['minute', 'hour', 'day'];

/** Per family and resolution: records of one endpoint in [from, to), their stored and JSON payload bytes. */
export async function aggregatePayloads(
  store: Store,
  path: string,
  endpointId: string,
  from: number,
  to: number,
): Promise<PayloadFigures> {
  const db = new Database(path, { readonly: true });
  // Live rows, and sealed blocks (aggregateBlocks.ts) by the records they hold.
  const stored = db.prepare(
    `SELECT SUM(records) AS records, SUM(bytes) AS bytes FROM (
       SELECT COUNT(*) AS records, SUM(length(counters)) AS bytes FROM aggregates
       WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start >= ? AND start < ?
       UNION ALL
       SELECT SUM(records), SUM(length(counters)) FROM aggregate_blocks
       WHERE endpoint_id = ? AND family = ? AND resolution = ? AND start >= ? AND start < ?)`,
  );
  const rows: PayloadRow[] = [];
  try {
    for (const family of FAMILIES)
      for (const resolution of RESOLUTIONS) {
        const records = await store.listAggregates({ endpointId, family, resolution, from, to });
        const jsonBytes = records.reduce(
          (s, r) =>
            s + JSON.stringify(r.sums).length + JSON.stringify(r.min).length + JSON.stringify(r.max).length,
          0,
        );
        const key = [endpointId, family, resolution, from, to];
        const s = stored.get(...key, ...key) as { records: number; bytes: number };
        rows.push({ family, resolution, records: s.records, storedBytes: s.bytes ?? 0, jsonBytes });
      }
  } finally {
    db.close();
  }
  return { rows };
}

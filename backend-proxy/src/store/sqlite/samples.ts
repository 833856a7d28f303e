import type { SampleRecord, SampleStore } from '../types';
import { fromJsonText } from '../jsonText';
import type { SqliteContext } from './context';

interface SampleRow {
  endpoint_id: string;
  time: number;
  request_id: string | null;
  features: string;
  prediction: string | null;
  latency_us: number | null;
  error: string | null;
}

/** Samples are written by ingest (ingest.ts) and trimmed by retention.ts. */
export function sqliteSamples({ db }: SqliteContext): SampleStore {
  return {
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
        features: fromJsonText<Record<string, unknown>>(r.features),
        prediction: fromJsonText<unknown>(r.prediction),
        latencyUs: r.latency_us,
        error: r.error,
      }));
    },
  };
}

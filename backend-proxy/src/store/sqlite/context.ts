import type Database from 'better-sqlite3';
import type { AggregateDelta, StoreLog } from '../types';
import type { CounterNameIds } from '../counterNames';

/**
 * What every part of the embedded store shares: the connection, the artifact folder, and the
 * aggregate writer (ingest and the aggregate methods write the same cached records).
 */
export interface SqliteContext {
  db: Database.Database;
  artifactDir: string;
  aggregates: AggregateWriter;
  /** Progress of long maintenance work (sealing aggregate blocks). */
  log?: StoreLog;
}

/** Aggregate writes shared by ingest and applyAggregates (aggregates.ts builds it). */
export interface AggregateWriter {
  names: CounterNameIds;
  /** Adds deltas to their records; call inside a `guarded` transaction. */
  applySync(deltas: AggregateDelta[]): void;
  /**
   * Wraps `work` in a write transaction; on failure the cached records may hold rolled-back sums
   * and the dictionary rolled-back names, so it drops the one and reloads the other.
   */
  guarded<A extends unknown[], R>(work: (...args: A) => R): (...args: A) => R;
  /** Forgets the cached records (after aggregates were deleted). */
  forget(): void;
}

export const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
export const placeholders = (count: number): string => new Array<string>(count).fill('?').join(',');

/** Adds `column IN (?, ...)` for a filter given as a list; an undefined list filters nothing. */
export function addInFilter(
  clauses: string[],
  params: Array<string | number>,
  column: string,
  values: ReadonlyArray<string | number> | undefined,
): void {
  if (values === undefined) return;
  clauses.push(`${column} IN (${placeholders(values.length)})`);
  params.push(...values);
}

// SQLite allows at most 32766 bound parameters; chunk IN lists well below that.
export const IN_LIST = 500;

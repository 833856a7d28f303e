import type { FeatureSpec } from '../../store/types';
import { buildBinning, type Binning } from '../aggregates/binning';
import { MinuteAccumulator, planFor } from '../aggregates/foldPlan';
import { readWindow, type ColumnWindow, type WindowStatistics } from '../aggregates/layout';
import type { ColumnStatistics } from '../reference/types';

/** The bins a column is counted on: numeric edges (with open outer bins) or kept categories (+ other). */
export type ColumnBins = { edges: number[] } | { categories: string[] };

/** One column of a snapshot: moments, data quality and a histogram on known bins. */
export interface SnapshotColumn extends ColumnWindow {
  bins: ColumnBins;
}

export interface SnapshotSource {
  kind: 'endpoint' | 'dataset';
  endpointId: string | null;
  /** Window of an endpoint snapshot, epoch ms. */
  from: number | null;
  to: number | null;
  referenceVersion: number | null;
}

/** What a monitor records as a `snapshot` event. */
export interface Snapshot {
  monitor: string;
  kind: 'data' | 'model';
  takenAt: string;
  source: SnapshotSource;
  rows: number;
  columns: SnapshotColumn[];
  /** Model monitors: joined labels and agreement. */
  agreement: WindowStatistics['agreement'] | null;
}

export function binsOf(statistics: ColumnStatistics): ColumnBins {
  return statistics.kind === 'numeric' ? { edges: statistics.edges } : { categories: statistics.categories };
}

/** Rebuilds the statistics shape the drift functions take from a snapshot column. */
export function columnAsStatistics(column: SnapshotColumn): ColumnStatistics {
  const counts = column.histogram ?? [];
  return 'edges' in column.bins
    ? {
        name: column.name,
        kind: 'numeric',
        count: column.count,
        missing: column.missing,
        counts,
        mean: column.count > 0 ? column.sum / column.count : Number.NaN,
        std: Number.NaN,
        min: column.min,
        max: column.max,
        quantiles: { p05: Number.NaN, p25: Number.NaN, p50: Number.NaN, p75: Number.NaN, p95: Number.NaN },
        edges: column.bins.edges,
      }
    : {
        name: column.name,
        kind: 'categorical',
        count: column.count,
        missing: column.missing,
        counts,
        categories: column.bins.categories,
        distinct: Number.NaN,
      };
}

/** Counts rows on given bins (a reference's, or a monitor's first snapshot's) with ingest's fold. */
export function countRows(
  rows: Array<Record<string, unknown>>,
  columns: Array<{ spec: FeatureSpec; bins: ColumnStatistics }>,
): SnapshotColumn[] {
  const binning: Binning = buildBinning(
    { features: columns.map((c) => c.spec), predictions: [], labels: [] },
    { version: 1, statistics: { features: columns.map((c) => c.bins), predictions: [], labels: [] } },
  );
  const accumulator = new MinuteAccumulator(planFor(binning));
  for (const row of rows) accumulator.fold({ features: row, outputs: {}, latencyUs: null, error: false });
  const window = readWindow(accumulator.toCounterSet(), binning);
  return window.features.map((w, i) => ({ ...w, bins: binsOf(columns[i].bins) }));
}

import { UnprocessableError } from '../../errors';
import type { FeatureKind } from '../../store/types';
import { binIndex, equalWidthEdges } from '../stats/histogramEdges';
import { mean, sampleStd } from '../stats/moments';
import { quantileSorted } from '../stats/quantile';
import { asCategory, asNumber, isMissing } from './columnValues';
import {
  MAX_CATEGORIES,
  NUMERIC_BIN_COUNT,
  type CategoricalColumnStatistics,
  type NumericColumnStatistics,
  type ReferenceStatistics,
} from './types';
import { ReferenceAccumulator, type ReferenceColumns } from './referenceAccumulator';

export type Row = Record<string, unknown>;

/** A column is numeric when every present value reads as a finite number. */
export function inferKind(rows: Row[], column: string): FeatureKind {
  let present = 0;
  for (const row of rows) {
    const value = row[column];
    if (isMissing(value)) continue;
    present += 1;
    if (typeof value === 'boolean' || asNumber(value) === null) return 'categorical';
  }
  return present === 0 ? 'categorical' : 'numeric';
}

export function numericColumnStatistics(name: string, values: unknown[]): NumericColumnStatistics {
  const present: number[] = [];
  let missing = 0;
  for (const v of values) {
    const n = isMissing(v) ? null : asNumber(v);
    if (n === null) missing += 1;
    else present.push(n);
  }
  if (present.length === 0) throw new UnprocessableError(`column "${name}" has no numeric values`);
  present.sort((a, b) => a - b);
  let sum = 0;
  let sumSquares = 0;
  for (const n of present) {
    sum += n;
    sumSquares += n * n;
  }
  const min = present[0];
  const max = present[present.length - 1];
  let edges: number[];
  try {
    edges = equalWidthEdges(min, max, NUMERIC_BIN_COUNT);
  } catch (err) {
    // float64 cannot split some ranges into distinct edges (e.g. a constant above ~4.5e15).
    throw new UnprocessableError(`column "${name}" cannot be binned: ${(err as Error).message}`);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const n of present) counts[binIndex(edges, n)] += 1;
  const q = (p: number) => quantileSorted(present, p);
  return {
    name,
    kind: 'numeric',
    count: present.length,
    missing,
    mean: mean(present.length, sum),
    // A single row has no spread; report 0 rather than NaN so the JSON stays numeric.
    std: present.length > 1 ? sampleStd(present.length, sum, sumSquares) : 0,
    min,
    max,
    quantiles: { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) },
    edges,
    counts,
  };
}

export function categoricalColumnStatistics(name: string, values: unknown[]): CategoricalColumnStatistics {
  const frequencies = new Map<string, number>();
  let missing = 0;
  for (const v of values) {
    if (isMissing(v)) {
      missing += 1;
      continue;
    }
    const category = asCategory(v);
    frequencies.set(category, (frequencies.get(category) ?? 0) + 1);
  }
  // Most frequent first; ties by name so the bins are deterministic.
  const ranked = [...frequencies.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, MAX_CATEGORIES);
  const other = ranked.slice(MAX_CATEGORIES).reduce((total, [, n]) => total + n, 0);
  return {
    name,
    kind: 'categorical',
    count: values.length - missing,
    missing,
    categories: kept.map(([category]) => category),
    counts: [...kept.map(([, n]) => n), other],
    distinct: frequencies.size,
  };
}

/** Statistics and bin edges of every feature, prediction and label column of rows in memory (ReferenceAccumulator). */
export function computeReference(rows: Row[], columns: ReferenceColumns): ReferenceStatistics {
  if (rows.length === 0) throw new UnprocessableError('the reference has no rows');
  const names = [
    ...new Set([...columns.features, ...columns.predictions, ...columns.labels].map((c) => c.name)),
  ];
  const accumulator = new ReferenceAccumulator(names);
  const feed = (visit: (cells: unknown[]) => void) => {
    const cells = new Array<unknown>(names.length);
    for (const row of rows) {
      for (let i = 0; i < names.length; i++) cells[i] = row[names[i]];
      visit(cells);
    }
  };
  feed((cells) => accumulator.profile(cells));
  if (accumulator.plan(columns)) feed((cells) => accumulator.count(cells));
  return accumulator.result();
}

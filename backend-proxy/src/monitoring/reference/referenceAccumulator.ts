import { UnprocessableError } from '../../errors';
import { ColumnProfiler, numericValue, profileKind, type ColumnProfile } from '../../reports/columnProfile';
import type { FeatureKind, FeatureSpec } from '../../store/types';
import { binnedQuantile, binnedQuantileError, equalWidthBin } from '../stats/binnedQuantile';
import { binIndex, equalWidthEdges } from '../stats/histogramEdges';
import { mean, sampleStd } from '../stats/moments';
import { asCategory, isMissing } from './columnValues';
import { quantileSorted } from '../stats/quantile';
import { ScoreLabelCounter } from '../performance/scoreLabelCounts';
import {
  MAX_CATEGORIES,
  NUMERIC_BIN_COUNT,
  type CategoricalColumnStatistics,
  type ColumnStatistics,
  type NumericColumnStatistics,
  type ReferenceStatistics,
} from './types';

/**
 * The one computation of a reference's statistics, fed record by record so that rows in memory
 * and files of any size take the same path, in memory bounded per column:
 *   pass 1 (`profile`): per column the kind, missing count, exact min, max and running sums, the
 *     frequencies of up to REFERENCE_LIMITS.maxTrackedDistinct distinct values and up to
 *     REFERENCE_LIMITS.rawValueLimit raw numbers (reports' ColumnProfiler);
 *   `plan` fixes the bins; pass 2 (`count`) is needed only when a column had more values than
 *     pass 1 kept: a numeric column is counted on its bins (exact) and on QUANTILE_SKETCH_BINS
 *     equal-width bins over [min, max] for the quantiles (binnedQuantile: error at most (max - min) /
 *     QUANTILE_SKETCH_BINS, recorded per column as `quantileMaxError`; 0 when exact); a categorical
 *     one has its frequencies counted, up to MAX_REFERENCE_CATEGORIES distinct values.
 *     Pass 2 also runs when the reference has labels and numeric prediction columns: those are
 *     counted per bin jointly with the label (performance/scoreLabelCounts.ts).
 * A categorical column with more distinct values than that is refused (an identifier or free
 * text has no useful bins). The small pass-1 limits keep a wide file's first rows from costing
 * more memory than the rest: tens of MB for 50 columns.
 */

export const REFERENCE_LIMITS = { maxTrackedDistinct: 1_000, rawValueLimit: 50_000 };
export const MAX_REFERENCE_CATEGORIES = 10_000;
export const QUANTILE_SKETCH_BINS = 1 << 14;

export interface ReferenceColumns {
  features: FeatureSpec[];
  predictions: FeatureSpec[];
  labels: FeatureSpec[];
}

interface NumericPlan {
  spec: FeatureSpec;
  index: number;
  edges: number[];
  counts: number[];
  /** Pass-2 counts for the quantiles; null when the raw values were all kept. */
  sketch: Float64Array | null;
}

const QUANTILE_LEVELS = { p05: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;

export class ReferenceAccumulator {
  private readonly profilers: ColumnProfiler[];
  private readonly indexOf: Map<string, number>;
  private rows = 0;
  private columns: ReferenceColumns | null = null;
  private numeric: NumericPlan[] = [];
  /** Categorical columns whose frequencies pass 1 could not keep: counted in pass 2. */
  private recounted = new Map<string, { index: number; frequencies: Map<string, number> | null }>();
  /** Scores counted jointly with the label in pass 2, when the reference has labels. */
  private scoreLabels: ScoreLabelCounter | null = null;

  constructor(readonly names: readonly string[]) {
    this.profilers = names.map((name) => new ColumnProfiler(name, REFERENCE_LIMITS));
    this.indexOf = new Map(names.map((name, i) => [name, i]));
  }

  /** Pass 1: one record, cells in the order of `names`. */
  profile(cells: readonly unknown[]): void {
    this.rows += 1;
    for (let i = 0; i < this.profilers.length; i++) this.profilers[i].add(cells[i]);
  }

  get rowCount(): number {
    return this.rows;
  }

  /** A column's kind as inferKind: numeric when every present value is a number. */
  kindOf(name: string): FeatureKind {
    const index = this.indexOf.get(name);
    return index === undefined ? 'categorical' : profileKind(this.profilers[index].result());
  }

  /** Fixes the bins of these columns; true when a second pass (`count`) must follow. */
  plan(columns: ReferenceColumns): boolean {
    if (this.rows === 0) throw new UnprocessableError('the reference has no rows');
    this.columns = columns;
    this.numeric = [];
    this.recounted = new Map();
    for (const spec of [...columns.features, ...columns.predictions, ...columns.labels]) {
      const index = this.requireIndex(spec.name);
      if (spec.kind !== 'numeric') {
        if (!this.profilers[index].result().frequencies)
          this.recounted.set(spec.name, { index, frequencies: new Map() });
        continue;
      }
      const profile = this.profilers[index].result();
      if (profile.numeric === 0) throw new UnprocessableError(`column "${spec.name}" has no numeric values`);
      let edges: number[];
      try {
        edges = equalWidthEdges(profile.min, profile.max, NUMERIC_BIN_COUNT);
      } catch (err) {
        // float64 cannot split some ranges into distinct edges (e.g. a constant above ~4.5e15).
        throw new UnprocessableError(`column "${spec.name}" cannot be binned: ${(err as Error).message}`);
      }
      const counts = new Array<number>(edges.length + 1).fill(0);
      if (profile.values) for (const n of profile.values) counts[binIndex(edges, n)] += 1;
      const sketch = profile.values ? null : new Float64Array(QUANTILE_SKETCH_BINS);
      this.numeric.push({ spec, index, edges, counts, sketch });
    }
    const scores = this.numeric.filter((plan) => columns.predictions.includes(plan.spec));
    this.scoreLabels =
      columns.labels.length > 0 && scores.length > 0
        ? new ScoreLabelCounter(
            scores.map((plan) => ({ name: plan.spec.name, index: plan.index, edges: plan.edges })),
            this.requireIndex(columns.labels[0].name),
            this.requireIndex(columns.predictions[0].name),
          )
        : null;
    return (
      this.scoreLabels !== null ||
      this.recounted.size > 0 ||
      this.numeric.some((plan) => plan.sketch !== null)
    );
  }

  /** Pass 2: the same records again, only when `plan` asked for it. */
  count(cells: readonly unknown[]): void {
    this.scoreLabels?.add(cells);
    for (const plan of this.numeric) {
      if (!plan.sketch) continue;
      const n = numericValue(cells[plan.index]);
      if (n === null) continue;
      plan.counts[binIndex(plan.edges, n)] += 1;
      const profile = this.profilers[plan.index].result();
      plan.sketch[equalWidthBin(QUANTILE_SKETCH_BINS, profile.min, profile.max, n)] += 1;
    }
    for (const column of this.recounted.values()) {
      const frequencies = column.frequencies;
      const value = cells[column.index];
      if (!frequencies || isMissing(value)) continue;
      const key = asCategory(value);
      const seen = frequencies.get(key);
      if (seen !== undefined) frequencies.set(key, seen + 1);
      else if (frequencies.size < MAX_REFERENCE_CATEGORIES) frequencies.set(key, 1);
      else column.frequencies = null;
    }
  }

  result(): ReferenceStatistics {
    const columns = this.columns;
    if (!columns) throw new Error('ReferenceAccumulator: plan() before result()');
    const of = (spec: FeatureSpec) => this.statistics(spec);
    return {
      features: columns.features.map(of),
      predictions: columns.predictions.map(of),
      labels: columns.labels.map(of),
      ...(this.scoreLabels ? { scoreLabels: this.scoreLabels.result() } : {}),
    };
  }

  private statistics(spec: FeatureSpec): ColumnStatistics {
    const profile = this.profilers[this.requireIndex(spec.name)].result();
    if (spec.kind === 'categorical') {
      const recounted = this.recounted.get(spec.name);
      return categoricalStatistics(recounted ? { ...profile, frequencies: recounted.frequencies } : profile);
    }
    const plan = this.numeric.find((p) => p.spec === spec);
    if (!plan) throw new Error(`ReferenceAccumulator: column "${spec.name}" was not planned`);
    return numericStatistics(profile, plan);
  }

  private requireIndex(name: string): number {
    const index = this.indexOf.get(name);
    if (index === undefined) throw new UnprocessableError(`the reference has no column "${name}"`);
    return index;
  }
}

function numericStatistics(profile: ColumnProfile, plan: NumericPlan): NumericColumnStatistics {
  const n = profile.numeric;
  let quantile: (q: number) => number;
  let quantileMaxError = 0;
  if (plan.sketch) {
    const sketch = plan.sketch;
    quantile = (q) => binnedQuantile(sketch, profile.min, profile.max, q);
    quantileMaxError = binnedQuantileError(QUANTILE_SKETCH_BINS, profile.min, profile.max);
  } else {
    const sorted = [...(profile.values ?? [])].sort((a, b) => a - b);
    quantile = (q) => quantileSorted(sorted, q);
  }
  return {
    name: profile.name,
    kind: 'numeric',
    count: n,
    // Present values that are not numbers count as missing in a numeric column, as at ingest.
    missing: profile.rows - n,
    mean: mean(n, profile.sum),
    // A single row has no spread; report 0 rather than NaN so the JSON stays numeric.
    std: n > 1 ? sampleStd(n, profile.sum, profile.sumSquares) : 0,
    min: profile.min,
    max: profile.max,
    quantiles: {
      p05: quantile(QUANTILE_LEVELS.p05),
      p25: quantile(QUANTILE_LEVELS.p25),
      p50: quantile(QUANTILE_LEVELS.p50),
      p75: quantile(QUANTILE_LEVELS.p75),
      p95: quantile(QUANTILE_LEVELS.p95),
    },
    quantileMaxError,
    edges: plan.edges,
    counts: plan.counts,
  };
}

function categoricalStatistics(profile: ColumnProfile): CategoricalColumnStatistics {
  if (!profile.frequencies) {
    throw new UnprocessableError(
      `column "${profile.name}" has more than ${MAX_REFERENCE_CATEGORIES} distinct values (an identifier or free text?): leave it out of the features or make it numeric`,
    );
  }
  // Most frequent first; ties by name so the bins are deterministic.
  const ranked = [...profile.frequencies.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, MAX_CATEGORIES);
  const other = ranked.slice(MAX_CATEGORIES).reduce((total, [, n]) => total + n, 0);
  return {
    name: profile.name,
    kind: 'categorical',
    count: profile.rows - profile.missing,
    missing: profile.missing,
    categories: kept.map(([category]) => category),
    counts: [...kept.map(([, n]) => n), other],
    distinct: profile.frequencies.size,
  };
}

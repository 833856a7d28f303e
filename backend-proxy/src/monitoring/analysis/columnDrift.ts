import { metricsForKind } from '../drift/driftMetrics';
import type { ColumnDecision } from '../drift/policy/types';
import { computeDriftScore, type DriftMetric, type DriftScore } from '../drift/registry';
import type { ColumnWindow } from '../aggregates/layout';
import { mean, sampleStd } from '../stats/moments';
import {
  CATEGORICAL_BINS_DESCRIPTION,
  NUMERIC_BINS_DESCRIPTION,
  type ColumnStatistics,
} from '../reference/types';

export interface ColumnSummary {
  count: number;
  missing: number;
  min: number | null;
  mean: number | null;
  max: number | null;
  std: number | null;
}

export interface ColumnDrift {
  name: string;
  kind: ColumnStatistics['kind'];
  expected: ColumnSummary;
  actual: ColumnSummary;
  /** The bins both histograms are counted on. Numeric: edges (open bins below/above). Categorical: categories then "other". */
  bins: { edges: number[] } | { categories: string[] };
  histograms: { expected: number[]; actual: number[] };
  /** Values counted in the histograms: production (the window) and reference (or baseline). */
  n: { production: number; reference: number };
  measures: Partial<Record<DriftMetric, DriftScore>>;
  quality: {
    missingShare: number | null;
    /** Numeric: share outside the reference's range. Categorical: share of categories the reference did not keep. */
    outOfRangeShare: number | null;
  };
  /** The drift policy's decision on this column (set when the window is decided). */
  decision?: ColumnDecision;
}

/** The metrics each column kind gets. KS and Wasserstein need an order, chi-squared needs categories. */
const NUMERIC_METRICS: DriftMetric[] = metricsForKind('numeric');
const CATEGORICAL_METRICS: DriftMetric[] = metricsForKind('categorical');

const total = (counts: number[]): number => counts.reduce((a, b) => a + b, 0);
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * One representative value per numeric bin, for Wasserstein: inner bins at their midpoints, the
 * open outer bins half a bin width beyond the reference range.
 */
export function binPositions(edges: number[]): number[] {
  const width = edges.length > 1 ? edges[1] - edges[0] : 1;
  const inner = edges.slice(1).map((upper, i) => (edges[i] + upper) / 2);
  return [edges[0] - width / 2, ...inner, edges[edges.length - 1] + width / 2];
}

export function referenceSummary(reference: ColumnStatistics): ColumnSummary {
  return reference.kind === 'numeric'
    ? {
        count: reference.count,
        missing: reference.missing,
        min: reference.min,
        mean: reference.mean,
        max: reference.max,
        std: reference.std,
      }
    : { count: reference.count, missing: reference.missing, min: null, mean: null, max: null, std: null };
}

export function windowSummary(window: ColumnWindow): ColumnSummary {
  const numeric = window.kind === 'numeric' && window.count > 0;
  return {
    count: window.count,
    missing: window.missing,
    min: numeric ? finite(window.min) : null,
    mean: numeric ? finite(mean(window.count, window.sum)) : null,
    max: numeric ? finite(window.max) : null,
    std: numeric ? finite(sampleStd(window.count, window.sum, window.sumSquares)) : null,
  };
}

/**
 * Drift of one column: its window's histogram against the expected one (the reference's, or a
 * baseline window's on the same bins), with every applicable measure and data quality.
 */
export function columnDrift(
  reference: ColumnStatistics,
  actual: ColumnWindow,
  expected: { summary: ColumnSummary; histogram: number[] },
  /** Only these measures (of those that apply to the column's kind); all by default. Series over many steps ask for few. */
  metrics?: readonly DriftMetric[],
): ColumnDrift {
  const histogram = actual.histogram ?? new Array<number>(expected.histogram.length).fill(0);
  const numeric = reference.kind === 'numeric';
  const positions = numeric ? binPositions(reference.edges) : undefined;
  const description = numeric ? NUMERIC_BINS_DESCRIPTION : CATEGORICAL_BINS_DESCRIPTION;
  const measures: Partial<Record<DriftMetric, DriftScore>> = {};
  const applicable = numeric ? NUMERIC_METRICS : CATEGORICAL_METRICS;
  for (const metric of metrics ? applicable.filter((m) => metrics.includes(m)) : applicable) {
    measures[metric] = computeDriftScore(
      metric,
      { counts: expected.histogram, positions },
      { counts: histogram, positions },
      description,
    );
  }
  const rows = actual.count + actual.missing;
  return {
    name: reference.name,
    kind: reference.kind,
    expected: expected.summary,
    actual: windowSummary(actual),
    bins: reference.kind === 'numeric' ? { edges: reference.edges } : { categories: reference.categories },
    histograms: { expected: expected.histogram, actual: histogram },
    n: { production: total(histogram), reference: total(expected.histogram) },
    measures,
    quality: {
      missingShare: rows > 0 ? actual.missing / rows : null,
      outOfRangeShare: actual.count > 0 ? actual.outOfRange / actual.count : null,
    },
  };
}

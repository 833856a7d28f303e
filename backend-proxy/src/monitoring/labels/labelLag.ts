/**
 * Label lag: label time − prediction time, in seconds, counted on fixed upper bounds
 * (1 s … 7 days, then +Inf) so lag histograms of any minutes add up. A lag in bucket k satisfies
 * LABEL_LAG_BOUNDS_S[k - 1] < lag <= LABEL_LAG_BOUNDS_S[k]; quantiles interpolate inside a bucket
 * (stats/histogramQuantile.ts), so p50/p95 are within one bucket of the exact value, and the
 * maximum is kept exactly. A label that arrives before its prediction has lag 0 (first bucket).
 */
import { upperBoundBucket } from '../stats/histogramQuantile';

export const LABEL_LAG_BOUNDS_S: readonly number[] = [
  1,
  2,
  5,
  10,
  30,
  60,
  120,
  300,
  600,
  1_800,
  3_600,
  7_200,
  14_400,
  43_200,
  86_400,
  172_800,
  604_800,
  Infinity,
];

/** Lag in seconds of a label received at `labelMs` for a prediction made at `predictionMs` (never negative). */
export const labelLagSeconds = (predictionMs: number, labelMs: number): number =>
  Math.max(0, (labelMs - predictionMs) / 1_000);

/** Index of the first bound >= the lag. */
export const labelLagBucket = (lagSeconds: number): number =>
  upperBoundBucket(LABEL_LAG_BOUNDS_S, lagSeconds);

/**
 * Label health counters (all in the `ops` family; see aggregates/layout.ts) and the figures read
 * back from a window's merged counters.
 *
 * At the PREDICTION's minute, when its label is counted (so a window of predictions reads how many
 * of them are labelled so far, and how late those labels came):
 *   lh:n             predictions labelled (every counted label, whatever its value)
 *   lh:lag:b:<k>     their lag in bucket k of LABEL_LAG_BOUNDS_S; lh:lag:sum (s); max under lh:lag
 * At the LABEL's minute (when it was received), so a window of time reads the label traffic:
 *   lh:rcv           labels received for the endpoint (joined, waiting, or repeats)
 *   lh:wait          received with the endpoint named but no prediction yet; taken back (−1, at the
 *                    label's minute) when a later prediction claims it: what is left never matched
 *   lh:dup           repeats for an already labelled prediction (ignored for accuracy)
 * Lag is folded at the prediction's minute, not the label's: coverage and lag then describe the
 * same predictions, and a window's lag figures do not change meaning as older labels trickle in.
 */
import type { CounterSet } from '../aggregates/counterSet';
import { finiteOrNull } from '../stats/finite';
import { histogramQuantile } from '../stats/histogramQuantile';
import { LABEL_LAG_BOUNDS_S, labelLagBucket } from './labelLag';

const LABEL_HEALTH_COUNTERS = {
  labelled: 'lh:n',
  lag: 'lh:lag',
  lagSum: 'lh:lag:sum',
  received: 'lh:rcv',
  waiting: 'lh:wait',
  duplicates: 'lh:dup',
} as const;
const C = LABEL_HEALTH_COUNTERS;
const LAG_BUCKET_NAMES = LABEL_LAG_BOUNDS_S.map((_bound, k) => `${C.lag}:b:${k}`);

/** One prediction's label counted, `lagSeconds` after the prediction (at the prediction's minute). */
export function foldLabelJoin(counters: CounterSet, lagSeconds: number): void {
  counters.increment(C.labelled);
  counters.increment(C.lagSum, lagSeconds);
  counters.increment(LAG_BUCKET_NAMES[labelLagBucket(lagSeconds)]);
  counters.observe(C.lag, lagSeconds);
}

export type LabelArrival = 'received' | 'waiting' | 'claimed' | 'duplicate';

/** A label's arrival (at the label's minute): received, left waiting, later claimed, or a repeat. */
export function foldLabelArrival(counters: CounterSet, arrival: LabelArrival): void {
  if (arrival === 'received') counters.increment(C.received);
  else if (arrival === 'waiting') counters.increment(C.waiting);
  else if (arrival === 'claimed') counters.increment(C.waiting, -1);
  else counters.increment(C.duplicates);
}

export interface LabelHealth {
  /** Predictions of the window labelled so far. */
  labelled: number;
  /** labelled / predictions; null without predictions. */
  coverage: number | null;
  /** Lag quantiles (histogram interpolation) and exact maximum, seconds; null without labels. */
  lagP50Seconds: number | null;
  lagP95Seconds: number | null;
  lagMaxSeconds: number | null;
  lagMeanSeconds: number | null;
  /** Labels received during the window (by the label's time). */
  received: number;
  /** Of those, labels still matching no prediction (named this endpoint, no prediction arrived). */
  unmatched: number;
  /** Repeats for predictions already labelled. */
  duplicates: number;
}

export function labelHealth(counters: CounterSet, predictions: number): LabelHealth {
  const labelled = counters.get(C.labelled);
  const buckets = labelled > 0 ? LAG_BUCKET_NAMES.map((name) => counters.get(name)) : [];
  const lagMax = labelled > 0 ? (counters.max[C.lag] ?? null) : null;
  // Interpolation can pass the largest lag seen (and the +Inf bucket reports the last bound): capped at it.
  const lagQuantile = (q: number) => {
    if (labelled === 0) return null;
    const v = finiteOrNull(histogramQuantile(LABEL_LAG_BOUNDS_S, buckets, q));
    return v === null || lagMax === null ? v : Math.min(v, lagMax);
  };
  return {
    labelled,
    coverage: predictions > 0 ? Math.min(1, labelled / predictions) : null,
    lagP50Seconds: lagQuantile(0.5),
    lagP95Seconds: lagQuantile(0.95),
    lagMaxSeconds: lagMax,
    lagMeanSeconds: labelled > 0 ? counters.get(C.lagSum) / labelled : null,
    received: counters.get(C.received),
    unmatched: Math.max(0, counters.get(C.waiting)),
    duplicates: counters.get(C.duplicates),
  };
}

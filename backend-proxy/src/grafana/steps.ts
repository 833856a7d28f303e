/**
 * How long a step of a Grafana series is. Grafana's interval and point budget (or a target's own
 * `step`) give the finest step; then a read budget widens it, because what a query costs is the
 * number of stored aggregates it reads (~3 µs per `ops` record and ~100 µs per `columns` record
 * on the embedded store, measured by bench/grafanaQueries.ts), and that depends on the resolution
 * the step allows (minute, hour or day), not on the number of points. A 30-day heat map over 100
 * endpoints therefore gets daily columns (3,000 records) rather than hourly ones (72,000); one
 * endpoint over 30 days stays hourly.
 */
import { resolutionForStep } from '../monitoring/aggregates/tiling';
import { niceStep, stepFor } from '../monitoring/windows/windowService';
import { RESOLUTION_MS } from '../store/types';
import type { QueryContext } from './context';
import type { TargetQuery } from './targets';

/** Records of the small `ops` family (counts, latency) one query may read. */
export const OPS_RECORD_BUDGET = 10_000;
/** Records of the `columns` family (per-feature histograms) one query may read. */
export const COLUMNS_RECORD_BUDGET = 250;

/** The finest step: Grafana's interval and point budget, or the target's own `step`, snapped to whole intervals. */
export function seriesStep(ctx: QueryContext, q: TargetQuery, minimumMs = RESOLUTION_MS.minute): number {
  const { from, to, intervalMs, maxDataPoints } = ctx.window;
  const step = stepFor(from, to, q.step ?? intervalMs, maxDataPoints);
  return niceStep(Math.max(step, minimumMs));
}

/** Aggregates read for `series` series of [from, to) at the resolution a step allows. */
function recordsRead(ctx: QueryContext, series: number, stepMs: number): number {
  return series * Math.ceil((ctx.window.to - ctx.window.from) / RESOLUTION_MS[resolutionForStep(stepMs)]);
}

/** `step`, widened to whole hours and then whole days while `series` series of it would read more than `budget` records. */
export function budgetedStep(ctx: QueryContext, stepMs: number, series: number, budget: number): number {
  let step = stepMs;
  for (const unit of [RESOLUTION_MS.hour, RESOLUTION_MS.day]) {
    if (recordsRead(ctx, series, step) <= budget) break;
    step = niceStep(Math.ceil(step / unit) * unit);
  }
  return step;
}

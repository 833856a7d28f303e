/**
 * Estimated performance as Grafana series, per selected endpoint: the accuracy estimated from
 * calibrated scores per step with its 95% band, the realized accuracy of the step's labels, and
 * their gap (monitoring/analysis/estimatedPerformanceService.ts). Endpoints whose reference has no
 * scores with labels answer no series.
 */
import { UnprocessableError } from '../errors';
import { alignDown } from '../monitoring/aggregates/tiling';
import type { EstimatedPerformanceReport } from '../monitoring/analysis/estimatedPerformanceService';
import type { EndpointRecord } from '../store/types';
import { endpointNames, mapLimit, selectEndpoints, type QueryContext } from './context';
import { finiteOrNull, timeSeries, type Datapoint, type TimeSeries } from './frames';
import { budgetedStep, COLUMNS_RECORD_BUDGET, seriesStep } from './steps';
import type { TargetQuery } from './targets';

/** The series of each endpoint, in order; `lower` and `upper` bound the band (filled between in the panel). */
export const ESTIMATED_PERFORMANCE_SERIES = ['estimated', 'lower', 'upper', 'realized', 'gap'] as const;

const CONCURRENCY = 8;
const OPTIONS = { threshold: 0.5 };

async function reportsPerStep(
  ctx: QueryContext,
  endpoint: EndpointRecord,
  times: number[],
  stepMs: number,
): Promise<EstimatedPerformanceReport[] | null> {
  try {
    return await mapLimit(times, CONCURRENCY, (t) =>
      ctx.deps.estimatedPerformance.report(endpoint, t, t + stepMs, OPTIONS),
    );
  } catch (err) {
    if (err instanceof UnprocessableError) return null;
    throw err;
  }
}

export async function estimatedAccuracySeries(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const endpoints = await selectEndpoints(ctx, q);
  const names = endpointNames(endpoints);
  const stepMs = budgetedStep(ctx, seriesStep(ctx, q), endpoints.length, COLUMNS_RECORD_BUDGET);
  const times: number[] = [];
  for (let t = alignDown(ctx.window.from, stepMs); t < ctx.window.to; t += stepMs) times.push(t);
  const series: TimeSeries[] = [];
  for (const endpoint of endpoints) {
    const reports = await reportsPerStep(ctx, endpoint, times, stepMs);
    if (!reports) continue;
    const values = reports.map((r) => {
      const band = r.estimated.accuracy;
      return [band?.estimate, band?.lower, band?.upper, r.realized?.accuracy, r.gap];
    });
    ESTIMATED_PERFORMANCE_SERIES.forEach((name, k) =>
      series.push(
        timeSeries(
          `${names.get(endpoint.id)} ${name}`,
          values.map((v, i): Datapoint => [finiteOrNull(v[k]), times[i]]),
        ),
      ),
    );
  }
  return series;
}

/**
 * Estimated performance as Grafana series, for one endpoint: the accuracy estimated from
 * calibrated scores per step with its 95% band, the realized accuracy of the step's labels, their
 * gap (monitoring/analysis/estimatedPerformanceService.ts). An endpoint whose
 * reference has no scores with labels answers no series.
 */
import { UnprocessableError } from '../errors';
import { alignDown } from '../monitoring/aggregates/tiling';
import { endpointNames, mapLimit, selectOneEndpoint, type QueryContext } from './context';
import { finiteOrNull, timeSeries, type Datapoint, type TimeSeries } from './frames';
import { budgetedStep, COLUMNS_RECORD_BUDGET, seriesStep } from './steps';
import type { TargetQuery } from './targets';

/** The series, in order; `lower` and `upper` bound the band (fill between them in the panel). */
export const ESTIMATED_PERFORMANCE_SERIES = ['estimated', 'lower', 'upper', 'realized', 'gap'] as const;

const CONCURRENCY = 8;

export async function estimatedAccuracySeries(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const name = endpointNames([endpoint]).get(endpoint.id) ?? endpoint.id;
  const stepMs = budgetedStep(ctx, seriesStep(ctx, q), 1, COLUMNS_RECORD_BUDGET);
  const options = { threshold: 0.5 };
  const times: number[] = [];
  for (let t = alignDown(ctx.window.from, stepMs); t < ctx.window.to; t += stepMs) times.push(t);
  let reports;
  try {
    reports = await mapLimit(times, CONCURRENCY, (t) =>
      ctx.deps.estimatedPerformance.report(endpoint, t, t + stepMs, options),
    );
  } catch (err) {
    if (err instanceof UnprocessableError) return [];
    throw err;
  }
  const values = reports.map((r) => {
    const band = r.estimated.accuracy;
    return [band?.estimate, band?.lower, band?.upper, r.realized?.accuracy, r.gap];
  });
  return ESTIMATED_PERFORMANCE_SERIES.map((series, k) =>
    timeSeries(
      `${name} ${series}`,
      values.map((v, i): Datapoint => [finiteOrNull(v[k]), times[i]]),
    ),
  );
}

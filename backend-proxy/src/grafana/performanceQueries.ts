/**
 * Estimated performance as Grafana series, per selected endpoint: the accuracy estimated from
 * calibrated scores per step with its 95% band, the realized accuracy of the step's labels, and
 * their gap (monitoring/analysis/estimatedPerformanceService.ts). Endpoints whose reference has no
 * scores with labels answer no series.
 */
import { UnprocessableError } from '../errors';
import type { EstimatedPerformanceReport } from '../monitoring/analysis/estimatedPerformanceService';
import type { EndpointRecord } from '../store/types';
import { finiteOrNull } from '../monitoring/stats/finite';
import { endpointNames, mapLimit, selectEndpoints, type QueryContext } from './context';
import { timeSeries, type Datapoint, type TimeSeries } from './frames';
import { budgetedStep, COLUMNS_RECORD_BUDGET, seriesStep } from './steps';
import type { TargetQuery } from './targets';

/** The series of each endpoint, in order; `lower` and `upper` bound the band (filled between in the panel). */
export const ESTIMATED_PERFORMANCE_SERIES = ['estimated', 'lower', 'upper', 'realized', 'gap'] as const;

const CONCURRENCY = 8;
const OPTIONS = { threshold: 0.5 };

/** The endpoint's reports per step, or null when its reference cannot be calibrated. */
async function reportsPerStep(
  ctx: QueryContext,
  endpoint: EndpointRecord,
  stepMs: number,
): Promise<EstimatedPerformanceReport[] | null> {
  try {
    return await ctx.deps.estimatedPerformance.series(
      endpoint,
      ctx.window.from,
      ctx.window.to,
      stepMs,
      OPTIONS,
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
  const perEndpoint = await mapLimit(endpoints, CONCURRENCY, (e) => reportsPerStep(ctx, e, stepMs));
  return endpoints.flatMap((endpoint, e) => {
    const reports = perEndpoint[e];
    if (!reports) return [];
    const values = reports.map((r) => {
      const band = r.estimated.accuracy;
      return [band?.estimate, band?.lower, band?.upper, r.realized?.accuracy, r.gap];
    });
    return ESTIMATED_PERFORMANCE_SERIES.map((name, k) =>
      timeSeries(
        `${names.get(endpoint.id)} ${name}`,
        values.map((v, i): Datapoint => [finiteOrNull(v[k]), reports[i].from]),
      ),
    );
  });
}

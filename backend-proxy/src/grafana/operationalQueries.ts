/**
 * Operational series and heat maps for the Performance dashboard: throughput, latency, errors,
 * accuracy and label health per step, all merged from `ops` aggregates (never raw events).
 */
import { RESOLUTION_MS } from '../store/types';
import { aggregatesIdOf } from '../monitoring/segments/segmentScope';
import type { CounterSet } from '../monitoring/aggregates/counterSet';
import { LATENCY_BOUNDS } from '../monitoring/aggregates/layout';
import { taskSettingOf, type TaskSetting } from '../monitoring/accuracy/task';
import { operationalFigures, type OperationalFigures } from '../monitoring/windows/operationalFigures';
import { finiteOrNull } from '../monitoring/stats/finite';
import { endpointNames, mapLimit, selectEndpoints, selectOneEndpoint, type QueryContext } from './context';
import { field, frame, timeSeries, type DataFrame, type Datapoint, type TimeSeries } from './frames';
import { budgetedStep, OPS_RECORD_BUDGET, seriesStep } from './steps';
import { pickMetric, type TargetQuery } from './targets';

const CONCURRENCY = 8;

/** An endpoint's `ops` counters per step over the request's window, read once per request. */
function opsSeries(ctx: QueryContext, endpointId: string, stepMs: number) {
  const { from, to } = ctx.window;
  const aggregatesId = aggregatesIdOf(endpointId, ctx.segment);
  return ctx.once(`ops-series:${aggregatesId}:${stepMs}`, () =>
    ctx.deps.windows.series(aggregatesId, from, to, stepMs, { families: ['ops'] }),
  );
}
/** Heat maps never go finer than MLRun's 15-minute buckets (wider when the range or the read budget asks). */
export const HEATMAP_MIN_STEP_MS = 15 * RESOLUTION_MS.minute;

/** A figure of one step's merged counters. Cheap ones read counters directly; percentiles and accuracy go through operationalFigures. */
type Figure = (counters: CounterSet, stepMs: number, task: TaskSetting) => number | null;

const predictionsPerSecond: Figure = (c, stepMs) => c.get('n') / (stepMs / 1_000);
const errorRate: Figure = (c) => (c.get('n') > 0 ? c.get('err') / c.get('n') : null);
const latencyMean: Figure = (c) => (c.get('lat:n') > 0 ? c.get('lat:sum') / c.get('lat:n') / 1_000 : null);
const viaFigures =
  (pick: (f: OperationalFigures) => number | null): Figure =>
  (c, stepMs, task) =>
    pick(operationalFigures(c, stepMs, task));

export const LATENCY_STATS = ['mean', 'p50', 'p95', 'p99'] as const;
const LATENCY: Record<(typeof LATENCY_STATS)[number], Figure> = {
  mean: latencyMean,
  p50: viaFigures((f) => f.latencyP50Ms),
  p95: viaFigures((f) => f.latencyP95Ms),
  p99: viaFigures((f) => f.latencyP99Ms),
};

export const ACCURACY_METRICS = ['accuracy', 'mae', 'rmse'] as const;

/** Label health series (labels/labelHealth.ts): coverage is a share, lags are seconds, the rest counts. */
export const LABEL_HEALTH_METRICS = [
  'coverage',
  'lag_p50',
  'lag_p95',
  'lag_max',
  'received',
  'unmatched',
] as const;
const LABEL_HEALTH_FIGURE: Record<
  (typeof LABEL_HEALTH_METRICS)[number],
  (f: OperationalFigures) => number | null
> = {
  coverage: (f) => f.labels.coverage,
  lag_p50: (f) => f.labels.lagP50Seconds,
  lag_p95: (f) => f.labels.lagP95Seconds,
  lag_max: (f) => f.labels.lagMaxSeconds,
  received: (f) => f.labels.received,
  unmatched: (f) => f.labels.unmatched,
};

/** The figure a series target plots, and the suffix its series names get. */
function figureFor(q: TargetQuery): { figure: Figure; suffix: string } {
  switch (q.target_endpoint) {
    case 'predictions_per_second':
      return { figure: predictionsPerSecond, suffix: '' };
    case 'predictions':
      return { figure: (c) => c.get('n'), suffix: '' };
    case 'errors':
      return { figure: (c) => c.get('err'), suffix: '' };
    case 'error_rate':
      return { figure: errorRate, suffix: '' };
    case 'latency': {
      const stat = q.stat ?? 'mean';
      return { figure: LATENCY[stat], suffix: ` ${stat}` };
    }
    case 'accuracy': {
      const metric = pickMetric(q, ACCURACY_METRICS, 'accuracy');
      return { figure: viaFigures((f) => f[metric]), suffix: metric === 'accuracy' ? '' : ` ${metric}` };
    }
    case 'label_health': {
      const metric = pickMetric(q, LABEL_HEALTH_METRICS, 'coverage');
      return { figure: viaFigures(LABEL_HEALTH_FIGURE[metric]), suffix: ` label ${metric}` };
    }
    default:
      throw new Error(`not an operational series: ${q.target_endpoint}`);
  }
}

/** One series per selected endpoint, named by the endpoint (`model:version`). */
export async function operationalSeries(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const { figure, suffix } = figureFor(q);
  const endpoints = await selectEndpoints(ctx, q);
  const names = endpointNames(endpoints);
  const stepMs = budgetedStep(ctx, seriesStep(ctx, q), endpoints.length, OPS_RECORD_BUDGET);
  return mapLimit(endpoints, CONCURRENCY, async (e) => {
    const points = await opsSeries(ctx, e.id, stepMs);
    const task = taskSettingOf(e);
    const datapoints: Datapoint[] = points.map((p) => [
      finiteOrNull(figure(p.counters, stepMs, task)),
      p.time,
    ]);
    return timeSeries(`${names.get(e.id)}${suffix}`, datapoints);
  });
}

export const HEATMAP_METRICS = ['predictions_per_second', 'errors', 'error_rate', 'latency_mean'] as const;
const HEATMAP_FIGURE: Record<(typeof HEATMAP_METRICS)[number], Figure> = {
  predictions_per_second: predictionsPerSecond,
  errors: (c) => c.get('err'),
  error_rate: errorRate,
  latency_mean: latencyMean,
};

/**
 * A `heatmap-rows` frame (Grafana's heat map reads the first field as time and every numeric
 * field as one row): one row per endpoint, one column per step of at least 15 minutes.
 */
export async function endpointHeatmap(ctx: QueryContext, q: TargetQuery): Promise<DataFrame[]> {
  const metric = pickMetric(q, HEATMAP_METRICS, 'predictions_per_second');
  const figure = HEATMAP_FIGURE[metric];
  const endpoints = await selectEndpoints(ctx, q);
  const names = endpointNames(endpoints);
  const stepMs = budgetedStep(
    ctx,
    seriesStep(ctx, q, HEATMAP_MIN_STEP_MS),
    endpoints.length,
    OPS_RECORD_BUDGET,
  );
  const series = await mapLimit(endpoints, CONCURRENCY, (e) => opsSeries(ctx, e.id, stepMs));
  const times = series[0]?.map((p) => p.time) ?? [];
  const unit =
    metric === 'predictions_per_second'
      ? 'reqps'
      : metric === 'error_rate'
        ? 'percentunit'
        : metric === 'latency_mean'
          ? 'ms'
          : undefined;
  return [
    frame(
      metric,
      [
        field('time', 'time', times),
        ...endpoints.map((e, i) =>
          field(
            names.get(e.id) ?? e.id,
            'number',
            series[i].map((p) => finiteOrNull(figure(p.counters, stepMs, taskSettingOf(e)))),
            {
              labels: { endpoint_id: e.id, project: e.project },
              config: unit ? { unit } : undefined,
            },
          ),
        ),
      ],
      { type: 'heatmap-rows', custom: { stepMs } },
    ),
  ];
}

const msLabel = (us: number) => (Number.isFinite(us) ? String(us / 1_000) : '+Inf');

/**
 * One endpoint's latency distribution over time as `heatmap-rows`: one row per latency bucket
 * (named by its upper bound in ms, Prometheus `le` style), counting predictions per step.
 * Only the buckets between the lowest and highest used one are sent.
 */
export async function latencyHeatmap(ctx: QueryContext, q: TargetQuery): Promise<DataFrame[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const stepMs = budgetedStep(ctx, seriesStep(ctx, q, HEATMAP_MIN_STEP_MS), 1, OPS_RECORD_BUDGET);
  const points = await opsSeries(ctx, endpoint.id, stepMs);
  const rows = LATENCY_BOUNDS.map((_bound, k) => points.map((p) => p.counters.get(`lat:b:${k}`)));
  const used = rows.map((r) => r.some((c) => c > 0));
  const first = used.indexOf(true);
  const last = used.lastIndexOf(true);
  const kept =
    first < 0
      ? []
      : rows.slice(first, last + 1).map((values, i) => ({ bound: LATENCY_BOUNDS[first + i], values }));
  return [
    frame(
      'latency',
      [
        field(
          'time',
          'time',
          points.map((p) => p.time),
        ),
        ...kept.map(({ bound, values }) =>
          field(msLabel(bound), 'number', values, { config: { unit: 'short' } }),
        ),
      ],
      { type: 'heatmap-rows', custom: { stepMs, bucketBound: 'upper', unit: 'ms' } },
    ),
  ];
}

/** Endpoint lists and counts: MLRun's `list_projects` / `list_endpoints`, and the Overview's stat panels. */
import { aggregatesIdOf } from '../monitoring/segments/segmentScope';
import type { RollingFigures } from '../monitoring/windows/metricsService';
import type { EndpointRecord } from '../store/types';
import { endpointNames, mapLimit, selectEndpoints, visible, type QueryContext } from './context';
import { finiteOrNull } from '../monitoring/stats/finite';
import { table, type Table } from './frames';
import type { TargetQuery } from './targets';

/** Rolling figures are a few small reads per endpoint; this bounds how many run at once. */
const CONCURRENCY = 8;

async function rollingFor(ctx: QueryContext, endpoints: EndpointRecord[]): Promise<RollingFigures[]> {
  return mapLimit(endpoints, CONCURRENCY, (e) =>
    ctx.once(`rolling:${aggregatesIdOf(e.id, ctx.segment)}`, () =>
      ctx.deps.metrics.rolling(aggregatesIdOf(e.id, ctx.segment)),
    ),
  );
}

/** MLRun's table: one column, `project_name`. */
export async function listProjects(ctx: QueryContext): Promise<Table[]> {
  const all = await ctx.deps.endpoints.listProjects();
  const projects = visible(ctx.access, all) ?? all;
  return [
    table(
      [['project_name', 'string']],
      projects.map((p) => [p]),
    ),
  ];
}

/**
 * MLRun's endpoint table, same columns in the same order. `drift_status` is MLRun's text
 * (`NO_DRIFT`, ...), which its dashboards map to colours; `latency_avg_1h` is in microseconds and
 * `predictions_per_second` a 5-minute average, as MLRun's were. Two columns are appended after
 * MLRun's (so its dashboards still find theirs): `endpoint_version` and `endpoint_labels`
 * (`key=value` pairs joined by ", ").
 */
export async function listEndpoints(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoints = await selectEndpoints(ctx, q);
  const rolling = await rollingFor(ctx, endpoints);
  return [
    table(
      [
        ['endpoint_id', 'string'],
        ['endpoint_function', 'string'],
        ['endpoint_model', 'string'],
        ['endpoint_model_class', 'string'],
        ['first_request', 'time'],
        ['last_request', 'time'],
        ['accuracy', 'number'],
        ['error_count', 'number'],
        ['drift_status', 'string'],
        ['predictions_per_second', 'number'],
        ['latency_avg_1h', 'number'],
        ['endpoint_version', 'string'],
        ['endpoint_labels', 'string'],
      ],
      endpoints.map((e, i) => [
        e.id,
        e.function,
        e.model,
        e.modelClass,
        e.firstRequest?.getTime() ?? null,
        e.lastRequest?.getTime() ?? null,
        finiteOrNull(e.accuracy),
        e.errorCount,
        e.driftStatus,
        finiteOrNull(rolling[i].predictionsPerSecond5m),
        rolling[i].latencyAvg1hMs === null ? null : rolling[i].latencyAvg1hMs * 1_000,
        e.version,
        Object.entries(e.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      ]),
    ),
  ];
}

export async function endpointCount(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoints = await selectEndpoints(ctx, q);
  return [table([['endpoints', 'number']], [[endpoints.length]])];
}

/** One row for the Overview's stat panels: counts, throughput, errors, latency and drift totals. */
export async function endpointSummary(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoints = await selectEndpoints(ctx, q);
  const rolling = await rollingFor(ctx, endpoints);
  const sum = (pick: (r: RollingFigures) => number) => rolling.reduce((s, r) => s + pick(r), 0);
  const predictions1h = sum((r) => r.predictions1h);
  const errors1h = sum((r) => r.errors1h);
  // Each endpoint's mean weighted by its predictions in the hour: the mean over all predictions.
  const weighted = rolling.filter((r) => r.latencyAvg1hMs !== null && r.predictions1h > 0);
  const weight = weighted.reduce((s, r) => s + r.predictions1h, 0);
  const latency =
    weight > 0
      ? weighted.reduce((s, r) => s + (r.latencyAvg1hMs as number) * r.predictions1h, 0) / weight
      : null;
  const status = (s: EndpointRecord['driftStatus']) => endpoints.filter((e) => e.driftStatus === s).length;
  return [
    table(
      [
        ['endpoints', 'number'],
        ['predictions_per_second', 'number'],
        ['predictions_1h', 'number'],
        ['errors_1h', 'number'],
        ['error_rate_1h', 'number'],
        ['latency_avg_1h_ms', 'number'],
        ['drift_detected', 'number'],
        ['possible_drift', 'number'],
        ['no_drift', 'number'],
        ['drift_unknown', 'number'],
      ],
      [
        [
          endpoints.length,
          sum((r) => r.predictionsPerSecond5m),
          predictions1h,
          errors1h,
          predictions1h > 0 ? errors1h / predictions1h : null,
          finiteOrNull(latency),
          status('DRIFT_DETECTED'),
          status('POSSIBLE_DRIFT'),
          status('NO_DRIFT'),
          status('UNKNOWN'),
        ],
      ],
    ),
  ];
}

/** Per endpoint, as of now: predictions/s over 5 minutes, prediction counts (5m, 1h), errors and latency. */
export async function rollingFigures(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoints = await selectEndpoints(ctx, q);
  const rolling = await rollingFor(ctx, endpoints);
  const names = endpointNames(endpoints);
  return [
    table(
      [
        ['endpoint_id', 'string'],
        ['endpoint_name', 'string'],
        ['project', 'string'],
        ['predictions_per_second_5m', 'number'],
        ['predictions_5m', 'number'],
        ['predictions_1h', 'number'],
        ['errors_1h', 'number'],
        ['latency_avg_5m_ms', 'number'],
        ['latency_avg_1h_ms', 'number'],
      ],
      endpoints.map((e, i) => {
        const r = rolling[i];
        return [
          e.id,
          names.get(e.id) ?? e.id,
          e.project,
          finiteOrNull(r.predictionsPerSecond5m),
          r.predictions5m,
          r.predictions1h,
          r.errors1h,
          finiteOrNull(r.latencyAvg5mMs),
          finiteOrNull(r.latencyAvg1hMs),
        ];
      }),
    ),
  ];
}

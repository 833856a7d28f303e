/**
 * Drift and data quality for the Details dashboard: MLRun's feature-analysis tables and incoming
 * features, and drift over time, per-feature histograms and data quality. Windows are the
 * request's range, merged from aggregates by the DriftService.
 */
import { InvalidInputError } from '../errors';
import { RESOLUTION_MS } from '../store/types';
import type { ColumnDrift, ColumnSummary } from '../monitoring/analysis/columnDrift';
import { referenceSummary } from '../monitoring/analysis/columnDrift';
import type { DriftPoint, DriftReport } from '../monitoring/analysis/driftService';
import { DRIFT_METRICS, type DriftMetric } from '../monitoring/drift/driftMetrics';
import type { ReferenceStatistics } from '../monitoring/reference/types';
import { finiteOrNull } from '../monitoring/stats/finite';
import { niceStep } from '../monitoring/windows/windowService';
import { aggregatesIdOf } from '../monitoring/segments/segmentScope';
import type { EndpointRecord } from '../store/types';
import { endpointNames, mapLimit, selectEndpoints, selectOneEndpoint, type QueryContext } from './context';
import { field, frame, table, timeSeries, type DataFrame, type Table, type TimeSeries } from './frames';
import { budgetedStep, COLUMNS_RECORD_BUDGET, seriesStep } from './steps';
import { pickMetric, type TargetQuery } from './targets';

/** Drift series are a full drift computation per step; this many points is plenty for a graph. */
export const MAX_DRIFT_POINTS = 200;
/** Raw samples read for incoming_features (the store keeps a bounded sample per endpoint). */
const DEFAULT_SAMPLE_LIMIT = 10_000;

async function reportFor(ctx: QueryContext, endpoint: EndpointRecord): Promise<DriftReport> {
  return ctx.once(`report:${aggregatesIdOf(endpoint.id, ctx.segment)}`, () =>
    ctx.deps.drift.report(endpoint, ctx.window.from, ctx.window.to, undefined, ctx.segment ?? undefined),
  );
}

function driftSeriesFor(
  ctx: QueryContext,
  endpoint: EndpointRecord,
  stepMs: number,
  measures: DriftMetric[],
) {
  return ctx.once(
    `drift-series:${aggregatesIdOf(endpoint.id, ctx.segment)}:${stepMs}:${measures.join(',')}`,
    () =>
      ctx.deps.drift.series(
        endpoint,
        ctx.window.from,
        ctx.window.to,
        stepMs,
        measures,
        ctx.segment ?? undefined,
      ),
  );
}

/** The features of an endpoint's active reference, for rows that exist even without production data. */
async function referenceFeatures(
  ctx: QueryContext,
  endpoint: EndpointRecord,
): Promise<ReferenceStatistics['features']> {
  if (endpoint.referenceVersion === 0) return [];
  const reference = await ctx.deps.references.get(endpoint.id, endpoint.referenceVersion);
  return (reference.statistics as ReferenceStatistics).features;
}

const keep = (features: ColumnDrift[], wanted: string[] | undefined) =>
  wanted ? features.filter((f) => wanted.includes(f.name)) : features;

/**
 * MLRun's per-feature table, same columns. Expected statistics are the reference's (min is min
 * and max is max: MLRun's dashboards showed them swapped); actual ones and the measures are over
 * the request's range. A feature without production values in the range keeps its row with
 * empty actual columns, as MLRun's did.
 */
export async function individualFeatureAnalysis(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const report = await reportFor(ctx, endpoint);
  const byName = new Map(report.features.map((f) => [f.name, f]));
  const reference = await referenceFeatures(ctx, endpoint);
  const rows = reference
    .filter((ref) => !q.feature || q.feature.includes(ref.name))
    .map((ref) => {
      const drift = byName.get(ref.name);
      const expected: ColumnSummary = drift?.expected ?? referenceSummary(ref);
      const measure = (m: DriftMetric) => finiteOrNull(drift?.measures[m]?.value);
      return [
        ref.name,
        finiteOrNull(drift?.actual.min),
        finiteOrNull(drift?.actual.mean),
        finiteOrNull(drift?.actual.max),
        finiteOrNull(expected.min),
        finiteOrNull(expected.mean),
        finiteOrNull(expected.max),
        measure('tvd'),
        measure('hellinger'),
        measure('kld'),
        drift?.n.production ?? 0,
        drift?.n.reference ?? ref.count,
        drift?.decision?.status ?? 'UNKNOWN',
      ];
    });
  return [
    table(
      [
        ['feature_name', 'string'],
        ['actual_min', 'number'],
        ['actual_mean', 'number'],
        ['actual_max', 'number'],
        ['expected_min', 'number'],
        ['expected_mean', 'number'],
        ['expected_max', 'number'],
        ['tvd', 'number'],
        ['hellinger', 'number'],
        ['kld', 'number'],
        // Ours, after MLRun's columns (its dashboards read them by index): the sample behind each row.
        ['n_production', 'number'],
        ['n_reference', 'number'],
        ['drift_status', 'string'],
      ],
      rows,
    ),
  ];
}

/** MLRun's overall table: sums and means over the features; no row when nothing could be measured. */
export async function overallFeatureAnalysis(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const { overall, features, window } = await reportFor(ctx, endpoint);
  return [
    table(
      [
        ['tvd_sum', 'number'],
        ['tvd_mean', 'number'],
        ['hellinger_sum', 'number'],
        ['hellinger_mean', 'number'],
        ['kld_sum', 'number'],
        ['kld_mean', 'number'],
        // Ours, after MLRun's columns: the window's predictions, the minimum sample and the policy's status.
        ['n_production', 'number'],
        ['min_sample', 'number'],
        ['drift_status', 'string'],
        ['policy', 'string'],
      ],
      features.length === 0
        ? []
        : [
            [
              ...[
                overall.tvdSum,
                overall.tvdMean,
                overall.hellingerSum,
                overall.hellingerMean,
                overall.kldSum,
                overall.kldMean,
              ].map(finiteOrNull),
              window.predictions,
              overall.n.minSample,
              overall.status,
              overall.policy,
            ],
          ],
    ),
  ];
}

/** Every measure of every feature (and prediction column) over the range, with each feature's own status. */
export async function featureDrift(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const report = await reportFor(ctx, endpoint);
  const columns = [
    ...keep(report.features, q.feature).map((f) => ({ group: 'feature', f })),
    ...(q.feature ? [] : report.predictions.map((f) => ({ group: 'prediction', f }))),
  ];
  const m = (f: ColumnDrift, metric: DriftMetric) => finiteOrNull(f.measures[metric]?.value);
  return [
    table(
      [
        ['feature_name', 'string'],
        ['column', 'string'],
        ['kind', 'string'],
        ['count', 'number'],
        ['tvd', 'number'],
        ['hellinger', 'number'],
        ['kld', 'number'],
        ['kl', 'number'],
        ['psi', 'number'],
        ['js', 'number'],
        ['ks', 'number'],
        ['ks_p_value', 'number'],
        ['wasserstein', 'number'],
        ['chi2', 'number'],
        ['chi2_p_value', 'number'],
        ['drift_status', 'string'],
        ['n_reference', 'number'],
        ['policy_measure', 'string'],
        ['policy_value', 'number'],
        ['policy_threshold', 'number'],
        ['policy_p_value', 'number'],
        ['why', 'string'],
      ],
      columns.map(({ group, f }) => [
        f.name,
        group,
        f.kind,
        f.actual.count,
        m(f, 'tvd'),
        m(f, 'hellinger'),
        m(f, 'kld'),
        m(f, 'kl'),
        m(f, 'psi'),
        m(f, 'js'),
        m(f, 'ks'),
        finiteOrNull(f.measures.ks?.pValue),
        m(f, 'wasserstein'),
        m(f, 'chi2'),
        finiteOrNull(f.measures.chi2?.pValue),
        f.decision?.status ?? 'UNKNOWN',
        f.n.reference,
        f.decision?.measure ?? null,
        finiteOrNull(f.decision?.value ?? undefined),
        f.decision?.threshold ?? null,
        finiteOrNull(f.decision?.adjustedPValue ?? undefined),
        why(f),
      ]),
    ),
  ];
}

/** Missing values, values outside the reference's range (numeric) or categories it did not keep (categorical). */
export async function dataQuality(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const report = await reportFor(ctx, endpoint);
  return [
    table(
      [
        ['feature_name', 'string'],
        ['kind', 'string'],
        ['count', 'number'],
        ['missing', 'number'],
        ['missing_share', 'number'],
        ['out_of_range_share', 'number'],
        ['actual_min', 'number'],
        ['actual_max', 'number'],
        ['expected_min', 'number'],
        ['expected_max', 'number'],
      ],
      keep(report.features, q.feature).map((f) => [
        f.name,
        f.kind,
        f.actual.count,
        f.actual.missing,
        finiteOrNull(f.quality.missingShare),
        finiteOrNull(f.quality.outOfRangeShare),
        finiteOrNull(f.actual.min),
        finiteOrNull(f.actual.max),
        finiteOrNull(f.expected.min),
        finiteOrNull(f.expected.max),
      ]),
    ),
  ];
}

// ------------------------------------------------------------------ series

/** At most MAX_DRIFT_POINTS points, never finer than the request's own step, within the `columns` read budget. */
function driftStep(ctx: QueryContext, q: TargetQuery, series: number): number {
  const { from, to } = ctx.window;
  const step = niceStep(
    Math.max(seriesStep(ctx, q), Math.ceil((to - from) / MAX_DRIFT_POINTS), RESOLUTION_MS.minute),
  );
  return budgetedStep(ctx, step, series, COLUMNS_RECORD_BUDGET);
}

const OVERALL_ONLY = ['drift_score', 'drifted_share'] as const;
type DriftSeriesMetric = DriftMetric | (typeof OVERALL_ONLY)[number];
export const DRIFT_SERIES_METRICS: readonly DriftSeriesMetric[] = [...DRIFT_METRICS, ...OVERALL_ONLY];

const mean = (values: number[]): number | null => {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
};

/** The overall value of a step: MLRun's score, the drifted share, or a measure's mean over the features. */
function overallValue(point: DriftPoint, metric: DriftSeriesMetric): number | null {
  const o = point.overall;
  if (metric === 'drift_score')
    return o.tvdMean === null || o.hellingerMean === null ? null : (o.tvdMean + o.hellingerMean) / 2;
  if (metric === 'drifted_share') return o.driftedShare;
  if (metric === 'tvd') return o.tvdMean;
  if (metric === 'hellinger') return o.hellingerMean;
  if (metric === 'kld') return o.kldMean;
  return mean(point.features.map((f) => f.measures[metric]?.value ?? Number.NaN));
}

/**
 * Drift measured per step against the reference. Without `feature`: one series per endpoint of
 * the features' mean (or MLRun's drift score, or the drifted share); with `feature`: one series
 * per feature. At most MAX_DRIFT_POINTS steps: each is a full drift computation.
 */
export async function driftOverTime(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const metric = pickMetric(q, DRIFT_SERIES_METRICS, 'tvd');
  if (q.feature && (OVERALL_ONLY as readonly string[]).includes(metric)) {
    throw new InvalidInputError(`metric "${metric}" is overall only`, [
      { path: 'feature', message: `drop "feature" to plot ${metric}` },
    ]);
  }
  const endpoints = await selectEndpoints(ctx, q);
  const names = endpointNames(endpoints);
  const stepMs = driftStep(ctx, q, endpoints.length);
  const measures: DriftMetric[] = (DRIFT_METRICS as readonly string[]).includes(metric)
    ? [metric as DriftMetric]
    : [];
  const series = await mapLimit(endpoints, 4, (e) => driftSeriesFor(ctx, e, stepMs, measures));
  return series.flatMap((s, i) => {
    const name = names.get(endpoints[i].id) ?? endpoints[i].id;
    if (!q.feature)
      return [
        timeSeries(
          `${name} ${metric}`,
          s.points.map((p) => [finiteOrNull(overallValue(p, metric)), p.time]),
        ),
      ];
    const prefix = endpoints.length > 1 ? `${name} ` : '';
    return q.feature.map((feature) =>
      timeSeries(
        `${prefix}${feature} ${metric}`,
        s.points.map((p) => [
          finiteOrNull(p.features.find((f) => f.name === feature)?.measures[metric as DriftMetric]?.value),
          p.time,
        ]),
      ),
    );
  });
}

export const QUALITY_METRICS = ['missing_share', 'out_of_range_share'] as const;

/** Missing or out-of-range share per step: per feature with `feature`, else the features' mean. */
export async function dataQualityOverTime(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const metric = pickMetric(q, QUALITY_METRICS, 'missing_share');
  const pick = (f: ColumnDrift) =>
    (metric === 'missing_share' ? f.quality.missingShare : f.quality.outOfRangeShare) ?? Number.NaN;
  const endpoint = await selectOneEndpoint(ctx, q);
  // Quality needs no drift measure; tvd and hellinger come with every step anyway.
  const s = await driftSeriesFor(ctx, endpoint, driftStep(ctx, q, 1), []);
  if (!q.feature)
    return [
      timeSeries(
        metric,
        s.points.map((p) => [finiteOrNull(mean(p.features.map(pick))), p.time]),
      ),
    ];
  return q.feature.map((feature) =>
    timeSeries(
      `${feature} ${metric}`,
      s.points.map((p) => {
        const f = p.features.find((c) => c.name === feature);
        return [f ? finiteOrNull(pick(f)) : null, p.time];
      }),
    ),
  );
}

// ------------------------------------------------------------------ histograms and samples

/**
 * One pre-bucketed histogram frame: `xMin`/`xMax` bucket bounds and one numeric field per series.
 * Grafana's histogram panel uses such a frame as it is (`getHistogramFields` in @grafana/data
 * takes fields named xMin/xMax as bucket bounds and every other numeric field as counts, and
 * HistogramPanel does so when it gets a single frame), so ask for one feature per panel.
 * Values are shares (each side sums to 1), so a 100-row reference and millions of predictions
 * compare. Numeric: the open outer bins are drawn one bin width beyond the reference range.
 * Categorical: bucket i is [i, i + 1), named in the `bin` field, the last one "other".
 */
/** The bins' bounds and names: numeric open outer bins drawn one bin width beyond the reference range. */
function binBounds(drift: ColumnDrift): { xMin: number[]; xMax: number[]; labels: string[] } {
  if ('edges' in drift.bins) {
    const edges = drift.bins.edges;
    const width = edges.length > 1 ? edges[1] - edges[0] : 1;
    const lows = [edges[0] - width, ...edges];
    const highs = [...edges, edges[edges.length - 1] + width];
    const labels = lows.map((lo, i) =>
      i === 0
        ? `< ${edges[0]}`
        : i === lows.length - 1
          ? `> ${edges[edges.length - 1]}`
          : `${lo} – ${highs[i]}`,
    );
    return { xMin: lows, xMax: highs, labels };
  }
  const labels = [...drift.bins.categories, 'other'];
  return { xMin: labels.map((_, i) => i), xMax: labels.map((_, i) => i + 1), labels };
}

/** The policy's explanation of a column's status and the bins that moved most, for the `why` column. */
function why(drift: ColumnDrift): string | null {
  const decision = drift.decision;
  if (!decision) return null;
  const { labels } = binBounds(drift);
  const bins = decision.topBins
    .map(
      (b) => `${labels[b.bin]} ${(100 * b.expectedShare).toFixed(1)}% → ${(100 * b.actualShare).toFixed(1)}%`,
    )
    .join(', ');
  return bins ? `${decision.reason}; bins moving most: ${bins}` : decision.reason;
}

export function histogramFrame(drift: ColumnDrift): DataFrame {
  const shares = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => (total > 0 ? c / total : null));
  };
  const { xMin, xMax, labels } = binBounds(drift);
  return frame(
    drift.name,
    [
      field('xMin', 'number', xMin),
      field('xMax', 'number', xMax),
      field('expected', 'number', shares(drift.histograms.expected), {
        config: { unit: 'percentunit', displayName: 'expected' },
      }),
      field('actual', 'number', shares(drift.histograms.actual), {
        config: { unit: 'percentunit', displayName: 'actual' },
      }),
      field('bin', 'string', labels),
    ],
    {
      custom: {
        feature: drift.name,
        kind: drift.kind,
        openOuterBins: 'edges' in drift.bins,
        // The bins contributing most to the distance (indices into the frame's rows), for highlighting.
        topBins: drift.decision?.topBins.map((b) => b.bin) ?? [],
      },
    },
  );
}

/** Expected (reference) vs actual (range) histograms, one frame per feature. */
export async function featureHistogram(ctx: QueryContext, q: TargetQuery): Promise<DataFrame[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const report = await reportFor(ctx, endpoint);
  return keep(report.features, q.feature).map(histogramFrame);
}

/** MLRun's incoming features: one series per numeric feature, from the bounded raw sample. */
export async function incomingFeatures(ctx: QueryContext, q: TargetQuery): Promise<TimeSeries[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const samples = await ctx.deps.store.listSamples(
    endpoint.id,
    new Date(ctx.window.from),
    new Date(ctx.window.to),
    q.limit ?? DEFAULT_SAMPLE_LIMIT,
  );
  const names = endpoint.features
    .filter((f) => f.kind === 'numeric' && (!q.feature || q.feature.includes(f.name)))
    .map((f) => f.name);
  return names.map((name) =>
    timeSeries(
      name,
      samples.flatMap((s) => {
        const value = s.features[name];
        return typeof value === 'number' && Number.isFinite(value)
          ? [[value, s.time.getTime()] as [number, number]]
          : [];
      }),
    ),
  );
}

/**
 * Segments in Grafana: the `segment_keys` and `segments` variables, the worst-segments table
 * (`segment_drift`), the segment x feature drift table (`segment_feature_drift`), and
 * `segment_key`/`segment` on the existing targets, which then answer once per segment.
 */
import { InvalidInputError } from '../errors';
import { OTHER_SEGMENT } from '../monitoring/segments/segmentDeclaration';
import type { SegmentScope } from '../monitoring/segments/segmentScope';
import type { TargetName, TargetQuery } from './targets';
import { selectOneEndpoint, type QueryContext } from './context';
import { table, type QueryResult, type Table } from './frames';

/** Targets that accept `segment_key` (+ `segment`): each then answers per segment. */
export const SEGMENTABLE_TARGETS: readonly TargetName[] = [
  'feature_drift',
  'drift_over_time',
  'feature_histogram',
  'data_quality',
  'data_quality_over_time',
  'accuracy',
  'predictions',
  'predictions_per_second',
  'latency',
  'errors',
  'error_rate',
  'heatmap',
  'latency_heatmap',
  'endpoint_summary',
];
const SEGMENTABLE: ReadonlySet<TargetName> = new Set(SEGMENTABLE_TARGETS);
/** Targets that read `segment_key` themselves. */
const SEGMENT_TARGETS: ReadonlySet<TargetName> = new Set([
  'segment_keys',
  'segments',
  'segment_drift',
  'segment_feature_drift',
]);
/** Rows of the worst-segments tables unless `limit` says otherwise. */
const DEFAULT_SEGMENT_LIMIT = 10;

/** Whether the target is asked per segment; a `segment_key` on a target that cannot be is a 400. */
export function asksPerSegment(q: TargetQuery): boolean {
  if (q.segment_key === undefined) {
    if (q.segment !== undefined && !SEGMENT_TARGETS.has(q.target_endpoint))
      throw new InvalidInputError(`${q.target_endpoint}: segment needs segment_key`, [
        { path: 'segment_key', message: 'the key the segment values belong to' },
      ]);
    return false;
  }
  if (SEGMENT_TARGETS.has(q.target_endpoint)) return false;
  if (!SEGMENTABLE.has(q.target_endpoint))
    throw new InvalidInputError(`${q.target_endpoint} does not take segment_key`, {
      targets: SEGMENTABLE_TARGETS,
    });
  return true;
}

/** A result of one segment, marked with it: a `segment` column, or the value in the series name and a label. */
function marked(result: QueryResult, segment: SegmentScope): QueryResult {
  if ('datapoints' in result) return { ...result, target: `${result.target} ${segment.value}` };
  if ('rows' in result)
    return {
      ...result,
      columns: [{ text: 'segment', type: 'string' }, ...result.columns],
      rows: result.rows.map((row) => [segment.value, ...row]),
    };
  return {
    ...result,
    name: `${result.name ?? ''} ${segment.value}`.trim(),
    fields: result.fields.map((f) =>
      f.type === 'time' ? f : { ...f, labels: { ...f.labels, segment: segment.value } },
    ),
  };
}

/** Answers `handler` once per asked segment of the target's (single) endpoint, each result marked. */
export async function perSegment(
  ctx: QueryContext,
  q: TargetQuery,
  handler: (ctx: QueryContext, q: TargetQuery) => Promise<QueryResult[]>,
): Promise<QueryResult[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const scopes = await ctx.deps.segments.scopes(endpoint, q.segment_key as string, q.segment);
  const inner: TargetQuery = { ...q, segment_key: undefined, segment: undefined };
  const results = await Promise.all(
    scopes.map(async (segment) => (await handler({ ...ctx, segment }, inner)).map((r) => marked(r, segment))),
  );
  return results.flat();
}

function keyOf(q: TargetQuery): string {
  if (q.segment_key === undefined)
    throw new InvalidInputError(`${q.target_endpoint} needs segment_key`, [
      { path: 'segment_key', message: "one of the endpoint's segment keys (target segment_keys lists them)" },
    ]);
  return q.segment_key;
}

/** The endpoint's declared keys. */
export async function segmentKeyNames(ctx: QueryContext, q: TargetQuery): Promise<string[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  return (await ctx.deps.segments.stateOf(endpoint.id)).keys.map((k) => k.key);
}

/** The values of a key holding a slot, then `other` when it had traffic in the window. */
export async function segmentValues(ctx: QueryContext, q: TargetQuery): Promise<string[]> {
  const endpoint = await selectOneEndpoint(ctx, q);
  const scopes = await ctx.deps.segments.scopes(endpoint, keyOf(q));
  const other = scopes.find((s) => s.value === OTHER_SEGMENT) as SegmentScope;
  const overflow = await ctx.deps.windows.counters(other.aggregatesId, ctx.window.from, ctx.window.to, {
    families: ['ops'],
  });
  return scopes.filter((s) => s !== other || overflow.get('n') > 0).map((s) => s.value);
}

export async function segmentKeysTable(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  return [
    table(
      [['segment_key', 'string']],
      (await segmentKeyNames(ctx, q)).map((k) => [k]),
    ),
  ];
}

export async function segmentsTable(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  return [
    table(
      [['segment', 'string']],
      (await segmentValues(ctx, q)).map((v) => [v]),
    ),
  ];
}

function ranking(ctx: QueryContext, q: TargetQuery) {
  return ctx.once(
    `segment-ranking:${q.endpoint_id?.join(',')}:${q.segment_key ?? ''}:${q.limit ?? ''}`,
    async () =>
      ctx.deps.segmentDrift.rank(await selectOneEndpoint(ctx, q), ctx.window.from, ctx.window.to, {
        key: q.segment_key,
        limit: q.limit ?? DEFAULT_SEGMENT_LIMIT,
      }),
  );
}

/** The worst segments of the window by the policy's score, with n and the worst feature. */
export async function segmentDrift(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const rows = await ranking(ctx, q);
  return [
    table(
      [
        ['segment_key', 'string'],
        ['segment', 'string'],
        ['n', 'number'],
        ['status', 'string'],
        ['score', 'number'],
        ['worst_feature', 'string'],
        ['worst_feature_score', 'number'],
      ],
      rows.map((r) => [r.segmentKey, r.segment, r.n, r.status, r.score, r.worstFeature, r.worstFeatureScore]),
    ),
  ];
}

/** Segment x feature: one row per segment (`key=value`, worst first), one column per feature with its drift score. */
export async function segmentFeatureDrift(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  const rows = await ranking(ctx, q);
  const features = [...new Set(rows.flatMap((r) => Object.keys(r.features)))].filter(
    (f) => !q.feature || q.feature.includes(f),
  );
  return [
    table(
      [['segment', 'string'], ...features.map((f): [string, 'number'] => [f, 'number'])],
      rows.map((r) => [`${r.segmentKey}=${r.segment}`, ...features.map((f) => r.features[f] ?? null)]),
    ),
  ];
}

/**
 * The Grafana-facing API as one service: parses each target, answers every one of them (MLRun's
 * proxy answered only the first) over the request's range, and dispatches to the query families.
 * Knows nothing of HTTP: the router hands it validated bodies and the caller's visible projects.
 */
import { estimatedAccuracySeries } from './performanceQueries';
import { InvalidInputError } from '../errors';
import { isTimeMs, MAX_TIME_MS, parseTime } from '../time';
import { referenceLineage } from './lineageQueries';
import { annotationsFrame, monitoringEvents, toAnnotations, type Annotation } from './annotations';
import {
  authorizeNamedEndpoints,
  requestCache,
  type Access,
  type GrafanaDeps,
  type QueryContext,
  type QueryWindow,
} from './context';
import {
  dataQuality,
  dataQualityOverTime,
  driftOverTime,
  featureDrift,
  featureHistogram,
  incomingFeatures,
  individualFeatureAnalysis,
  overallFeatureAnalysis,
} from './driftQueries';
import {
  endpointCount,
  endpointSummary,
  listEndpoints,
  listProjects,
  rollingFigures,
} from './endpointQueries';
import {
  experimentsTable,
  profilingSeries,
  profilingTable,
  runMetrics,
  runParams,
  runsTable,
} from './experimentQueries';
import { table, withRefId, type QueryResult } from './frames';
import {
  asksPerSegment,
  perSegment,
  segmentDrift,
  segmentFeatureDrift,
  segmentKeysTable,
  segmentsTable,
} from './segmentQueries';
import { alertStates, jobStates } from './monitoringQueries';
import { endpointHeatmap, latencyHeatmap, operationalSeries } from './operationalQueries';
import type {
  AnnotationRequest,
  PayloadOptionsRequest,
  QueryRequest,
  SearchRequest,
  TagValuesRequest,
  VariableRequest,
} from './requests';
import {
  CATALOGUE,
  TAG_KEYS,
  names,
  payloadOptions,
  tagValues,
  type MetricConfig,
  type NameOption,
} from './searchQueries';
import {
  normalizeQuery,
  parseTarget,
  parseTargetString,
  payloadToRaw,
  TARGET_NAMES,
  type RawQuery,
  type TargetName,
  type TargetQuery,
} from './targets';

type Handler = (ctx: QueryContext, q: TargetQuery) => Promise<QueryResult[]>;

/** Name lists asked through /query answer Grafana's variable-frame columns. */
const nameTable: Handler = async (ctx, q) => {
  const options = await names(ctx, q);
  return [
    table(
      [
        ['__text', 'string'],
        ['__value', 'string'],
      ],
      options.map((o) => [o.text, o.value]),
    ),
  ];
};

const HANDLERS: Record<TargetName, Handler> = {
  list_projects: (ctx) => listProjects(ctx),
  list_endpoints: listEndpoints,
  individual_feature_analysis: individualFeatureAnalysis,
  overall_feature_analysis: overallFeatureAnalysis,
  incoming_features: incomingFeatures,
  endpoint_count: endpointCount,
  endpoint_summary: endpointSummary,
  rolling_figures: rollingFigures,
  predictions_per_second: operationalSeries,
  predictions: operationalSeries,
  latency: operationalSeries,
  errors: operationalSeries,
  error_rate: operationalSeries,
  accuracy: operationalSeries,
  label_health: operationalSeries,
  estimated_accuracy: estimatedAccuracySeries,
  heatmap: endpointHeatmap,
  latency_heatmap: latencyHeatmap,
  segment_keys: segmentKeysTable,
  segments: segmentsTable,
  segment_drift: segmentDrift,
  segment_feature_drift: segmentFeatureDrift,
  feature_drift: featureDrift,
  drift_over_time: driftOverTime,
  feature_histogram: featureHistogram,
  data_quality: dataQuality,
  data_quality_over_time: dataQualityOverTime,
  experiments: experimentsTable,
  runs: runsTable,
  run_metrics: runMetrics,
  run_params: runParams,
  profiling: profilingTable,
  profiling_series: profilingSeries,
  annotations: annotationsFrame,
  reference_lineage: referenceLineage,
  alert_state: alertStates,
  job_state: jobStates,
  projects: nameTable,
  endpoints: nameTable,
  models: nameTable,
  features: nameTable,
  experiment_names: nameTable,
  run_numbers: nameTable,
  metric_names: nameTable,
  targets: nameTable,
};

/** Without a range (e.g. Infinity posting only targets) a query covers the last hour, as MLRun's did. */
const DEFAULT_RANGE_MS = 3_600_000;

function instant(value: string | number, now: Date, name: string): number {
  if (typeof value === 'number') {
    if (isTimeMs(value)) return value;
    throw new InvalidInputError(`${name} is not a time`, [
      { path: name, message: `${value} is outside the range of dates (±${MAX_TIME_MS} ms around 1970)` },
    ]);
  }
  try {
    return parseTime(value, now, name).getTime();
  } catch (err) {
    throw new InvalidInputError(`${name} is not a time`, [{ path: name, message: (err as Error).message }]);
  }
}

/** `range.from/to` (absolute, what Grafana resolved), else `rangeRaw` (`now-6h`), else the last hour. */
export function windowOf(
  request: {
    range?: { from: string | number; to: string | number };
    rangeRaw?: { from?: string; to?: string };
    intervalMs?: number;
    maxDataPoints?: number;
  },
  now: Date,
): QueryWindow {
  let from: number;
  let to: number;
  if (request.range) {
    from = instant(request.range.from, now, 'range.from');
    to = instant(request.range.to, now, 'range.to');
  } else {
    to = request.rangeRaw?.to ? instant(request.rangeRaw.to, now, 'rangeRaw.to') : now.getTime();
    from = request.rangeRaw?.from
      ? instant(request.rangeRaw.from, now, 'rangeRaw.from')
      : to - DEFAULT_RANGE_MS;
  }
  if (!(from < to)) {
    throw new InvalidInputError('the range is empty', [
      {
        path: 'range',
        message: `from ${new Date(from).toISOString()} is not before to ${new Date(to).toISOString()}`,
      },
    ]);
  }
  return { from, to, intervalMs: request.intervalMs, maxDataPoints: request.maxDataPoints };
}

/**
 * Ad hoc filters ("=" only) narrow the matching endpoint filter of every target; a filter that
 * excludes everything leaves an empty list, which `query` answers with no results.
 */
function applyAdhoc(q: TargetQuery, filters: QueryRequest['adhocFilters']): TargetQuery {
  const out: TargetQuery = { ...q };
  for (const key of TAG_KEYS) {
    const values = (filters ?? []).filter((f) => f.key === key).map((f) => f.value);
    if (values.length === 0) continue;
    const current = out[key];
    out[key] = current ? current.filter((v) => values.includes(v)) : values;
  }
  return out;
}

export class GrafanaService {
  constructor(
    private readonly deps: GrafanaDeps,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private context(window: QueryWindow, access: Access): QueryContext {
    return { deps: this.deps, window, access, segment: null, once: requestCache() };
  }

  /** Every visible target answered, in order, each result tagged with its refId. */
  async query(request: QueryRequest, access: Access): Promise<QueryResult[]> {
    const ctx = this.context(windowOf(request, this.clock()), access);
    const targets = request.targets
      .map((t, i) => ({ t, where: `targets.${i}` }))
      // Hidden queries and empty placeholders (a new panel's first row) are not asked for.
      .filter(
        ({ t }) => !t.hide && ((t.target !== undefined && t.target.trim() !== '') || t.payload !== undefined),
      );
    // Parse all first: one bad target fails the request before any work is done.
    const parsed = targets.map(({ t, where }) => parseTarget(t, where));
    for (const { refId, ignoredKeys } of parsed)
      if (ignoredKeys.length > 0) this.deps.logger.debug({ refId, ignoredKeys }, 'target keys ignored');
    const results = await Promise.all(
      parsed.map(async ({ refId, query }) => {
        const q = applyAdhoc(query, request.adhocFilters);
        await authorizeNamedEndpoints(ctx, q);
        if (TAG_KEYS.some((k) => q[k]?.length === 0)) return [];
        const handler = HANDLERS[q.target_endpoint];
        return withRefId(await (asksPerSegment(q) ? perSegment(ctx, q, handler) : handler(ctx, q)), refId);
      }),
    );
    return results.flat();
  }

  /** Classic SimpleJSON `/search`: names for a target, or the list of targets. Plain strings when text and value agree. */
  async search(request: SearchRequest, access: Access): Promise<Array<string | NameOption>> {
    const text = request.target?.trim() ?? '';
    if (text === '') return [...TARGET_NAMES];
    const q = normalizeQuery(parseTargetString(text, 'target'), 'target');
    const options = await names(this.context(windowOf({}, this.clock()), access), q);
    return options.map((o) => (o.text === o.value ? o.value : o));
  }

  /** simpod `/variable`: the same names as `{__text, __value}` rows. */
  async variable(
    request: VariableRequest,
    access: Access,
  ): Promise<Array<{ __text: string; __value: string }>> {
    const payload = request.payload;
    let raw: RawQuery;
    if (payload === undefined) raw = { target_endpoint: 'targets' };
    else if (typeof payload === 'object' && 'target' in payload && typeof payload.target === 'string')
      raw = parseTargetString(payload.target, 'payload.target');
    else raw = payloadToRaw(payload as Parameters<typeof payloadToRaw>[0]);
    const q = normalizeQuery(raw, 'payload');
    const options = await names(this.context(windowOf({ range: request.range }, this.clock()), access), q);
    return options.map((o) => ({ __text: o.text, __value: o.value }));
  }

  /** simpod `/metrics`: every query target with its payload fields. */
  metrics(): MetricConfig[] {
    return CATALOGUE;
  }

  async metricPayloadOptions(
    request: PayloadOptionsRequest,
    access: Access,
  ): Promise<Array<{ label: string; value: string }>> {
    const raw = request.payload === undefined ? {} : payloadToRaw(request.payload);
    // Only the fields that narrow option lists; the rest of a half-filled builder form is not validated here.
    const relevant: RawQuery = { target_endpoint: 'targets' };
    for (const key of ['project', 'endpoint_id', 'experiment'] as const)
      if (raw[key] !== undefined) relevant[key] = raw[key];
    const current = normalizeQuery(relevant, 'payload');
    return payloadOptions(
      this.context(windowOf({}, this.clock()), access),
      request.metric,
      request.name,
      current,
    );
  }

  /** SimpleJSON `/annotations`: the annotation's query is a target string (e.g. `project=$PROJECT;kind=drift_status`). */
  async annotations(request: AnnotationRequest, access: Access): Promise<Annotation[]> {
    const raw = request.annotation.query
      ? parseTargetString(request.annotation.query, 'annotation.query')
      : {};
    const q = normalizeQuery({ ...raw, target_endpoint: 'annotations' }, 'annotation.query');
    const events = await monitoringEvents(this.context(windowOf(request, this.clock()), access), q);
    return toAnnotations(events, request.annotation);
  }

  tagKeys(): Array<{ type: 'string'; text: string }> {
    return TAG_KEYS.map((text) => ({ type: 'string', text }));
  }

  tagValues(request: TagValuesRequest, access: Access): Promise<Array<{ text: string }>> {
    return tagValues(this.context(windowOf({}, this.clock()), access), request.key);
  }
}

/**
 * Names for template variables and query editors: `/search` (SimpleJSON), `/variable`, `/metrics`
 * and `/metric-payload-options` (simpod), `/tag-keys` and `/tag-values` (ad hoc filters).
 */
import { InvalidInputError } from '../errors';
import { endpointNames, selectEndpoints, visible, type QueryContext } from './context';
import { DRIFT_SERIES_METRICS, QUALITY_METRICS } from './driftQueries';
import { ACCURACY_METRICS, HEATMAP_METRICS, LATENCY_STATS } from './operationalQueries';
import { TARGET_NAMES, type TargetName, type TargetQuery } from './targets';
import { segmentKeyNames, segmentValues } from './segmentQueries';

export interface NameOption {
  text: string;
  value: string;
}

const same = (names: string[]): NameOption[] => names.map((n) => ({ text: n, value: n }));
const distinct = (values: string[]) => [...new Set(values)];

/** The targets that answer names; the others are queries. */
export const NAME_TARGETS: readonly TargetName[] = [
  'list_projects',
  'projects',
  'endpoints',
  'models',
  'features',
  'experiments',
  'experiment_names',
  'runs',
  'run_numbers',
  'metric_names',
  'targets',
  'segment_keys',
  'segments',
];

async function experimentRefs(ctx: QueryContext, q: TargetQuery) {
  const projects = visible(ctx.access, q.project);
  if (projects && projects.length === 0) return [];
  const list = await ctx.deps.experiments.list(projects);
  return list.filter((e) => !q.experiment || q.experiment.includes(e.name));
}

/** The names a name target lists, each with a display text (endpoints: `model:version`, value the id). */
export async function names(ctx: QueryContext, q: TargetQuery): Promise<NameOption[]> {
  switch (q.target_endpoint) {
    case 'list_projects':
    case 'projects': {
      const all = await ctx.deps.endpoints.listProjects();
      return same((visible(ctx.access, all) ?? all).filter((p) => !q.project || q.project.includes(p)));
    }
    case 'endpoints': {
      const endpoints = await selectEndpoints(ctx, q);
      const labels = endpointNames(endpoints);
      return endpoints.map((e) => ({ text: labels.get(e.id) ?? e.id, value: e.id }));
    }
    case 'models':
      return same(distinct((await selectEndpoints(ctx, q)).map((e) => e.model)));
    case 'features':
      return same(distinct((await selectEndpoints(ctx, q)).flatMap((e) => e.features.map((f) => f.name))));
    case 'experiments':
    case 'experiment_names':
      return same(distinct((await experimentRefs(ctx, q)).map((e) => e.name)));
    case 'runs':
    case 'run_numbers': {
      const refs = await experimentRefs(ctx, q);
      const runs = await Promise.all(refs.map((r) => ctx.deps.store.listRuns(r)));
      return same(distinct(runs.flat().map((r) => String(r.run))).sort((a, b) => Number(a) - Number(b)));
    }
    case 'metric_names': {
      const refs = await experimentRefs(ctx, q);
      const summaries = await Promise.all(refs.map((r) => ctx.deps.experiments.summary(r, q.run ?? 'all')));
      return same(distinct(summaries.flat().flatMap((s) => Object.keys(s.metrics))).sort());
    }
    case 'targets':
      return same([...TARGET_NAMES]);
    case 'segment_keys':
      return same(await segmentKeyNames(ctx, q));
    case 'segments':
      return same(await segmentValues(ctx, q));
    default:
      throw new InvalidInputError(`${q.target_endpoint} is a query, not a list of names: use it in /query`, {
        names: NAME_TARGETS,
      });
  }
}

// ------------------------------------------------------------------ simpod's builder catalogue

export interface PayloadSpec {
  name: string;
  label?: string;
  type: 'select' | 'multi-select' | 'input';
  placeholder?: string;
  reloadMetric?: boolean;
  options?: Array<{ label?: string; value: string }>;
}

export interface MetricConfig {
  label: string;
  value: TargetName;
  payloads: PayloadSpec[];
}

const fixed = (name: string, values: readonly string[], label?: string): PayloadSpec => ({
  name,
  label,
  type: 'select',
  options: values.map((v) => ({ label: v, value: v })),
});
const project: PayloadSpec = { name: 'project', type: 'multi-select', reloadMetric: true };
const endpoints: PayloadSpec = { name: 'endpoint_id', label: 'endpoints', type: 'multi-select' };
const endpoint: PayloadSpec = { name: 'endpoint_id', label: 'endpoint', type: 'select' };
const feature: PayloadSpec = { name: 'feature', type: 'multi-select' };
const experiment: PayloadSpec = { name: 'experiment', type: 'multi-select', reloadMetric: true };
const run: PayloadSpec = { name: 'run', type: 'input', placeholder: 'all, 3, -1 (latest) or 2-5' };
const key: PayloadSpec = { name: 'key', label: 'metric', type: 'multi-select' };
const segmentKey: PayloadSpec = { name: 'segment_key', type: 'input', placeholder: 'e.g. country' };
const limit: PayloadSpec = { name: 'limit', type: 'input', placeholder: 'segments (default 10)' };
const step: PayloadSpec = { name: 'step', type: 'input', placeholder: 'e.g. 15m (default: from the panel)' };

/** What `/metrics` offers simpod's builder: every query target with its payload fields. */
export const CATALOGUE: MetricConfig[] = [
  { value: 'list_endpoints', label: 'Endpoints (MLRun table)', payloads: [project] },
  {
    value: 'individual_feature_analysis',
    label: 'Feature analysis (MLRun table)',
    payloads: [project, endpoint],
  },
  { value: 'overall_feature_analysis', label: 'Overall drift (MLRun table)', payloads: [project, endpoint] },
  {
    value: 'incoming_features',
    label: 'Incoming features (raw sample)',
    payloads: [project, endpoint, feature],
  },
  { value: 'endpoint_count', label: 'Endpoint count', payloads: [project] },
  { value: 'endpoint_summary', label: 'Endpoint summary', payloads: [project, endpoints] },
  {
    value: 'rolling_figures',
    label: 'Predictions/s, counts and latency (5m, 1h)',
    payloads: [project, endpoints],
  },
  { value: 'predictions_per_second', label: 'Predictions per second', payloads: [project, endpoints, step] },
  { value: 'predictions', label: 'Predictions per step', payloads: [project, endpoints, step] },
  {
    value: 'latency',
    label: 'Latency (ms)',
    payloads: [project, endpoints, { ...fixed('stat', LATENCY_STATS) }, step],
  },
  { value: 'errors', label: 'Errors per step', payloads: [project, endpoints, step] },
  { value: 'error_rate', label: 'Error rate', payloads: [project, endpoints, step] },
  {
    value: 'accuracy',
    label: 'Accuracy over time',
    payloads: [project, endpoints, fixed('metric', ACCURACY_METRICS), step],
  },
  {
    value: 'heatmap',
    label: 'Heat map per endpoint',
    payloads: [project, endpoints, fixed('metric', HEATMAP_METRICS), step],
  },
  { value: 'latency_heatmap', label: 'Latency heat map', payloads: [project, endpoint, step] },
  {
    value: 'feature_drift',
    label: 'Drift per feature (all measures)',
    payloads: [project, endpoint, feature],
  },
  {
    value: 'drift_over_time',
    label: 'Drift over time',
    payloads: [project, endpoints, fixed('metric', DRIFT_SERIES_METRICS), feature, step],
  },
  {
    value: 'feature_histogram',
    label: 'Feature histogram, expected vs actual',
    payloads: [project, endpoint, feature],
  },
  { value: 'data_quality', label: 'Data quality per feature', payloads: [project, endpoint, feature] },
  {
    value: 'data_quality_over_time',
    label: 'Data quality over time',
    payloads: [project, endpoint, fixed('metric', QUALITY_METRICS), feature, step],
  },
  { value: 'segment_keys', label: 'Segment keys of an endpoint', payloads: [project, endpoint] },
  { value: 'segments', label: 'Segments of a key', payloads: [project, endpoint, segmentKey] },
  {
    value: 'segment_drift',
    label: 'Worst segments (drift)',
    payloads: [project, endpoint, { ...segmentKey, placeholder: 'all keys' }, limit],
  },
  {
    value: 'segment_feature_drift',
    label: 'Segment x feature drift',
    payloads: [project, endpoint, { ...segmentKey, placeholder: 'all keys' }, feature, limit],
  },
  {
    value: 'annotations',
    label: 'Drift status changes and alerts',
    payloads: [project, endpoints, { name: 'kind', type: 'input', placeholder: 'e.g. drift_status' }],
  },
  { value: 'alert_state', label: 'Alert states (rule x endpoint)', payloads: [project, endpoints] },
  { value: 'job_state', label: 'Monitor jobs', payloads: [project] },
  { value: 'experiments', label: 'Experiments', payloads: [project] },
  { value: 'runs', label: 'Runs', payloads: [project, experiment, run, key] },
  {
    value: 'run_metrics',
    label: 'Run metrics',
    payloads: [project, experiment, run, key, fixed('by', ['time', 'step'])],
  },
  { value: 'run_params', label: 'Run params', payloads: [project, experiment, run] },
  { value: 'profiling', label: 'Profiling statistics', payloads: [project, experiment, run] },
  {
    value: 'profiling_series',
    label: 'Profiling statistics over time',
    payloads: [project, experiment, run, key],
  },
];

/** Which name list fills each payload field that has no fixed options. */
const OPTION_SOURCES: Record<string, { target: TargetName; keys: Array<keyof TargetQuery> }> = {
  project: { target: 'projects', keys: [] },
  endpoint_id: { target: 'endpoints', keys: ['project'] },
  model: { target: 'models', keys: ['project'] },
  feature: { target: 'features', keys: ['project', 'endpoint_id'] },
  experiment: { target: 'experiment_names', keys: ['project'] },
  run: { target: 'run_numbers', keys: ['project', 'experiment'] },
  key: { target: 'metric_names', keys: ['project', 'experiment'] },
};

/** Options of one payload field given the others (simpod's `/metric-payload-options`). */
export async function payloadOptions(
  ctx: QueryContext,
  metric: string | undefined,
  name: string,
  current: TargetQuery,
): Promise<Array<{ label: string; value: string }>> {
  const spec = CATALOGUE.find((c) => c.value === metric)?.payloads.find((p) => p.name === name);
  if (spec?.options) return spec.options.map((o) => ({ label: o.label ?? o.value, value: o.value }));
  const source = OPTION_SOURCES[name];
  if (!source) return [];
  const q: TargetQuery = { target_endpoint: source.target };
  for (const k of source.keys) (q as Record<string, unknown>)[k] = current[k];
  return (await names(ctx, q)).map((o) => ({ label: o.text, value: o.value }));
}

/** Ad hoc filter keys: the endpoint filters every monitoring target understands. */
export const TAG_KEYS = ['project', 'model', 'function', 'endpoint_id'] as const;
export type TagKey = (typeof TAG_KEYS)[number];

export async function tagValues(ctx: QueryContext, key: TagKey): Promise<Array<{ text: string }>> {
  if (key === 'project')
    return (await names(ctx, { target_endpoint: 'projects' })).map((o) => ({ text: o.value }));
  const endpointsSeen = await selectEndpoints(ctx, { target_endpoint: 'endpoints' });
  const values = endpointsSeen.map((e) =>
    key === 'model' ? e.model : key === 'function' ? e.function : e.id,
  );
  return distinct(values).map((text) => ({ text }));
}

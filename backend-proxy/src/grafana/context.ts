/**
 * What every query family gets: the services it reads, the request's time window and step
 * budget, and which projects the caller may see. Also the one way targets pick endpoints.
 */
import { assertProject, visibleProjects, type ProjectAccess } from '../auth/apiKeyService';
import { InvalidInputError } from '../errors';
import type { AlertService } from '../monitoring/alerts/alertService';
import type { DriftService } from '../monitoring/analysis/driftService';
import type { EstimatedPerformanceService } from '../monitoring/analysis/estimatedPerformanceService';
import type { EndpointService } from '../monitoring/endpoints/endpointService';
import type { JobService } from '../monitoring/jobs/jobService';
import type { ReferenceService } from '../monitoring/reference/referenceService';
import type { SegmentDriftService } from '../monitoring/segments/segmentDrift';
import type { SegmentScope } from '../monitoring/segments/segmentScope';
import type { SegmentService } from '../monitoring/segments/segmentService';
import type { MetricsService } from '../monitoring/windows/metricsService';
import type { WindowService } from '../monitoring/windows/windowService';
import type { EndpointRecord, Store } from '../store/types';
import type { Logger } from '../logger';
import type { ExperimentService } from '../tracking/experimentService';
import type { TargetQuery } from './targets';

export interface GrafanaDeps {
  store: Store;
  endpoints: EndpointService;
  references: ReferenceService;
  windows: WindowService;
  metrics: MetricsService;
  drift: DriftService;
  estimatedPerformance: EstimatedPerformanceService;
  experiments: ExperimentService;
  alerts: AlertService;
  jobs: JobService;
  segments: SegmentService;
  segmentDrift: SegmentDriftService;
  logger: Logger;
}

/** [from, to) in epoch ms, with Grafana's step hints. */
export interface QueryWindow {
  from: number;
  to: number;
  intervalMs?: number;
  maxDataPoints?: number;
}

/** The caller's name and project restriction (projects null: every project). */
export type Access = ProjectAccess;

export interface QueryContext {
  deps: GrafanaDeps;
  window: QueryWindow;
  access: Access;
  /** The one segment a target reads (segmentQueries.ts perSegment); null: the whole endpoint. */
  segment: SegmentScope | null;
  /**
   * Computes a read once per request: a panel's targets often need the same drift report, series
   * or rolling figures (every target shares the request's window). Results must not be mutated.
   */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** A context's `once`, over a fresh cache. */
export function requestCache(): QueryContext['once'] {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = compute();
      cache.set(key, hit);
    }
    return hit;
  };
}

/** More than any dashboard lists; the store pages below this. */
const MAX_ENDPOINTS = 10_000;

/** The asked projects narrowed to the visible ones (undefined: all visible ones). */
export const visible = visibleProjects;

/**
 * The endpoints a target names: by `endpoint_id` (each must exist, else 400, and be visible,
 * else 403), narrowed by the other filters; or every visible endpoint matching the filters.
 */
/** A target naming an endpoint the caller may not see is refused, whatever the target reads. */
export async function authorizeNamedEndpoints(ctx: QueryContext, q: TargetQuery): Promise<void> {
  for (const id of q.endpoint_id ?? []) {
    const endpoint = await ctx.deps.store.getEndpoint(id);
    if (endpoint) assertProject(ctx.access, endpoint.project);
  }
}

export async function selectEndpoints(ctx: QueryContext, q: TargetQuery): Promise<EndpointRecord[]> {
  const { store } = ctx.deps;
  if (q.endpoint_id) {
    const found = await Promise.all(q.endpoint_id.map((id) => store.getEndpoint(id)));
    const unknown = q.endpoint_id.filter((_, i) => found[i] === null);
    if (unknown.length)
      throw new InvalidInputError(`unknown endpoint id${unknown.length > 1 ? 's' : ''}`, {
        endpoint_id: unknown,
      });
    const endpoints = found as EndpointRecord[];
    for (const endpoint of endpoints) assertProject(ctx.access, endpoint.project);
    return endpoints.filter(
      (e) =>
        (!q.project || q.project.includes(e.project)) &&
        (!q.model || q.model.includes(e.model)) &&
        (!q.function || q.function.includes(e.function)) &&
        Object.entries(q.labels ?? {}).every(([k, v]) => e.labels[k] === v),
    );
  }
  const projects = visible(ctx.access, q.project);
  if (projects && projects.length === 0) return [];
  const page = await store.listEndpoints(
    { projects, models: q.model, functions: q.function, labels: q.labels },
    { offset: 0, limit: MAX_ENDPOINTS },
  );
  return page.items;
}

/** Exactly one endpoint, for targets that describe a single one (feature analysis, histograms). */
export async function selectOneEndpoint(ctx: QueryContext, q: TargetQuery): Promise<EndpointRecord> {
  if (!q.endpoint_id || q.endpoint_id.length !== 1) {
    throw new InvalidInputError(`${q.target_endpoint} needs one endpoint_id`, [
      { path: 'endpoint_id', message: 'give exactly one endpoint id' },
    ]);
  }
  const [endpoint] = await selectEndpoints(ctx, {
    ...q,
    project: undefined,
    model: undefined,
    function: undefined,
    labels: undefined,
  });
  return endpoint;
}

/** Readable names (`model:version`), made unique with project and function where two collide. */
export function endpointNames(endpoints: EndpointRecord[]): Map<string, string> {
  const short = (e: EndpointRecord) => `${e.model}:${e.version}`;
  const counts = new Map<string, number>();
  for (const e of endpoints) counts.set(short(e), (counts.get(short(e)) ?? 0) + 1);
  return new Map(
    endpoints.map((e) => [
      e.id,
      (counts.get(short(e)) ?? 0) > 1 ? `${e.project}/${e.function}/${short(e)}` : short(e),
    ]),
  );
}

/** Runs `fn` over items with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Annotations: the monitoring events recorded in a time range (drift status changes, and alert
 * firing/resolving once alerting records them), for SimpleJSON's `/annotations` and as a frame
 * through `/query` (Grafana reads `time`, `timeEnd`, `title`, `text` and `tags` fields as annotations).
 */
import { firstTrafficEvents } from '../monitoring/endpoints/firstTraffic';
import { FIRST_TRAFFIC_EVENT } from '../monitoring/reference/referenceEvents';
import type { MonitoringEventRecord } from '../store/types';
import { selectEndpoints, visible, type QueryContext } from './context';
import { field, frame, type DataFrame } from './frames';
import type { TargetQuery } from './targets';

const DEFAULT_LIMIT = 1_000;

/** Events of the range, narrowed by project, endpoint filters and `kind`. */
export async function monitoringEvents(ctx: QueryContext, q: TargetQuery): Promise<MonitoringEventRecord[]> {
  const projects = visible(ctx.access, q.project);
  if (projects && projects.length === 0) return [];
  // Endpoint filters name endpoints (unknown ids are a 400); without them project-wide events (alerts) are included.
  const byEndpoint = q.endpoint_id || q.model || q.function || q.labels;
  const endpointIds = byEndpoint ? (await selectEndpoints(ctx, q)).map((e) => e.id) : undefined;
  if (endpointIds && endpointIds.length === 0) return [];
  const limit = q.limit ?? DEFAULT_LIMIT;
  const from = new Date(ctx.window.from);
  const to = new Date(ctx.window.to);
  const stored = await ctx.deps.store.listMonitoringEvents({
    from,
    to,
    projects,
    endpointIds,
    kinds: q.kind,
    limit,
  });
  if (q.kind && !q.kind.includes(FIRST_TRAFFIC_EVENT)) return stored;
  const derived = firstTrafficEvents(await selectEndpoints(ctx, q), from, to);
  return [...stored, ...derived].sort((a, b) => a.time.getTime() - b.time.getTime()).slice(0, limit);
}

/** SimpleJSON's annotation answer: the request's annotation echoed with each event. */
export interface Annotation {
  annotation?: unknown;
  time: number;
  timeEnd: number;
  title: string;
  text: string;
  tags: string[];
}

export function toAnnotations(events: MonitoringEventRecord[], annotation: unknown): Annotation[] {
  return events.map((e) => ({
    ...(annotation === undefined ? {} : { annotation }),
    time: e.time.getTime(),
    timeEnd: e.time.getTime(),
    title: e.title,
    text: e.text,
    tags: e.tags,
  }));
}

export async function annotationsFrame(ctx: QueryContext, q: TargetQuery): Promise<DataFrame[]> {
  const events = await monitoringEvents(ctx, q);
  return [
    frame('annotations', [
      field(
        'time',
        'time',
        events.map((e) => e.time.getTime()),
      ),
      field(
        'timeEnd',
        'time',
        events.map((e) => e.time.getTime()),
      ),
      field(
        'title',
        'string',
        events.map((e) => e.title),
      ),
      field(
        'text',
        'string',
        events.map((e) => e.text),
      ),
      field(
        'tags',
        'other',
        events.map((e) => e.tags),
      ),
      field(
        'kind',
        'string',
        events.map((e) => e.kind),
      ),
      field(
        'project',
        'string',
        events.map((e) => e.project),
      ),
      field(
        'endpoint_id',
        'string',
        events.map((e) => e.endpointId),
      ),
    ]),
  ];
}

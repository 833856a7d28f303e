/**
 * Builds what the proxy's `/query`, `/variable` and `/annotations` take from a query of this
 * plugin, and interpolates Grafana's template variables the way the proxy expects them: the
 * `regex` format (multi-value variables as `(a|b)`, special characters backslash-escaped), which
 * the proxy undoes (see backend-proxy/src/grafana/targets.ts).
 */
import type { ScopedVars } from '@grafana/data';
import type {
  DriftwatchQuery,
  DriftwatchVariableQuery,
  EditorMode,
  Payload,
  PayloadValue,
  VariableKind,
} from './types';

/** Interpolates one string; the data source passes Grafana's template service here. */
export type Interpolate = (text: string, scopedVars?: ScopedVars) => string;

/** One target of the proxy's `/query` body. */
export interface WireTarget {
  refId: string;
  target: string;
  payload?: Record<string, string | string[]>;
}

const isEmpty = (v: PayloadValue | undefined) =>
  v === undefined || (Array.isArray(v) ? v.length === 0 : v.trim() === '');

/** The payload without empty fields. */
export function cleanPayload(payload: Payload | undefined): Payload {
  const out: Payload = {};
  for (const [key, value] of Object.entries(payload ?? {})) if (!isEmpty(value)) out[key] = value;
  return out;
}

/** Raw when asked for, or when a query without a mode carries a target string (SimpleJSON's shape). */
export function modeOf(query: DriftwatchQuery): EditorMode {
  return query.editorMode ?? ((query.target ?? '').trim() !== '' ? 'raw' : 'builder');
}

/** Whether a query has anything to send (a new panel's empty row has not). */
export function hasTarget(query: DriftwatchQuery): boolean {
  return modeOf(query) === 'raw' ? (query.target ?? '').trim() !== '' : (query.queryType ?? '').trim() !== '';
}

/** The query with every variable replaced: what Explore and dashboard links carry. */
export function interpolateQuery(
  query: DriftwatchQuery,
  interpolate: Interpolate,
  scopedVars?: ScopedVars,
): DriftwatchQuery {
  const payload: Payload = {};
  for (const [key, value] of Object.entries(query.payload ?? {})) {
    payload[key] = Array.isArray(value)
      ? value.map((v) => interpolate(v, scopedVars))
      : interpolate(value, scopedVars);
  }
  return {
    ...query,
    ...(query.payload ? { payload } : {}),
    ...(query.target !== undefined ? { target: interpolate(query.target, scopedVars) } : {}),
  };
}

/**
 * Builder queries go as `{target: <queryType>, payload}` (a bare target name plus JSON keys, as
 * simpod sends them); raw ones as `{target: <the MLRun string>}`. `defaultProject` fills an empty
 * project.
 */
export function toWireTarget(query: DriftwatchQuery, defaultProject?: string): WireTarget {
  if (modeOf(query) === 'raw') return { refId: query.refId, target: (query.target ?? '').trim() };
  const payload = cleanPayload(query.payload);
  if (defaultProject && payload.project === undefined && needsProject(query.queryType ?? ''))
    payload.project = defaultProject;
  return {
    refId: query.refId,
    target: query.queryType ?? '',
    ...(Object.keys(payload).length ? { payload } : {}),
  };
}

/** Targets whose payload starts with a project (everything but the target list and list_projects). */
function needsProject(target: string): boolean {
  return !['list_projects', 'projects', 'targets'].includes(target);
}

/** `key=value;...` for a variable query; values are interpolated already. */
/** Which narrowing fields a variable kind takes (the editor shows them, the target sends them). */
export const variableFieldsOf = (kind: VariableKind) => ({
  endpoint: kind === 'features' || kind === 'segment_keys' || kind === 'segments',
  segmentKey: kind === 'segments',
  experiment: kind === 'run_numbers' || kind === 'metric_names',
  run: kind === 'metric_names',
});

export function variableTarget(query: DriftwatchVariableQuery): string {
  if (query.target && query.target.trim() !== '') return query.target.trim();
  const kind = query.kind ?? 'projects';
  const parts = [`target_endpoint=${kind}`];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') parts.push(`${key}=${value.trim()}`);
  };
  const fields = variableFieldsOf(kind);
  add('project', query.project);
  if (fields.endpoint) add('endpoint_id', query.endpointId);
  if (fields.segmentKey) add('segment_key', query.segmentKey);
  if (fields.experiment) add('experiment', query.experiment);
  if (fields.run) add('run', query.run);
  return parts.join(';');
}

/** Variable query fields interpolated. */
export function interpolateVariableQuery(
  query: DriftwatchVariableQuery,
  interpolate: Interpolate,
  scopedVars?: ScopedVars,
): DriftwatchVariableQuery {
  const i = (v: string | undefined) => (v === undefined ? undefined : interpolate(v, scopedVars));
  return {
    ...query,
    project: i(query.project),
    endpointId: i(query.endpointId),
    segmentKey: i(query.segmentKey),
    experiment: i(query.experiment),
    run: i(query.run),
    target: i(query.target),
  };
}

/** Variables saved by older Grafana versions (or typed by hand) are plain strings: a raw target. */
export function toVariableQuery(
  query: DriftwatchVariableQuery | string | undefined,
): DriftwatchVariableQuery {
  if (typeof query === 'string') return query.trim() === '' ? { kind: 'projects' } : { target: query };
  if (!query) return { kind: 'projects' };
  return query.kind || (query.target ?? '').trim() !== '' ? query : { ...query, kind: 'projects' };
}

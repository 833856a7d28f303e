/**
 * The target language of the Grafana API: MLRun's `key=value` pairs joined by `;` (e.g.
 * `project=$PROJECT;target_endpoint=list_endpoints`), or the same keys as a JSON `payload`
 * (simpod-json-datasource), parsed into one typed, validated query.
 *
 * Grafana interpolates variables before sending. SimpleJSON and simpod use the `regex` format:
 * special characters are backslash-escaped (`churn\.v1`) and multi-value variables become
 * `(a|b)`; the default `glob` format gives `{a,b}`; simpod's JSON payloads may carry arrays. All
 * of these are undone here, so services only ever see plain values.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors';
import {
  endpointIdSchema,
  experimentName,
  identifier,
  projectName,
  segmentKeySchema,
  segmentValueSchema,
} from '../schemas/names';
import { parseDuration } from '../time';

/** Every query a target can name, grouped as the dashboards use them. */
export const TARGET_NAMES = [
  // MLRun's proxy, same tables and columns.
  'list_projects',
  'list_endpoints',
  'individual_feature_analysis',
  'overall_feature_analysis',
  'incoming_features',
  // Endpoints.
  'endpoint_count',
  'endpoint_summary',
  'rolling_figures',
  // Operational series and heat maps.
  'predictions_per_second',
  'predictions',
  'latency',
  'errors',
  'error_rate',
  'accuracy',
  'label_health',
  'heatmap',
  'latency_heatmap',
  // Performance without labels: estimated vs realized accuracy, band and gap.
  'estimated_accuracy',
  // Segments (monitoring/segments): keys and values for variables, the worst segments, segment x feature drift.
  'segment_keys',
  'segments',
  'segment_drift',
  'segment_feature_drift',
  // Drift and data quality.
  'feature_drift',
  'drift_over_time',
  'feature_histogram',
  'data_quality',
  'data_quality_over_time',
  // Experiments.
  'experiments',
  'runs',
  'run_metrics',
  'run_params',
  'profiling',
  'profiling_series',
  // Annotations as a query (drift status changes, alerts, reference changes, first traffic).
  'annotations',
  // Where endpoints' references came from (experiment run artifacts).
  'reference_lineage',
  // Alerting and monitor jobs.
  'alert_state',
  'job_state',
  // Names for template variables (/search, /variable); as queries they answer one-column tables.
  'projects',
  'endpoints',
  'models',
  'features',
  'experiment_names',
  'run_numbers',
  'metric_names',
  'targets',
] as const;

export type TargetName = (typeof TARGET_NAMES)[number];

/** A value of "everything": Grafana's All option with or without a custom all value. */
const ALL_VALUES = new Set(['$__all', '*', '.*']);

type RawValue = string | string[];
/** Keys to values as sent, before unescaping and validation. */
export type RawQuery = Record<string, RawValue>;

/** Removes the backslashes Grafana's regex formatting puts before special characters. */
export function unescapeGrafana(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Splits `s` on `separator` where it is not backslash-escaped. */
function splitUnescaped(s: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      current += c + s[i + 1];
      i += 1;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * One interpolated value as a list: `(a|b)` (regex format) and `{a,b}` (glob format) are
 * multi-value variables; anything else is one value. Escapes are removed after splitting, so
 * an escaped `\|` or `\(` stays part of a value.
 */
export function splitMultiValue(raw: string): string[] {
  const text = raw.trim();
  let parts: string[];
  if (text.length >= 2 && text.startsWith('(') && text.endsWith(')') && !text.endsWith('\\)')) {
    parts = splitUnescaped(text.slice(1, -1), '|');
  } else if (text.length >= 2 && text.startsWith('{') && text.endsWith('}') && !text.endsWith('\\}')) {
    parts = splitUnescaped(text.slice(1, -1), ',');
  } else {
    parts = [text];
  }
  return parts.map((p) => unescapeGrafana(p.trim())).filter((p) => p !== '');
}

/** `key=value;key=value` (newlines count as `;`, as MLRun's raw queries used them); a bare word names the target. */
export function parseTargetString(text: string, where = 'target'): RawQuery {
  const out: RawQuery = {};
  const parts = text
    .split(/[;\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (parts.length === 1 && /^[a-z_]+$/.test(part)) {
        out.target_endpoint = part;
        continue;
      }
      throw new InvalidInputError(`"${part}" is not key=value`, [
        { path: where, message: 'targets look like project=p;target_endpoint=list_endpoints' },
      ]);
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === '')
      throw new InvalidInputError(`"${part}" has no key`, [
        { path: where, message: 'every part is key=value' },
      ]);
    out[key] = value;
  }
  return out;
}

const payloadValue = z.union([
  z.string().max(4_096),
  z.number().finite(),
  z.boolean(),
  z.array(z.union([z.string().max(4_096), z.number().finite()])).max(1_000),
]);
/** simpod sends the payload as an object, or as the JSON text typed in its code editor. */
export const payloadSchema = z.union([z.record(z.string().max(64), payloadValue), z.string().max(16_384)]);
export type Payload = z.output<typeof payloadSchema>;

export function payloadToRaw(payload: Payload, where = 'payload'): RawQuery {
  let object: unknown = payload;
  if (typeof payload === 'string') {
    if (payload.trim() === '') return {};
    try {
      object = JSON.parse(payload);
    } catch (err) {
      throw new InvalidInputError('payload is not JSON', [{ path: where, message: (err as Error).message }]);
    }
  }
  const checked = z.record(z.string().max(64), payloadValue).safeParse(object);
  if (!checked.success) {
    throw new InvalidInputError(
      'payload must be an object of strings, numbers, booleans or lists of them',
      checked.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
    );
  }
  const out: RawQuery = {};
  for (const [key, value] of Object.entries(checked.data))
    out[key] = Array.isArray(value) ? value.map(String) : String(value);
  return out;
}

// ------------------------------------------------------------------ the typed query

const labelPair = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,63}[:=].{0,256}$/, 'labels look like key:value or key=value');
const freeName = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 32), 'no control characters');

const one = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .length(1, 'takes a single value')
    .transform((values) => values[0] as z.output<T>);
const many = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(1_000);

const stepValue = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === null || ms < 60_000) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration of at least 1m (e.g. 15m, 1h)` });
    return z.NEVER;
  }
  return ms;
});

const querySchema = z.strictObject({
  target_endpoint: one(
    z.enum(TARGET_NAMES, { error: (i) => `unknown target_endpoint ${JSON.stringify(i.input)}` }),
  ),
  project: many(projectName).optional(),
  endpoint_id: many(endpointIdSchema).optional(),
  model: many(identifier).optional(),
  function: many(identifier).optional(),
  labels: many(labelPair)
    .transform((pairs) =>
      Object.fromEntries(
        pairs.map((p) => {
          const at = p.search(/[:=]/);
          return [p.slice(0, at), p.slice(at + 1)];
        }),
      ),
    )
    .optional(),
  feature: many(freeName).optional(),
  /** Restricts a target to the segments of this key (all of them, or those named by `segment`). */
  segment_key: one(segmentKeySchema).optional(),
  segment: many(segmentValueSchema).optional(),
  metric: one(z.string().regex(/^[a-z0-9_]{1,64}$/, 'a metric name')).optional(),
  stat: one(z.enum(['mean', 'p50', 'p95', 'p99'])).optional(),
  experiment: many(experimentName).optional(),
  run: many(z.string().regex(/^(all|\*|-?\d+(-\d+)?)$/, 'a run selector: all, 3, -1 or 2-5'))
    .transform((v) => v.join(','))
    .optional(),
  key: many(freeName).optional(),
  by: one(z.enum(['step', 'time'])).optional(),
  kind: many(identifier).optional(),
  step: one(stepValue).optional(),
  limit: one(z.coerce.number().int().min(1).max(10_000)).optional(),
  // MLRun's list_endpoints options: `metrics` named the extra columns (ours are always present), `tag` was ignored.
  metrics: many(freeName).optional(),
  tag: many(freeName).optional(),
});

export type TargetQuery = z.output<typeof querySchema>;

export interface ParsedTarget {
  refId: string | undefined;
  query: TargetQuery;
  /** Keys the query carried that no target uses (e.g. MLRun's `filter_router`), dropped. */
  ignoredKeys: string[];
}

/** The keys a target may carry; any other key is ignored, as MLRun's proxy ignores keys it does not read. */
export const QUERY_KEYS: ReadonlySet<string> = new Set(Object.keys(querySchema.shape));

/**
 * Unescaped, split values with "All" turned into "no filter"; then validated. Keys outside
 * QUERY_KEYS are dropped and their names pushed onto `ignoredKeys` (MLRun 1.4+ Overview sends
 * `filter_router=True`); a known key with a bad value, or an unknown target, is still a 400.
 */
export function normalizeQuery(raw: RawQuery, where: string, ignoredKeys: string[] = []): TargetQuery {
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!QUERY_KEYS.has(key)) {
      ignoredKeys.push(key);
      continue;
    }
    // simpod interpolates each array item on its own, so an item can itself be a multi-value "(a|b)".
    const values = (Array.isArray(value) ? value.flatMap(splitMultiValue) : splitMultiValue(value))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0 || values.some((v) => ALL_VALUES.has(v))) continue;
    lists[key] = values;
  }
  if (!('target_endpoint' in lists)) {
    throw new InvalidInputError(`${where}: no target_endpoint`, [
      { path: `${where}.target_endpoint`, message: `one of ${TARGET_NAMES.join(', ')}` },
    ]);
  }
  const result = querySchema.safeParse(lists);
  if (!result.success) {
    throw new InvalidInputError(
      `${where}: invalid query`,
      result.error.issues.map((i) => {
        // A single value's index ("project.0") says nothing; keep it only when several were given.
        const single = i.path.length === 2 && lists[String(i.path[0])]?.length === 1;
        return { path: [where, ...(single ? i.path.slice(0, 1) : i.path)].join('.'), message: i.message };
      }),
    );
  }
  return result.data;
}

/** One Grafana target: the string and the payload together (payload keys win). */
export function parseTarget(
  target: { target?: string; payload?: Payload; refId?: string },
  where: string,
): ParsedTarget {
  const fromString = target.target ? parseTargetString(target.target, `${where}.target`) : {};
  const fromPayload = target.payload === undefined ? {} : payloadToRaw(target.payload, `${where}.payload`);
  const ignoredKeys: string[] = [];
  const query = normalizeQuery({ ...fromString, ...fromPayload }, where, ignoredKeys);
  return { refId: target.refId, query, ignoredKeys };
}

/** Throws a 400 naming the metrics a target accepts. */
export function pickMetric<M extends string>(query: TargetQuery, allowed: readonly M[], fallback: M): M {
  const metric = query.metric ?? fallback;
  if (!(allowed as readonly string[]).includes(metric)) {
    throw new InvalidInputError(`metric "${metric}" does not apply to ${query.target_endpoint}`, { allowed });
  }
  return metric as M;
}

/**
 * The request bodies Grafana's JSON data sources send (classic SimpleJSON, simpod-json-datasource,
 * Infinity), as zod schemas. Grafana adds fields freely (panelId, scopedVars, timezone, app, ...),
 * so objects are loose; what is read is typed. Whatever the route, an object key starting with
 * `$` is refused: nothing here is ever a database operator.
 */
import { z } from 'zod';
import { payloadSchema } from './targets';
import { TAG_KEYS } from './searchQueries';

const MAX_DEPTH = 64;

/** Every path in `value` whose key starts with `$`, as zod issues. */
function findOperators(
  value: unknown,
  path: Array<string | number>,
  out: Array<Array<string | number>>,
  depth = 0,
): void {
  if (depth > MAX_DEPTH) {
    out.push(path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => findOperators(v, [...path, i], out, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) out.push([...path, k]);
      else findOperators(v, [...path, k], out, depth + 1);
    }
  }
}

const withoutOperators = <T extends z.ZodType>(schema: T) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      const found: Array<Array<string | number>> = [];
      findOperators(value, [], found);
      for (const path of found)
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'operators ($...) and over-deep objects are not accepted',
        });
    })
    .pipe(schema);

const time = z.union([z.string().max(64), z.number().finite()]);
const range = z.object({ from: time, to: time }).loose();
const rawRange = z.object({ from: z.string().max(64).optional(), to: z.string().max(64).optional() }).loose();

const target = z
  .object({
    target: z.string().max(8_192).optional(),
    refId: z.string().max(64).optional(),
    payload: payloadSchema.optional(),
    hide: z.boolean().optional(),
  })
  .loose();

const adhocFilter = z
  .object({
    key: z.enum(TAG_KEYS, { error: `ad hoc filters apply to ${TAG_KEYS.join(', ')}` }),
    operator: z.literal('=', { error: 'ad hoc filters support "=" only' }),
    value: z.string().max(256),
  })
  .loose();

export const queryRequest = withoutOperators(
  z
    .object({
      range: range.optional(),
      rangeRaw: rawRange.optional(),
      intervalMs: z
        .number()
        .positive()
        .max(366 * 86_400_000)
        .optional(),
      maxDataPoints: z.number().int().positive().max(1_000_000).optional(),
      targets: z.array(target).max(100),
      adhocFilters: z.array(adhocFilter).max(50).optional(),
    })
    .loose(),
);
export type QueryRequest = z.output<typeof queryRequest>;

export const annotationRequest = withoutOperators(
  z
    .object({
      range: range.optional(),
      rangeRaw: rawRange.optional(),
      annotation: z
        .object({ query: z.string().max(8_192).optional(), name: z.string().max(256).optional() })
        .loose(),
    })
    .loose(),
);
export type AnnotationRequest = z.output<typeof annotationRequest>;

/** Classic SimpleJSON's `/search`: `{target}` (an empty body or target lists the query targets). */
export const searchRequest = withoutOperators(z.object({ target: z.string().max(8_192).optional() }).loose());
export type SearchRequest = z.output<typeof searchRequest>;

/** simpod's `/variable`: `{payload: {target} | <the variable's JSON>, range}`. */
export const variableRequest = withoutOperators(
  z
    .object({
      payload: z.union([z.object({ target: z.string().max(8_192) }).loose(), payloadSchema]).optional(),
      range: range.optional(),
    })
    .loose(),
);
export type VariableRequest = z.output<typeof variableRequest>;

/** simpod's `/metrics`: `{metric?, payload?}`; the answer is the whole catalogue either way. */
export const metricsRequest = withoutOperators(
  z.object({ metric: z.string().max(256).optional(), payload: payloadSchema.optional() }).loose(),
);

export const payloadOptionsRequest = withoutOperators(
  z
    .object({
      metric: z.string().max(256).optional(),
      payload: payloadSchema.optional(),
      name: z.string().min(1).max(64),
    })
    .loose(),
);
export type PayloadOptionsRequest = z.output<typeof payloadOptionsRequest>;

export const tagKeysRequest = withoutOperators(z.object({}).loose());
export const tagValuesRequest = withoutOperators(
  z.object({ key: z.enum(TAG_KEYS, { error: `tag keys are ${TAG_KEYS.join(', ')}` }) }).loose(),
);
export type TagValuesRequest = z.output<typeof tagValuesRequest>;

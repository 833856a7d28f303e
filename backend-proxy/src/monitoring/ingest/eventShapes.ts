import { z } from 'zod';
import { endpointIdSchema } from '../../schemas/names';
import { ENDPOINT_ID_PATTERN } from '../endpoints/endpointId';
import { MAX_SEGMENT_VALUE_LENGTH, TAG_NAME_PATTERN } from '../segments/segmentDeclaration';

/**
 * The two event shapes `POST /api/v1/predictions` accepts, validated before anything is counted.
 * Feature values are scalars (number, string, boolean) or null for missing.
 */
type Scalar = number | string | boolean | null;
type Values = Scalar[] | Record<string, Scalar>;

// Hand-written checks rather than nested zod unions: these run for every value of every event,
// and ingest throughput depends on them.
export const isScalar = (v: unknown): v is Scalar =>
  v === null ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  typeof v === 'boolean' ||
  (typeof v === 'string' && v.length <= 1_000);
export function isValues(v: unknown): v is Values {
  if (Array.isArray(v)) return v.length <= 10_000 && v.every(isScalar);
  if (typeof v !== 'object' || v === null) return false;
  for (const key in v) {
    if (
      key.length === 0 ||
      key.length > 256 ||
      key.startsWith('$') ||
      !isScalar((v as Record<string, unknown>)[key])
    )
      return false;
  }
  return true;
}
/** Most tags one event may carry. */
const MAX_TAGS = 64;
type TagValue = string | number | boolean;
/** An event's `tags` (or `segment`): names to short scalars, read by tag-sourced segment keys. */
export function isTags(v: unknown): v is Record<string, TagValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  let count = 0;
  for (const key in v) {
    const value = (v as Record<string, unknown>)[key];
    if (++count > MAX_TAGS || !TAG_NAME_PATTERN.test(key)) return false;
    if (
      typeof value === 'string'
        ? value.length > MAX_SEGMENT_VALUE_LENGTH
        : typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))
    )
      return false;
  }
  return true;
}
const tags = z.custom<Record<string, TagValue>>(
  isTags,
  `at most ${MAX_TAGS} tags: names of letters, digits and "_ . -" (max 64) to strings (max ${MAX_SEGMENT_VALUE_LENGTH} characters), numbers or booleans`,
);
const VALUES_MESSAGE = 'an array or object of numbers, strings (max 1,000 characters), booleans or null';
const featureValues = z.custom<Values>(isValues, VALUES_MESSAGE);
const output = z.custom<Scalar | Values>((v) => isScalar(v) || isValues(v), `a scalar or ${VALUES_MESSAGE}`);
// Which times are accepted is one rule for both forms, checked after conversion (eventTimeWindow.ts).
const time = z.union([z.iso.datetime({ offset: true }), z.number().int()]);
const name = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-:]{0,127}$/, 'letters, digits and "_ . - :" (max 128)');
const project = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a project name');

/** The plain shape. Identify the endpoint by `endpoint` (id) or by model (+ version, function). */
export const plainEvent = z
  .strictObject({
    endpoint: endpointIdSchema.optional(),
    project: project.optional(),
    model: name.optional(),
    version: name.optional(),
    function: name.optional(),
    modelClass: z.string().max(256).optional(),
    timestamp: time.optional(),
    features: featureValues,
    prediction: output.optional(),
    latencyMs: z.number().finite().min(0).max(86_400_000).optional(),
    error: z.union([z.string().max(10_000), z.boolean(), z.null()]).optional(),
    requestId: z.string().min(1).max(256).optional(),
    label: output.optional(),
    tags: tags.optional(),
    /** The same as `tags` (both may be given; `segment` wins on a shared name). */
    segment: tags.optional(),
  })
  .refine((e) => e.endpoint !== undefined || e.model !== undefined, 'give "endpoint" (an id) or "model"');

const FAST_KEYS = new Set([
  'endpoint',
  'timestamp',
  'features',
  'prediction',
  'latencyMs',
  'error',
  'requestId',
  'label',
  'tags',
  'segment',
]);
const isOutput = (v: unknown) => isScalar(v) || isValues(v);

/**
 * The common plain event (endpoint id, epoch-ms timestamp) checked without zod, because every
 * event of every batch passes here. It accepts a strict subset of what `plainEvent` accepts;
 * anything else goes through `plainEvent`, which also words the errors.
 */
export function isCommonPlainEvent(e: Record<string, unknown>): e is PlainEvent {
  for (const key in e) if (!FAST_KEYS.has(key)) return false;
  const { endpoint, timestamp, latencyMs, error, requestId } = e;
  return (
    typeof endpoint === 'string' &&
    ENDPOINT_ID_PATTERN.test(endpoint) &&
    (timestamp === undefined || Number.isInteger(timestamp)) &&
    isValues(e.features) &&
    (e.prediction === undefined || isOutput(e.prediction)) &&
    (latencyMs === undefined ||
      (typeof latencyMs === 'number' && latencyMs >= 0 && latencyMs <= 86_400_000)) &&
    (error === undefined ||
      error === null ||
      typeof error === 'boolean' ||
      (typeof error === 'string' && error.length <= 10_000)) &&
    (requestId === undefined ||
      (typeof requestId === 'string' && requestId.length >= 1 && requestId.length <= 256)) &&
    (e.label === undefined || isOutput(e.label)) &&
    (e.tags === undefined || isTags(e.tags)) &&
    (e.segment === undefined || isTags(e.segment))
  );
}

/** MLRun's serving event (`request.inputs` rows, `resp.outputs`, `when`, `microsec`). */
export const mlrunEvent = z
  .object({
    request: z
      .object({ id: z.string().max(256).optional(), inputs: z.array(featureValues).min(1).max(10_000) })
      .loose(),
    resp: z
      .object({ outputs: z.array(output).optional(), id: z.string().optional() })
      .loose()
      .optional(),
    when: time.optional(),
    microsec: z.number().finite().min(0).optional(),
    error: z.union([z.string(), z.null()]).optional(),
    model: z.string().min(1).max(256).optional(),
    class: z.string().max(256).optional(),
    function_uri: z.string().max(512).optional(),
    endpoint_id: z.string().optional(),
    project: project.optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .loose();

/** The envelope: one event, an array, or `{batchId, project, events}`; events are checked one by one. */
// Each event is checked against its own shape later; here only that it is an object.
const eventObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'an event object',
);
export const predictionBatch = z.union([
  z
    .array(eventObject)
    .min(1)
    .max(50_000)
    .transform((events) => ({ events, batchId: undefined, project: undefined })),
  z.strictObject({
    batchId: z.string().min(1).max(256).optional(),
    project: project.optional(),
    events: z.array(eventObject).min(1).max(50_000),
  }),
  eventObject.transform((e) => ({ events: [e], batchId: undefined, project: undefined })),
]);

export type PlainEvent = z.output<typeof plainEvent>;
export type MlrunEvent = z.output<typeof mlrunEvent>;
export type PredictionBatch = z.output<typeof predictionBatch>;

const labelInput = z.strictObject({
  requestId: z.string().min(1).max(256),
  label: output,
  endpoint: endpointIdSchema.optional(),
});
const labelList = z.array(labelInput).min(1).max(50_000);
export const labelBatch = z.union([
  labelList,
  z.strictObject({ labels: labelList }).transform((b) => b.labels),
]);
export type LabelInput = z.output<typeof labelBatch>[number];

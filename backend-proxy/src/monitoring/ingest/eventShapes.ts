import { z } from 'zod';

/**
 * The two event shapes `POST /api/v1/predictions` accepts, validated before anything is counted.
 * Feature values are scalars (number, string, boolean) or null for missing.
 */
const scalar = z.union([z.number(), z.string().max(1_000), z.boolean(), z.null()]);
const featureValues = z.union([z.array(scalar).max(10_000), z.record(z.string().min(1).max(256), scalar)]);
const output = z.union([scalar, z.array(scalar).max(1_000), z.record(z.string().min(1).max(256), scalar)]);
const time = z.union([z.iso.datetime({ offset: true }), z.number().int().min(946_684_800_000)]);
const name = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-:]{0,127}$/, 'letters, digits and "_ . - :" (max 128)');
const project = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a project name');

/** The plain shape. Identify the endpoint by `endpoint` (id) or by model (+ version, function). */
export const plainEvent = z
  .strictObject({
    endpoint: z.string().regex(/^[0-9a-f]{40}$/, 'an endpoint id (40 hex characters)').optional(),
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
  })
  .refine((e) => e.endpoint !== undefined || e.model !== undefined, 'give "endpoint" (an id) or "model"');

/** MLRun's serving event (`request.inputs` rows, `resp.outputs`, `when`, `microsec`). */
export const mlrunEvent = z
  .object({
    request: z.object({ id: z.string().max(256).optional(), inputs: z.array(featureValues).min(1).max(10_000) }).loose(),
    resp: z.object({ outputs: z.array(output).optional(), id: z.string().optional() }).loose().optional(),
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
const eventObject = z.record(z.string(), z.unknown());
export const predictionBatch = z.union([
  z.array(eventObject).min(1).max(50_000).transform((events) => ({ events, batchId: undefined, project: undefined })),
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

export const labelBatch = z.union([
  z.array(
    z.strictObject({
      requestId: z.string().min(1).max(256),
      label: output,
      endpoint: z.string().regex(/^[0-9a-f]{40}$/).optional(),
    }),
  ).min(1).max(50_000),
  z.strictObject({
    labels: z
      .array(z.strictObject({ requestId: z.string().min(1).max(256), label: output, endpoint: z.string().regex(/^[0-9a-f]{40}$/).optional() }))
      .min(1)
      .max(50_000),
  }).transform((b) => b.labels),
]);
export type LabelInput = z.output<typeof labelBatch>[number];

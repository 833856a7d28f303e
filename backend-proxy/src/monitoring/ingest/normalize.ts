import { InvalidInputError } from '../../errors';
import { checkEventTime, type EventTimeWindow } from './eventTimeWindow';
import { isCommonPlainEvent, mlrunEvent, plainEvent, type MlrunEvent, type PlainEvent } from './eventShapes';
import { ENDPOINT_ID_PATTERN } from '../endpoints/endpointId';

type Scalar = number | string | boolean | null;
type Values = Scalar[] | Record<string, Scalar>;

/** One prediction, whatever shape it arrived in. `index` points back into the request. */
export interface NormalizedEvent {
  index: number;
  target: { endpointId: string } | { project: string; model: string; version?: string; function?: string };
  modelClass?: string;
  time: Date;
  features: Values;
  prediction: Scalar | Values | undefined;
  latencyUs: number | null;
  error: string | null;
  requestId: string | null;
  label: Scalar | Values | undefined;
  /** The event's `tags` and `segment` fields merged (null when it has neither). */
  tags: Record<string, string | number | boolean> | null;
}

const toDate = (t: string | number | undefined, fallback: Date): Date =>
  t === undefined ? fallback : new Date(t);

function fromPlain(e: PlainEvent, index: number, project: string, now: Date): NormalizedEvent {
  return {
    index,
    target: e.endpoint
      ? { endpointId: e.endpoint }
      : { project: e.project ?? project, model: e.model as string, version: e.version, function: e.function },
    modelClass: e.modelClass,
    time: toDate(e.timestamp, now),
    features: e.features,
    prediction: e.prediction,
    latencyUs: e.latencyMs === undefined ? null : e.latencyMs * 1_000,
    error:
      e.error === undefined || e.error === null || e.error === false
        ? null
        : e.error === true
          ? 'error'
          : e.error,
    requestId: e.requestId ?? null,
    label: e.label,
    tags: e.tags || e.segment ? { ...e.tags, ...e.segment } : null,
  };
}

/** MLRun sends `model` as "name:version" and `function_uri` as "project/function[:tag]". */
function fromMlrun(e: MlrunEvent, index: number, project: string, now: Date): NormalizedEvent[] {
  const [model, version] = (e.model ?? 'model').split(':');
  const uri = e.function_uri ? /^(?:([^/]+)\/)?([^:@]+)/.exec(e.function_uri) : null;
  const eventProject = e.project ?? uri?.[1] ?? project;
  const fn = uri?.[2];
  const inputs = e.request.inputs;
  const outputs = e.resp?.outputs;
  if (outputs && outputs.length !== inputs.length) {
    throw new InvalidInputError(
      `event ${index}: resp.outputs has ${outputs.length} rows but request.inputs has ${inputs.length}`,
    );
  }
  // A request with several input rows is several predictions sharing the latency and error.
  return inputs.map((row, i) => ({
    index,
    target:
      e.endpoint_id && ENDPOINT_ID_PATTERN.test(e.endpoint_id)
        ? { endpointId: e.endpoint_id }
        : { project: eventProject, model, version, function: fn },
    modelClass: e.class,
    time: toDate(e.when, now),
    features: row,
    prediction: outputs?.[i],
    latencyUs: e.microsec ?? null,
    error: e.error ?? null,
    requestId: e.request.id === undefined ? null : inputs.length > 1 ? `${e.request.id}:${i}` : e.request.id,
    label: undefined,
    tags: null,
  }));
}

/**
 * Validates each event with the schema its shape calls for, checks its time against the window,
 * and flattens multi-row requests.
 */
export function normalizeEvents(
  events: Array<Record<string, unknown>>,
  project: string,
  now: Date,
  timeWindow: EventTimeWindow,
): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  const push = (event: NormalizedEvent) => {
    checkEventTime(event.time, event.index, now, timeWindow);
    out.push(event);
  };
  events.forEach((raw, index) => {
    if (isCommonPlainEvent(raw)) {
      push(fromPlain(raw, index, project, now));
      return;
    }
    const isMlrun = 'request' in raw;
    const parsed = (isMlrun ? mlrunEvent : plainEvent).safeParse(raw);
    if (!parsed.success) {
      throw new InvalidInputError(
        `event ${index} is invalid`,
        parsed.error.issues.map((issue) => ({
          path: ['events', index, ...issue.path].join('.'),
          message: issue.message,
        })),
      );
    }
    if (isMlrun) fromMlrun(parsed.data as MlrunEvent, index, project, now).forEach(push);
    else push(fromPlain(parsed.data as PlainEvent, index, project, now));
  });
  return out;
}

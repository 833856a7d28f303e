import { InvalidInputError, NotFoundError } from '../../errors';
import type { EndpointRecord, FeatureSpec, Store } from '../../store/types';
import { newEndpointRecord } from '../endpoints/endpointService';
import { firstLabelValue } from './labelService';
import type { NormalizedEvent } from './normalize';

type Values = NormalizedEvent['features'];

/** An event with its endpoint, its values by column name and its label. */
export interface MappedEvent {
  event: NormalizedEvent;
  endpoint: EndpointRecord;
  features: Record<string, unknown>;
  outputs: Record<string, unknown>;
  labelValue: unknown;
}

export interface Resolution {
  mapped: MappedEvent[];
  /** Endpoints the batch registers implicitly. */
  registered: EndpointRecord[];
  /** Endpoints registered without features whose features the batch names. */
  learned: EndpointRecord[];
}

const kindOf = (value: unknown): FeatureSpec['kind'] =>
  typeof value === 'number' ? 'numeric' : 'categorical';

function columnsFrom(values: Values, prefix: string): FeatureSpec[] {
  return Array.isArray(values)
    ? values.map((v, i) => ({ name: `${prefix}${i}`, kind: kindOf(v) }))
    : Object.entries(values).map(([name, v]) => ({ name, kind: kindOf(v) }));
}

function outputColumnsFrom(prediction: NormalizedEvent['prediction']): FeatureSpec[] {
  if (prediction === undefined) return [{ name: 'prediction', kind: 'numeric' }];
  if (Array.isArray(prediction) || (typeof prediction === 'object' && prediction !== null))
    return columnsFrom(prediction, 'prediction_');
  return [{ name: 'prediction', kind: kindOf(prediction) }];
}

const columnKinds = new WeakMap<FeatureSpec[], Map<string, FeatureSpec['kind']>>();
function kindsOf(columns: FeatureSpec[]): Map<string, FeatureSpec['kind']> {
  let kinds = columnKinds.get(columns);
  if (!kinds) {
    kinds = new Map(columns.map((c) => [c.name, c.kind]));
    columnKinds.set(columns, kinds);
  }
  return kinds;
}

function checkNumeric(
  kind: FeatureSpec['kind'] | undefined,
  name: string,
  value: unknown,
  what: string,
  index: number,
): void {
  if (kind === 'numeric' && value !== null && value !== undefined && typeof value !== 'number') {
    throw new InvalidInputError(
      `event ${index}: ${what} "${name}" is numeric but got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Maps positional or named values onto the endpoint's columns, refusing unknown names and wrong
 * types. Named values are checked in place, not copied (this runs for every event).
 */
function byName(
  values: Values | NormalizedEvent['prediction'],
  columns: FeatureSpec[],
  what: string,
  index: number,
): Record<string, unknown> {
  if (values === undefined) return {};
  if (Array.isArray(values)) {
    if (values.length !== columns.length) {
      throw new InvalidInputError(
        `event ${index}: ${values.length} ${what} values given, the endpoint has ${columns.length}`,
      );
    }
    const out: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      checkNumeric(c.kind, c.name, values[i], what, index);
      out[c.name] = values[i];
    });
    return out;
  }
  if (typeof values === 'object' && values !== null) {
    const kinds = kindsOf(columns);
    const unknown: string[] = [];
    for (const key in values) {
      if (!kinds.has(key)) unknown.push(key);
      else checkNumeric(kinds.get(key), key, values[key], what, index);
    }
    if (unknown.length)
      throw new InvalidInputError(
        `event ${index}: unknown ${what} ${unknown.map((u) => `"${u}"`).join(', ')}`,
      );
    return values;
  }
  if (columns.length !== 1)
    throw new InvalidInputError(
      `event ${index}: one ${what} value given, the endpoint has ${columns.length}`,
    );
  checkNumeric(columns[0].kind, columns[0].name, values, what, index);
  return { [columns[0].name]: values };
}

/** Finds each event's endpoint (registering new ones implicitly) and maps its values onto the endpoint's columns. */
export class EventResolver {
  constructor(private readonly store: Store) {}

  /**
   * Finds or implicitly registers each event's endpoint and maps its values onto the endpoint's
   * columns. Nothing is written here: new endpoints and learned features are committed with the batch.
   */
  async resolve(
    events: NormalizedEvent[],
    authorize: (project: string) => void,
    now: Date,
  ): Promise<Resolution> {
    // By how the event names its endpoint (cheap), then by endpoint id: two spellings of one endpoint share a record.
    const byTarget = new Map<string, EndpointRecord>();
    const byId = new Map<string, EndpointRecord>();
    const registered: EndpointRecord[] = [];
    const learned: EndpointRecord[] = [];
    const mapped: MappedEvent[] = [];
    for (const event of events) {
      const targetKey = 'endpointId' in event.target ? event.target.endpointId : JSON.stringify(event.target);
      let endpoint = byTarget.get(targetKey);
      if (!endpoint) {
        endpoint = await this.endpointFor(event, byId, registered, learned, now);
        authorize(endpoint.project);
        byTarget.set(targetKey, endpoint);
      }
      const features = byName(event.features, endpoint.features, 'feature', event.index);
      const outputs = byName(event.prediction, endpoint.predictionColumns, 'prediction', event.index);
      mapped.push({ event, endpoint, features, outputs, labelValue: firstLabelValue(event.label) });
    }
    return { mapped, registered, learned };
  }

  private async endpointFor(
    event: NormalizedEvent,
    byId: Map<string, EndpointRecord>,
    registered: EndpointRecord[],
    learned: EndpointRecord[],
    now: Date,
  ): Promise<EndpointRecord> {
    const candidate =
      'endpointId' in event.target
        ? null
        : newEndpointRecord({ ...event.target, modelClass: event.modelClass }, now);
    const id = 'endpointId' in event.target ? event.target.endpointId : (candidate as EndpointRecord).id;
    const known = byId.get(id);
    if (known) return known;
    let endpoint = await this.store.getEndpoint(id);
    if (!endpoint && !candidate)
      throw new NotFoundError(`event ${event.index}: endpoint ${id} does not exist`);
    if (!endpoint) {
      endpoint = {
        ...(candidate as EndpointRecord),
        features: columnsFrom(event.features, 'f'),
        predictionColumns: outputColumnsFrom(event.prediction),
        labelColumns: event.label === undefined ? [] : ['label'],
      };
      registered.push(endpoint);
    } else if (endpoint.features.length === 0) {
      // Registered without features: the first events name them.
      const features = columnsFrom(event.features, 'f');
      if (features.length) {
        endpoint = { ...endpoint, features };
        learned.push(endpoint);
      }
    }
    byId.set(id, endpoint);
    return endpoint;
  }
}

import { InvalidInputError, NotFoundError } from '../../errors';
import {
  RESOLUTION_MS,
  type EndpointActivity,
  type EndpointRecord,
  type FeatureSpec,
  type IngestCommit,
  type PredictionKeyRecord,
  type SampleRecord,
  type Store,
} from '../../store/types';
import type { Binning } from '../aggregates/binning';
import { CounterSet } from '../aggregates/counterSet';
import { MinuteAccumulator, planFor } from '../aggregates/foldPlan';
import { foldLabel } from '../aggregates/layout';
import { foldLabelArrival, foldLabelJoin } from '../labels/labelHealth';
import { rollUp, type MinuteCounters } from '../aggregates/rollUp';
import { alignDown } from '../aggregates/tiling';
import { newEndpointRecord } from '../endpoints/endpointService';
import type { ReferenceService } from '../reference/referenceService';
import type { PredictionBatch } from './eventShapes';
import { DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from './eventTimeWindow';
import { normalizeEvents, type NormalizedEvent } from './normalize';
import { firstLabelValue, type LabelService } from './labelService';
import { GroupCommit } from './groupCommit';

export interface IngestOptions {
  /** Raw events kept per endpoint and minute, as a sample for the incoming-features graph. */
  samplesPerMinute: number;
  /** How long a request id can still be joined with a late label. */
  labelJoinWindowMs: number;
  /** Which prediction times are accepted. */
  eventTimeWindow: EventTimeWindow;
  /** Concurrent batches for the same endpoints share one store transaction (groupCommit.ts). */
  groupCommit: boolean;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  samplesPerMinute: 10,
  labelJoinWindowMs: 7 * 86_400_000,
  eventTimeWindow: DEFAULT_EVENT_TIME_WINDOW,
  groupCommit: true,
};

export interface IngestReceipt {
  batchId: string | null;
  /** Events in the request. */
  accepted: number;
  /** Predictions counted (an MLRun event with several input rows counts each row). */
  predictions: number;
  endpoints: string[];
  registered: string[];
  /** True when this batch id was already committed: nothing was counted again. */
  duplicate: boolean;
}

/** What one committed batch counted for one endpoint, for in-process observers. */
export interface CommittedPredictions {
  endpoint: Pick<EndpointRecord, 'id' | 'project' | 'model' | 'version'>;
  predictions: number;
  errors: number;
  /** Latency of each prediction that reported one, µs. */
  latenciesUs: number[];
}

/**
 * Told about every batch after it is committed (never about a replayed batch id), e.g. to count
 * predictions for Prometheus. Called synchronously; it must not throw or block.
 */
export interface IngestObserver {
  committed(batch: CommittedPredictions[]): void;
}

type Values = NormalizedEvent['features'];

interface ResolvedEvent {
  event: NormalizedEvent;
  endpoint: EndpointRecord;
  features: Record<string, unknown>;
  outputs: Record<string, unknown>;
  labelValue: unknown;
}

interface Resolution {
  resolved: ResolvedEvent[];
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

/**
 * Folds prediction events into per-endpoint, per-interval aggregates and commits them with
 * endpoint activity, a bounded raw sample and request ids for late labels, all-or-nothing.
 */
export class IngestService {
  private readonly observers: IngestObserver[] = [];
  private readonly group = new GroupCommit((commits) => this.store.commitIngestGroup(commits));

  constructor(
    private readonly store: Store,
    private readonly references: ReferenceService,
    private readonly labels: LabelService,
    private readonly options: IngestOptions = DEFAULT_INGEST_OPTIONS,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  addObserver(observer: IngestObserver): void {
    this.observers.push(observer);
  }

  async ingest(batch: PredictionBatch, authorize: (project: string) => void): Promise<IngestReceipt> {
    const now = this.clock();
    const events = normalizeEvents(
      batch.events,
      batch.project ?? 'default',
      now,
      this.options.eventTimeWindow,
    );
    const { resolved, registered, learned } = await this.resolve(events, authorize, now);

    const binnings = new Map<string, Binning>();
    for (const { endpoint } of resolved) {
      if (!binnings.has(endpoint.id)) binnings.set(endpoint.id, await this.references.binningFor(endpoint));
    }

    const minutes = new Map<
      string,
      {
        endpointId: string;
        start: number;
        version: number;
        accumulator: MinuteAccumulator;
        labels: CounterSet | null;
      }
    >();
    const activity = new Map<string, EndpointActivity>();
    const samples: SampleRecord[] = [];
    const sampled = new Map<string, number>();
    const predictionKeys: PredictionKeyRecord[] = [];
    const latencies = new Map<string, number[]>();
    const labelsJoinUntil = new Date(now.getTime() + this.options.labelJoinWindowMs);
    for (const r of resolved) {
      const binning = binnings.get(r.endpoint.id) as Binning;
      const t = r.event.time.getTime();
      const minute = alignDown(t, RESOLUTION_MS.minute);
      const slot = `${r.endpoint.id}:${minute}`;
      let entry = minutes.get(slot);
      if (!entry) {
        entry = {
          endpointId: r.endpoint.id,
          start: minute,
          version: binning.referenceVersion,
          accumulator: new MinuteAccumulator(planFor(binning)),
          labels: null,
        };
        minutes.set(slot, entry);
      }
      const fold = {
        features: r.features,
        outputs: r.outputs,
        latencyUs: r.event.latencyUs,
        error: r.event.error !== null,
      };
      entry.accumulator.fold(fold);
      const firstOutput = r.endpoint.predictionColumns[0]
        ? r.outputs[r.endpoint.predictionColumns[0].name]
        : undefined;
      if (r.labelValue !== undefined) {
        const labels = (entry.labels ??= new CounterSet());
        foldLabel(labels, binning, firstOutput, r.labelValue);
        // A label sent with its prediction: lag 0, received in the prediction's minute.
        foldLabelJoin(labels, 0);
        foldLabelArrival(labels, 'received');
      }

      if (this.observers.length && r.event.latencyUs !== null) {
        const list = latencies.get(r.endpoint.id) ?? [];
        list.push(r.event.latencyUs);
        latencies.set(r.endpoint.id, list);
      }
      const seen = activity.get(r.endpoint.id);
      if (seen) {
        seen.predictions += 1;
        seen.errors += fold.error ? 1 : 0;
        if (t < seen.firstRequest.getTime()) seen.firstRequest = r.event.time;
        if (t > seen.lastRequest.getTime()) seen.lastRequest = r.event.time;
      } else {
        activity.set(r.endpoint.id, {
          endpointId: r.endpoint.id,
          predictions: 1,
          errors: fold.error ? 1 : 0,
          firstRequest: r.event.time,
          lastRequest: r.event.time,
        });
      }
      const taken = sampled.get(slot) ?? 0;
      if (taken < this.options.samplesPerMinute) {
        sampled.set(slot, taken + 1);
        samples.push({
          endpointId: r.endpoint.id,
          time: r.event.time,
          requestId: r.event.requestId,
          features: r.features,
          prediction: r.event.prediction ?? null,
          latencyUs: r.event.latencyUs,
          error: r.event.error,
        });
      }
      // Kept also when the label came with the prediction: a later label for the request is then known to be a repeat.
      if (r.event.requestId !== null) {
        predictionKeys.push({
          requestId: r.event.requestId,
          endpointId: r.endpoint.id,
          time: r.event.time,
          referenceVersion: binning.referenceVersion,
          prediction: firstOutput ?? null,
          expiresAt: labelsJoinUntil,
          labelledAt: r.labelValue === undefined ? null : now,
        });
      }
    }

    const receipt: IngestReceipt = {
      batchId: batch.batchId ?? null,
      accepted: batch.events.length,
      predictions: resolved.length,
      endpoints: [...activity.keys()],
      registered: registered.map((e) => e.id),
      duplicate: false,
    };
    const commit: IngestCommit = {
      batchId: batch.batchId ?? null,
      newEndpoints: registered,
      activity: [...activity.values()],
      aggregates: rollUp(
        [...minutes.values()].map((m): MinuteCounters => {
          const counters = m.accumulator.toCounterSet();
          if (m.labels) counters.merge(m.labels);
          return { endpointId: m.endpointId, start: m.start, version: m.version, counters };
        }),
      ),
      samples,
      predictionKeys,
      receipt,
      now,
    };
    const outcome = await (this.options.groupCommit
      ? this.group.commit(commit)
      : this.store.commitIngest(commit));
    if (!outcome.applied) return { ...(outcome.receipt as IngestReceipt), duplicate: true };
    for (const endpoint of learned) await this.store.updateEndpointSpec(endpoint.id, endpoint);
    if (this.observers.length) this.notify(resolved, activity, latencies);
    const awaitingLabels = predictionKeys.filter((k) => k.labelledAt === null).map((k) => k.requestId);
    if (awaitingLabels.length) await this.labels.joinPendingFor(awaitingLabels);
    return receipt;
  }

  private notify(
    resolved: ResolvedEvent[],
    activity: Map<string, EndpointActivity>,
    latencies: Map<string, number[]>,
  ): void {
    const endpoints = new Map(resolved.map((r) => [r.endpoint.id, r.endpoint]));
    const batch = [...activity.values()].map((a): CommittedPredictions => {
      const e = endpoints.get(a.endpointId) as EndpointRecord;
      return {
        endpoint: { id: e.id, project: e.project, model: e.model, version: e.version },
        predictions: a.predictions,
        errors: a.errors,
        latenciesUs: latencies.get(a.endpointId) ?? [],
      };
    });
    // The batch is committed: an observer's failure must not turn the answer into an error.
    for (const observer of this.observers) {
      try {
        observer.committed(batch);
      } catch {
        // ignored on purpose
      }
    }
  }

  /**
   * Finds or implicitly registers each event's endpoint and maps its values onto the endpoint's
   * columns. Nothing is written here: new endpoints and learned features are committed with the batch.
   */
  private async resolve(
    events: NormalizedEvent[],
    authorize: (project: string) => void,
    now: Date,
  ): Promise<Resolution> {
    // By how the event names its endpoint (cheap), then by endpoint id: two spellings of one endpoint share a record.
    const byTarget = new Map<string, EndpointRecord>();
    const byId = new Map<string, EndpointRecord>();
    const registered: EndpointRecord[] = [];
    const learned: EndpointRecord[] = [];
    const resolved: ResolvedEvent[] = [];
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
      resolved.push({ event, endpoint, features, outputs, labelValue: firstLabelValue(event.label) });
    }
    return { resolved, registered, learned };
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

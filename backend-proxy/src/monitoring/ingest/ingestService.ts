import { InvalidInputError, NotFoundError } from '../../errors';
import {
  RESOLUTION_MS,
  type EndpointActivity,
  type EndpointRecord,
  type FeatureSpec,
  type PredictionKeyRecord,
  type SampleRecord,
  type Store,
} from '../../store/types';
import type { Binning } from '../aggregates/binning';
import { CounterSet } from '../aggregates/counterSet';
import { foldLabel, foldPrediction } from '../aggregates/layout';
import { rollUp, type MinuteCounters } from '../aggregates/rollUp';
import { alignDown } from '../aggregates/tiling';
import { newEndpointRecord } from '../endpoints/endpointService';
import type { ReferenceService } from '../reference/referenceService';
import type { PredictionBatch } from './eventShapes';
import { normalizeEvents, type NormalizedEvent } from './normalize';
import type { LabelService } from './labelService';

export interface IngestOptions {
  /** Raw events kept per endpoint and minute, as a sample for the incoming-features graph. */
  samplesPerMinute: number;
  /** How long a request id can still be joined with a late label. */
  labelJoinWindowMs: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = { samplesPerMinute: 10, labelJoinWindowMs: 7 * 86_400_000 };

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

type Values = NormalizedEvent['features'];

interface ResolvedEvent {
  event: NormalizedEvent;
  endpoint: EndpointRecord;
  features: Record<string, unknown>;
  outputs: Record<string, unknown>;
  labelValue: unknown;
}

const kindOf = (value: unknown): FeatureSpec['kind'] => (typeof value === 'number' ? 'numeric' : 'categorical');

function columnsFrom(values: Values, prefix: string): FeatureSpec[] {
  return Array.isArray(values)
    ? values.map((v, i) => ({ name: `${prefix}${i}`, kind: kindOf(v) }))
    : Object.entries(values).map(([name, v]) => ({ name, kind: kindOf(v) }));
}

function outputColumnsFrom(prediction: NormalizedEvent['prediction']): FeatureSpec[] {
  if (prediction === undefined) return [{ name: 'prediction', kind: 'numeric' }];
  if (Array.isArray(prediction) || (typeof prediction === 'object' && prediction !== null)) return columnsFrom(prediction, 'prediction_');
  return [{ name: 'prediction', kind: kindOf(prediction) }];
}

/** Maps positional or named values onto the endpoint's columns, refusing unknown names and wrong types. */
function byName(values: Values | NormalizedEvent['prediction'], columns: FeatureSpec[], what: string, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values === undefined) return out;
  if (Array.isArray(values)) {
    if (values.length !== columns.length) {
      throw new InvalidInputError(`event ${index}: ${values.length} ${what} values given, the endpoint has ${columns.length}`);
    }
    columns.forEach((c, i) => (out[c.name] = values[i]));
  } else if (typeof values === 'object' && values !== null) {
    const known = new Set(columns.map((c) => c.name));
    const unknown = Object.keys(values).filter((k) => !known.has(k));
    if (unknown.length) throw new InvalidInputError(`event ${index}: unknown ${what} ${unknown.map((u) => `"${u}"`).join(', ')}`);
    Object.assign(out, values);
  } else {
    if (columns.length !== 1) throw new InvalidInputError(`event ${index}: one ${what} value given, the endpoint has ${columns.length}`);
    out[columns[0].name] = values;
  }
  for (const c of columns) {
    const v = out[c.name];
    if (c.kind === 'numeric' && v !== undefined && v !== null && typeof v !== 'number') {
      throw new InvalidInputError(`event ${index}: ${what} "${c.name}" is numeric but got ${JSON.stringify(v)}`);
    }
  }
  return out;
}

/**
 * Folds prediction events into per-endpoint, per-interval aggregates and commits them with
 * endpoint activity, a bounded raw sample and request ids for late labels, all-or-nothing.
 */
export class IngestService {
  constructor(
    private readonly store: Store,
    private readonly references: ReferenceService,
    private readonly labels: LabelService,
    private readonly options: IngestOptions = DEFAULT_INGEST_OPTIONS,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async ingest(batch: PredictionBatch, authorize: (project: string) => void): Promise<IngestReceipt> {
    const now = this.clock();
    const events = normalizeEvents(batch.events, batch.project ?? 'default', now);
    const { resolved, registered } = await this.resolve(events, authorize, now);

    const binnings = new Map<string, Binning>();
    for (const { endpoint } of resolved) {
      if (!binnings.has(endpoint.id)) binnings.set(endpoint.id, await this.references.binningFor(endpoint));
    }

    const minuteCounters = new Map<string, MinuteCounters>();
    const activity = new Map<string, EndpointActivity>();
    const samples: SampleRecord[] = [];
    const sampled = new Map<string, number>();
    const predictionKeys: PredictionKeyRecord[] = [];
    for (const r of resolved) {
      const binning = binnings.get(r.endpoint.id) as Binning;
      const t = r.event.time.getTime();
      const minute = alignDown(t, RESOLUTION_MS.minute);
      const slot = `${r.endpoint.id}:${minute}`;
      let entry = minuteCounters.get(slot);
      if (!entry) {
        entry = { endpointId: r.endpoint.id, start: minute, version: binning.referenceVersion, counters: new CounterSet() };
        minuteCounters.set(slot, entry);
      }
      const fold = { features: r.features, outputs: r.outputs, latencyUs: r.event.latencyUs, error: r.event.error !== null };
      foldPrediction(entry.counters, binning, fold);
      const firstOutput = r.endpoint.predictionColumns[0] ? r.outputs[r.endpoint.predictionColumns[0].name] : undefined;
      if (r.labelValue !== undefined) foldLabel(entry.counters, binning, firstOutput, r.labelValue);

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
      if (r.event.requestId !== null && r.labelValue === undefined) {
        predictionKeys.push({
          requestId: r.event.requestId,
          endpointId: r.endpoint.id,
          time: r.event.time,
          referenceVersion: binning.referenceVersion,
          prediction: firstOutput ?? null,
          expiresAt: new Date(now.getTime() + this.options.labelJoinWindowMs),
        });
      }
    }

    const receipt: IngestReceipt = {
      batchId: batch.batchId ?? null,
      accepted: batch.events.length,
      predictions: resolved.length,
      endpoints: [...activity.keys()],
      registered,
      duplicate: false,
    };
    const outcome = await this.store.commitIngest({
      batchId: batch.batchId ?? null,
      newEndpoints: resolved.filter((r) => registered.includes(r.endpoint.id)).map((r) => r.endpoint).filter((e, i, all) => all.indexOf(e) === i),
      activity: [...activity.values()],
      aggregates: rollUp([...minuteCounters.values()]),
      samples,
      predictionKeys,
      receipt,
      now,
    });
    if (!outcome.applied) return { ...(outcome.receipt as IngestReceipt), duplicate: true };
    if (predictionKeys.length) await this.labels.joinPendingFor(predictionKeys.map((k) => k.requestId));
    return receipt;
  }

  /** Finds or implicitly registers each event's endpoint and maps its values onto the endpoint's columns. */
  private async resolve(
    events: NormalizedEvent[],
    authorize: (project: string) => void,
    now: Date,
  ): Promise<{ resolved: ResolvedEvent[]; registered: string[] }> {
    const byTarget = new Map<string, EndpointRecord>();
    const registered: string[] = [];
    const resolved: ResolvedEvent[] = [];
    for (const event of events) {
      const key = JSON.stringify(event.target);
      let endpoint = byTarget.get(key);
      if (!endpoint) {
        if ('endpointId' in event.target) {
          const found = await this.store.getEndpoint(event.target.endpointId);
          if (!found) throw new NotFoundError(`event ${event.index}: endpoint ${event.target.endpointId} does not exist`);
          endpoint = found;
        } else {
          const candidate = newEndpointRecord({ ...event.target, modelClass: event.modelClass }, now);
          const found = await this.store.getEndpoint(candidate.id);
          if (found) {
            endpoint = found;
          } else {
            endpoint = {
              ...candidate,
              features: columnsFrom(event.features, 'f'),
              predictionColumns: outputColumnsFrom(event.prediction),
              labelColumns: event.label === undefined ? [] : ['label'],
            };
            registered.push(endpoint.id);
          }
        }
        authorize(endpoint.project);
        if (endpoint.features.length === 0 && !registered.includes(endpoint.id)) {
          endpoint = { ...endpoint, features: columnsFrom(event.features, 'f') };
          await this.store.updateEndpointSpec(endpoint.id, endpoint);
        }
        byTarget.set(key, endpoint);
      }
      const features = byName(event.features, endpoint.features, 'feature', event.index);
      const outputs = byName(event.prediction, endpoint.predictionColumns, 'prediction', event.index);
      const labelValue = Array.isArray(event.label) || (typeof event.label === 'object' && event.label !== null)
        ? Object.values(event.label)[0]
        : event.label;
      resolved.push({ event, endpoint, features, outputs, labelValue });
    }
    return { resolved, registered };
  }
}

import {
  RESOLUTION_MS,
  type EndpointActivity,
  type EndpointRecord,
  type PredictionKeyRecord,
  type SampleRecord,
} from '../../store/types';
import type { Binning } from '../aggregates/binning';
import { CounterSet } from '../aggregates/counterSet';
import { Float64Slab } from '../aggregates/float64Slab';
import { EventCounts, MinuteAccumulator, planFor, type FoldPlan } from '../aggregates/foldPlan';
import { foldLabel } from '../aggregates/layout';
import type { MinuteCounters } from '../aggregates/rollUp';
import { alignDown } from '../aggregates/tiling';
import { foldLabelArrival, foldLabelJoin } from '../labels/labelHealth';
import type { NormalizedEvent } from './normalize';

/** One event mapped onto its endpoint's columns, with what it is folded into. */
export interface ResolvedEvent {
  event: NormalizedEvent;
  endpoint: EndpointRecord;
  features: Record<string, unknown>;
  outputs: Record<string, unknown>;
  labelValue: unknown;
  /** The endpoint's binning under its active reference. */
  binning: Binning;
  /** Aggregate ids of the event's segments (segments/segmentScope.ts), besides the endpoint's own. */
  segments: readonly string[];
}

export interface AccumulatorOptions {
  /** Raw events kept per endpoint and minute. */
  samplesPerMinute: number;
  /** When this batch's request ids stop being joinable with late labels. */
  labelsJoinUntil: Date;
  now: Date;
  /** Keep each endpoint's latencies (for in-process observers). */
  keepLatencies: boolean;
}

interface MinuteEntry {
  aggregatesId: string;
  start: number;
  version: number;
  accumulator: MinuteAccumulator;
  labels: CounterSet | null;
}

/**
 * Everything one ingest batch writes, folded event by event: counters per aggregate id (endpoint
 * or segment) and minute, endpoint activity, a bounded raw sample per endpoint-minute and request
 * ids for late labels. Pure: nothing is read or written while folding.
 */
export class BatchAccumulator {
  /** By aggregates id, then minute start: no key string per event and segment. */
  private readonly minutes = new Map<string, Map<number, MinuteEntry>>();
  private readonly counts = new Map<FoldPlan, EventCounts>();
  private readonly activityById = new Map<string, EndpointActivity>();
  private readonly sampled = new Map<string, number>();
  private readonly latencies = new Map<string, number[]>();
  private readonly slab = new Float64Slab();
  readonly samples: SampleRecord[] = [];
  readonly predictionKeys: PredictionKeyRecord[] = [];
  predictions = 0;

  constructor(private readonly options: AccumulatorOptions) {}

  add(r: ResolvedEvent): void {
    const t = r.event.time.getTime();
    const minute = alignDown(t, RESOLUTION_MS.minute);
    const error = r.event.error !== null;
    const plan = planFor(r.binning);
    const counts = this.countsOf(plan).measure(plan, {
      features: r.features,
      outputs: r.outputs,
      latencyUs: r.event.latencyUs,
      error,
    });
    const firstColumn = r.endpoint.predictionColumns[0];
    const firstOutput = firstColumn ? r.outputs[firstColumn.name] : undefined;
    this.foldInto(this.minute(r.endpoint.id, minute, plan), counts, r, firstOutput);
    for (const segment of r.segments)
      this.foldInto(this.minute(segment, minute, plan), counts, r, firstOutput);
    this.predictions += 1;

    if (this.options.keepLatencies && r.event.latencyUs !== null) {
      const list = this.latencies.get(r.endpoint.id);
      if (list) list.push(r.event.latencyUs);
      else this.latencies.set(r.endpoint.id, [r.event.latencyUs]);
    }
    this.countActivity(r.endpoint.id, r.event.time, error);
    this.sample(r, `${r.endpoint.id}:${minute}`);
    // Kept also when the label came with the prediction: a later label for the request is then known to be a repeat.
    if (r.event.requestId !== null) {
      const key: PredictionKeyRecord = {
        requestId: r.event.requestId,
        endpointId: r.endpoint.id,
        time: r.event.time,
        referenceVersion: r.binning.referenceVersion,
        prediction: firstOutput ?? null,
        expiresAt: this.options.labelsJoinUntil,
        labelledAt: r.labelValue === undefined ? null : this.options.now,
      };
      if (r.segments.length) key.segments = [...r.segments];
      this.predictionKeys.push(key);
    }
  }

  /** Endpoints in order of their first event in the batch, with what the batch counted for them. */
  activity(): EndpointActivity[] {
    return [...this.activityById.values()];
  }

  latenciesOf(endpointId: string): number[] {
    return this.latencies.get(endpointId) ?? [];
  }

  /** The counters of every aggregate id and minute the batch touched. */
  minuteCounters(): MinuteCounters[] {
    const out: MinuteCounters[] = [];
    for (const byStart of this.minutes.values())
      for (const m of byStart.values())
        out.push({
          endpointId: m.aggregatesId,
          start: m.start,
          version: m.version,
          counters: m.labels ?? new CounterSet(),
          vectors: m.accumulator.toVectors(),
        });
    return out;
  }

  /** Request ids whose label has not come yet (a pending label may be waiting for them). */
  awaitingLabels(): string[] {
    return this.predictionKeys.filter((k) => k.labelledAt === null).map((k) => k.requestId);
  }

  private minute(aggregatesId: string, start: number, plan: FoldPlan): MinuteEntry {
    let byStart = this.minutes.get(aggregatesId);
    if (!byStart) {
      byStart = new Map();
      this.minutes.set(aggregatesId, byStart);
    }
    let entry = byStart.get(start);
    if (!entry) {
      entry = {
        aggregatesId,
        start,
        version: plan.binning.referenceVersion,
        accumulator: new MinuteAccumulator(plan, this.slab),
        labels: null,
      };
      byStart.set(start, entry);
    }
    return entry;
  }

  /** Scratch for measuring events of `plan` (each event is added before the next is measured). */
  private countsOf(plan: FoldPlan): EventCounts {
    let counts = this.counts.get(plan);
    if (!counts) {
      counts = new EventCounts(plan);
      this.counts.set(plan, counts);
    }
    return counts;
  }

  private foldInto(entry: MinuteEntry, counts: EventCounts, r: ResolvedEvent, firstOutput: unknown): void {
    entry.accumulator.add(counts);
    if (r.labelValue === undefined) return;
    const labels = (entry.labels ??= new CounterSet());
    foldLabel(labels, r.binning, firstOutput, r.labelValue);
    // A label sent with its prediction: lag 0, received in the prediction's minute.
    foldLabelJoin(labels, 0);
    foldLabelArrival(labels, 'received');
  }

  private countActivity(endpointId: string, time: Date, error: boolean): void {
    const seen = this.activityById.get(endpointId);
    const t = time.getTime();
    if (seen) {
      seen.predictions += 1;
      seen.errors += error ? 1 : 0;
      if (t < seen.firstRequest.getTime()) seen.firstRequest = time;
      if (t > seen.lastRequest.getTime()) seen.lastRequest = time;
    } else {
      this.activityById.set(endpointId, {
        endpointId,
        predictions: 1,
        errors: error ? 1 : 0,
        firstRequest: time,
        lastRequest: time,
      });
    }
  }

  private sample(r: ResolvedEvent, slot: string): void {
    const taken = this.sampled.get(slot) ?? 0;
    if (taken >= this.options.samplesPerMinute) return;
    this.sampled.set(slot, taken + 1);
    this.samples.push({
      endpointId: r.endpoint.id,
      time: r.event.time,
      requestId: r.event.requestId,
      features: r.features,
      prediction: r.event.prediction ?? null,
      latencyUs: r.event.latencyUs,
      error: r.event.error,
    });
  }
}

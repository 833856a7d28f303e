import type { EndpointRecord, IngestCommit, Store } from '../../store/types';
import type { Binning } from '../aggregates/binning';
import { rollUp } from '../aggregates/rollUp';
import type { ReferenceService } from '../reference/referenceService';
import { segmentRouter, valuesByKey } from '../segments/segmentRouting';
import type { SegmentService } from '../segments/segmentService';
import { BatchAccumulator, type ResolvedEvent } from './batchAccumulator';
import type { PredictionBatch } from './eventShapes';
import { DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from './eventTimeWindow';
import { GroupCommit } from './groupCommit';
import type { LabelService } from './labelService';
import { normalizeEvents } from './normalize';
import { EventResolver, type MappedEvent, type Resolution } from './resolveEvents';

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

/** Shared by every event of an endpoint without segments (ingest allocates nothing for them). */
const NO_SEGMENTS: readonly string[] = Object.freeze([]);

/** How one endpoint's events of a batch are folded: its reference's bins and its segments' ids. */
interface EndpointRoute {
  binning: Binning;
  segmentsOf: (m: MappedEvent) => readonly string[];
}

/**
 * Ingests a batch in four steps: resolve (endpoints, columns, binnings, segment slots), fold
 * (BatchAccumulator: counters per endpoint and segment), commit (all-or-nothing, idempotent by
 * batch id) and after-commit (learned features, observers, pending labels).
 */
export class IngestService {
  private readonly observers: IngestObserver[] = [];
  private readonly group = new GroupCommit((commits) => this.store.commitIngestGroup(commits));
  private readonly resolver: EventResolver;

  constructor(
    private readonly store: Store,
    private readonly references: ReferenceService,
    private readonly labels: LabelService,
    private readonly segments: SegmentService,
    private readonly options: IngestOptions = DEFAULT_INGEST_OPTIONS,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.resolver = new EventResolver(store);
  }

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
    const resolution = await this.resolver.resolve(events, authorize, now);
    const resolved = await this.route(resolution);
    const folded = this.fold(resolved, now);
    const receipt: IngestReceipt = {
      batchId: batch.batchId ?? null,
      accepted: batch.events.length,
      predictions: folded.predictions,
      endpoints: folded.activity().map((a) => a.endpointId),
      registered: resolution.registered.map((e) => e.id),
      duplicate: false,
    };
    const commit: IngestCommit = {
      batchId: batch.batchId ?? null,
      newEndpoints: resolution.registered,
      activity: folded.activity(),
      aggregates: rollUp(folded.minuteCounters()),
      samples: folded.samples,
      predictionKeys: folded.predictionKeys,
      receipt,
      now,
    };
    const outcome = await (this.options.groupCommit
      ? this.group.commit(commit)
      : this.store.commitIngest(commit));
    if (!outcome.applied) return { ...(outcome.receipt as IngestReceipt), duplicate: true };
    await this.afterCommit(resolution, resolved, folded);
    return receipt;
  }

  /**
   * Each event's binning and segments. Segment values new to the endpoint get slots here (stored
   * before the batch commits, so a retried batch finds the same slots).
   */
  private async route(resolution: Resolution): Promise<ResolvedEvent[]> {
    const byEndpoint = new Map<string, { endpoint: EndpointRecord; events: MappedEvent[] }>();
    for (const m of resolution.mapped) {
      const group = byEndpoint.get(m.endpoint.id);
      if (group) group.events.push(m);
      else byEndpoint.set(m.endpoint.id, { endpoint: m.endpoint, events: [m] });
    }
    const newlyRegistered = new Set(resolution.registered.map((e) => e.id));
    const routes = new Map<string, EndpointRoute>();
    for (const [id, { endpoint, events }] of byEndpoint) {
      const binning = await this.references.binningFor(endpoint);
      const asSegmented = (m: MappedEvent) => ({ features: m.features, tags: m.event.tags });
      // An endpoint registered by this very batch has declared no segments yet.
      const state = newlyRegistered.has(id)
        ? null
        : await this.segments.assign(endpoint, (declared) =>
            declared.keys.length ? valuesByKey(declared, events.map(asSegmented)) : new Map(),
          );
      if (!state || state.keys.length === 0) {
        routes.set(id, { binning, segmentsOf: () => NO_SEGMENTS });
        continue;
      }
      const router = segmentRouter(id, state);
      routes.set(id, { binning, segmentsOf: (m) => router(asSegmented(m)) });
    }
    return resolution.mapped.map((m) => {
      // Every mapped event's endpoint got its route above.
      const route = routes.get(m.endpoint.id) as EndpointRoute;
      return {
        event: m.event,
        endpoint: m.endpoint,
        features: m.features,
        outputs: m.outputs,
        labelValue: m.labelValue,
        binning: route.binning,
        segments: route.segmentsOf(m),
      };
    });
  }

  private fold(resolved: ResolvedEvent[], now: Date): BatchAccumulator {
    const accumulator = new BatchAccumulator({
      samplesPerMinute: this.options.samplesPerMinute,
      labelsJoinUntil: new Date(now.getTime() + this.options.labelJoinWindowMs),
      now,
      keepLatencies: this.observers.length > 0,
    });
    for (const r of resolved) accumulator.add(r);
    return accumulator;
  }

  private async afterCommit(
    resolution: Resolution,
    resolved: ResolvedEvent[],
    folded: BatchAccumulator,
  ): Promise<void> {
    for (const endpoint of resolution.learned) await this.store.updateEndpointSpec(endpoint.id, endpoint);
    if (this.observers.length) this.notify(resolved, folded);
    const awaitingLabels = folded.awaitingLabels();
    if (awaitingLabels.length) await this.labels.joinPendingFor(awaitingLabels);
  }

  private notify(resolved: ResolvedEvent[], folded: BatchAccumulator): void {
    const endpoints = new Map(resolved.map((r) => [r.endpoint.id, r.endpoint]));
    const batch = folded.activity().map((a): CommittedPredictions => {
      const e = endpoints.get(a.endpointId) as EndpointRecord;
      return {
        endpoint: { id: e.id, project: e.project, model: e.model, version: e.version },
        predictions: a.predictions,
        errors: a.errors,
        latenciesUs: folded.latenciesOf(a.endpointId),
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
}

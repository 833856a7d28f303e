import {
  RESOLUTION_MS,
  type EndpointRecord,
  type PendingLabelRecord,
  type PredictionKeyRecord,
  type Store,
} from '../../store/types';
import type { Binning } from '../aggregates/binning';
import { CounterSet } from '../aggregates/counterSet';
import { foldLabel } from '../aggregates/layout';
import { rollUp, type MinuteCounters } from '../aggregates/rollUp';
import { alignDown } from '../aggregates/tiling';
import { foldLabelArrival, foldLabelJoin, type LabelArrival } from '../labels/labelHealth';
import { labelLagSeconds } from '../labels/labelLag';
import type { ReferenceService } from '../reference/referenceService';
import type { LabelInput } from './eventShapes';

export interface LabelReceipt {
  accepted: number;
  /** Joined with their prediction now. */
  joined: number;
  /** Waiting for their prediction (joined when it arrives, within the join window). */
  pending: number;
  /** For a prediction whose ground truth was already counted (e.g. a retried request): ignored. */
  alreadyLabelled: number;
}

/** The value counted for a label given as a scalar, an array or an object of label columns: the first. */
export const firstLabelValue = (label: LabelInput['label'] | undefined): unknown =>
  typeof label === 'object' && label !== null ? Object.values(label)[0] : label;

/**
 * Ground truth by request id. Every label is first stored as pending; whoever then claims it
 * (this call, or the ingest of its prediction) counts it, so it is counted exactly once
 * whichever arrives first. A prediction is labelled once: its key is marked when its label is
 * counted, and labels that come after that (retries, duplicates) are ignored.
 */
export class LabelService {
  constructor(
    private readonly store: Store,
    private readonly references: ReferenceService,
    private readonly joinWindowMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async attach(labels: LabelInput[], authorize: (project: string) => void): Promise<LabelReceipt> {
    const now = this.clock();
    const ids = labels.map((l) => l.requestId);
    // Authorise against the endpoints the labels will count on, before storing anything.
    const keys = await this.store.findPredictionKeys(ids);
    for (const endpointId of new Set([
      ...keys.map((k) => k.endpointId),
      ...labels.flatMap((l) => (l.endpoint ? [l.endpoint] : [])),
    ])) {
      const endpoint = await this.store.getEndpoint(endpointId);
      if (endpoint) authorize(endpoint.project);
    }
    const labelled = new Set(keys.filter((k) => k.labelledAt !== null).map((k) => k.requestId));
    const fresh = labels.filter((l) => !labelled.has(l.requestId));
    await this.store.insertPendingLabels(
      fresh.map((l) => ({
        requestId: l.requestId,
        endpointId: l.endpoint ?? null,
        label: firstLabelValue(l.label),
        receivedAt: now,
        expiresAt: new Date(now.getTime() + this.joinWindowMs),
      })),
    );
    const joined = await this.joinPendingFor(
      fresh.map((l) => l.requestId),
      now,
    );
    // Label health at the label's minute (labels/labelHealth.ts): arrivals, repeats, and waiting ones.
    const endpointOf = new Map(keys.map((k) => [k.requestId, k.endpointId]));
    const arrivals: Array<{ endpointId: string; arrival: LabelArrival }> = [];
    for (const l of labels) {
      const endpointId = endpointOf.get(l.requestId) ?? l.endpoint;
      if (!endpointId) continue;
      arrivals.push({ endpointId, arrival: 'received' });
      if (labelled.has(l.requestId)) arrivals.push({ endpointId, arrival: 'duplicate' });
      else if (!endpointOf.has(l.requestId)) arrivals.push({ endpointId, arrival: 'waiting' });
    }
    await this.countArrivals(arrivals, now);
    const alreadyLabelled = labels.length - fresh.length;
    return { accepted: labels.length, joined, pending: fresh.length - joined, alreadyLabelled };
  }

  /** Folds label arrivals into the endpoints' minute of `at` (their current reference version). */
  private async countArrivals(
    arrivals: Array<{ endpointId: string; arrival: LabelArrival }>,
    at: Date,
  ): Promise<void> {
    const byEndpoint = new Map<string, CounterSet>();
    for (const { endpointId, arrival } of arrivals) {
      let counters = byEndpoint.get(endpointId);
      if (!counters) byEndpoint.set(endpointId, (counters = new CounterSet()));
      foldLabelArrival(counters, arrival);
    }
    const minutes: MinuteCounters[] = [];
    for (const [endpointId, counters] of byEndpoint) {
      const endpoint = await this.store.getEndpoint(endpointId);
      if (!endpoint) continue;
      minutes.push({
        endpointId,
        start: alignDown(at.getTime(), RESOLUTION_MS.minute),
        version: endpoint.referenceVersion,
        counters,
      });
    }
    if (minutes.length) await this.store.applyAggregates(rollUp(minutes));
  }

  /**
   * Claims pending labels whose prediction is known and counts them. Returns how many were joined.
   * `receivedNow`: when called for labels just received at that time (they were never counted as
   * waiting); labels claimed that were received earlier and named their endpoint stop waiting.
   */
  async joinPendingFor(requestIds: string[], receivedNow?: Date): Promise<number> {
    const found = await this.store.findPredictionKeys(requestIds);
    const keys = new Map(found.filter((k) => k.labelledAt === null).map((k) => [k.requestId, k]));
    if (keys.size === 0) return 0;
    const claimed = await this.store.claimPendingLabels([...keys.keys()]);
    // The usual case after an ingest: no label was waiting.
    if (claimed.length === 0) return 0;
    // A request labelled twice before its join counts its latest label once.
    const latest = new Map<string, PendingLabelRecord>();
    for (const label of claimed) {
      const seen = latest.get(label.requestId);
      if (!seen || seen.receivedAt <= label.receivedAt) latest.set(label.requestId, label);
    }
    const stopWaiting = claimed.filter(
      (l) =>
        l.endpointId !== null &&
        l.endpointId === keys.get(l.requestId)?.endpointId &&
        l.receivedAt.getTime() !== receivedNow?.getTime(),
    );
    for (const [at, group] of groupBy(stopWaiting, (l) => l.receivedAt.getTime()))
      await this.countArrivals(
        group.map((l) => ({ endpointId: l.endpointId as string, arrival: 'claimed' })),
        new Date(at),
      );
    const matching = [...latest.values()].filter(
      (label) => label.endpointId === null || label.endpointId === keys.get(label.requestId)?.endpointId,
    );
    // Only the caller that marks a key counts its label (another may have labelled it meanwhile).
    const marked = new Set(
      await this.store.markPredictionKeysLabelled(
        matching.map((l) => l.requestId),
        this.clock(),
      ),
    );
    const minutes: MinuteCounters[] = [];
    const endpoints = new Map<string, EndpointRecord | null>();
    const binnings = new Map<string, Binning>();
    for (const label of matching) {
      if (!marked.has(label.requestId)) continue;
      const key = keys.get(label.requestId) as PredictionKeyRecord;
      if (!endpoints.has(key.endpointId))
        endpoints.set(key.endpointId, await this.store.getEndpoint(key.endpointId));
      const endpoint = endpoints.get(key.endpointId);
      if (!endpoint) continue;
      const binningKey = `${key.endpointId}:${key.referenceVersion}`;
      let binning = binnings.get(binningKey);
      if (!binning) {
        binning = await this.references.binningFor(endpoint, key.referenceVersion);
        binnings.set(binningKey, binning);
      }
      const counters = new CounterSet();
      foldLabel(counters, binning, key.prediction, label.label);
      foldLabelJoin(counters, labelLagSeconds(key.time.getTime(), label.receivedAt.getTime()));
      // Counted where the prediction was: its endpoint and each of its segments.
      for (const aggregatesId of [key.endpointId, ...(key.segments ?? [])])
        minutes.push({
          endpointId: aggregatesId,
          start: alignDown(key.time.getTime(), RESOLUTION_MS.minute),
          version: key.referenceVersion,
          counters,
        });
    }
    if (minutes.length) await this.store.applyAggregates(rollUp(minutes));
    return minutes.length;
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

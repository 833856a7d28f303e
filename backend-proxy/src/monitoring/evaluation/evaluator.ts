import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger';
import { type EndpointRecord, type MonitoringEventRecord, type Store } from '../../store/types';
import type { AlertService } from '../alerts/alertService';
import type { DriftService } from '../analysis/driftService';
import { PeriodicTask } from '../periodicTask';
import { taskSettingOf } from '../accuracy/task';
import type { Retention } from './retention';
import type { MetricsService } from '../windows/metricsService';
import type { SegmentDriftService } from '../segments/segmentDrift';
import type { SegmentService } from '../segments/segmentService';
import { InvalidInputError } from '../../errors';
import type { AlertInputs } from '../alerts/alertRules';

export interface EvaluatorOptions {
  intervalMs: number;
  windowMs: number;
  /** What each pass prunes once evaluated. */
  retention: Retention;
}

const LEASE = 'evaluator';
const AGGREGATE_PRUNE_INTERVAL_MS = 3_600_000;
/** Records are compacted once their interval ended this long ago (batches with slightly late timestamps). */
export const COMPACT_AFTER_MS = 5 * 60_000;
const PAGE = 500;

/** What one endpoint's evaluation stores, so that listing endpoints is a plain read. */
export function measuresSummary(report: Awaited<ReturnType<DriftService['report']>>) {
  return {
    window: report.window,
    overall: report.overall,
    features: report.features.map((f) => ({
      name: f.name,
      tvd: f.measures.tvd?.value ?? null,
      hellinger: f.measures.hellinger?.value ?? null,
      kld: f.measures.kld?.value ?? null,
    })),
  };
}

/**
 * The periodic evaluation: updates every monitored endpoint's drift status, measures and accuracy,
 * records status changes as events, and prunes expired data. With several replicas on one store,
 * a lease makes one of them do it per tick.
 */
export class Evaluator {
  private readonly task: PeriodicTask<void>;
  private readonly holder = randomUUID();
  /** When aggregates were last pruned (epoch ms of the clock; -Infinity: not yet). */
  private aggregatesPrunedAt = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly drift: DriftService,
    private readonly metrics: MetricsService,
    private readonly alerts: AlertService,
    private readonly segments: SegmentService,
    private readonly segmentDrift: SegmentDriftService,
    private readonly logger: Logger,
    private readonly options: EvaluatorOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.task = new PeriodicTask(options.intervalMs, () => this.pass());
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    await this.store.releaseLease(LEASE, this.holder).catch(() => undefined);
  }

  /** One evaluation pass, skipped when another replica holds the lease; joins a pass under way. */
  tick(): Promise<void> {
    return this.task.run();
  }

  private async pass(): Promise<void> {
    const started = Date.now();
    try {
      // The lease outlives the interval a little so a slow pass is not taken over mid-way.
      if (
        !(await this.store.acquireLease(
          LEASE,
          this.holder,
          Math.max(this.options.intervalMs * 2, 60_000),
          this.clock(),
        ))
      )
        return;
      const evaluated = await this.evaluateAll();
      const pruned = await this.prune();
      this.logger.debug({ evaluated, pruned, ms: Date.now() - started }, 'evaluation pass done');
    } catch (err) {
      this.logger.error({ err }, 'evaluation pass failed; retrying next tick');
    }
  }

  async evaluateAll(): Promise<number> {
    let offset = 0;
    let evaluated = 0;
    for (;;) {
      const page = await this.store.listEndpoints({ monitoring: true }, { offset, limit: PAGE });
      for (const endpoint of page.items) {
        try {
          await this.evaluate(endpoint);
          evaluated += 1;
        } catch (err) {
          this.logger.warn({ err, endpoint: endpoint.id }, 'endpoint evaluation failed');
        }
      }
      offset += page.items.length;
      if (page.items.length < PAGE || offset >= page.total) return evaluated;
    }
  }

  async evaluate(endpoint: EndpointRecord): Promise<void> {
    const now = this.clock();
    const to = now.getTime();
    const from = to - this.options.windowMs;
    const [report, figures, rolling] = await Promise.all([
      this.drift.report(endpoint, from, to),
      this.metrics.window(endpoint.id, taskSettingOf(endpoint), from, to),
      this.metrics.rolling(endpoint.id),
    ]);
    const status = report.overall.status;
    await this.store.recordEvaluation(endpoint.id, {
      driftStatus: status,
      // Label health rides along (read by the Prometheus gauges, like the drift measures).
      driftMeasures: { ...measuresSummary(report), labels: figures.labels },
      // Kept through a window without labels; dropped when the endpoint is (now) a regression.
      accuracy: figures.task === 'classification' ? (figures.accuracy ?? endpoint.accuracy) : null,
      evaluatedAt: now,
    });
    if (status !== endpoint.driftStatus) {
      const event: MonitoringEventRecord = {
        time: now,
        project: endpoint.project,
        endpointId: endpoint.id,
        kind: 'drift_status',
        title: `${endpoint.model}:${endpoint.version} ${endpoint.driftStatus} -> ${status}`,
        text: `drift status of ${endpoint.model}:${endpoint.version} changed from ${endpoint.driftStatus} to ${status}`,
        tags: ['drift', status, endpoint.project, endpoint.model],
        data: { from: endpoint.driftStatus, to: status, overall: report.overall },
      };
      await this.store.appendMonitoringEvents([event]);
    }
    await this.segmentDrift.evaluate(endpoint, from, to);
    await this.alerts.evaluate(
      endpoint,
      { report, window: figures, recentPredictionsPerSecond: rolling.predictionsPerSecond5m },
      (segment) => this.segmentInputs(endpoint, segment, from, to),
    );
  }

  /** A segment rule's inputs: the segment's drift and figures over the window; null while the value has no slot. */
  private async segmentInputs(
    endpoint: EndpointRecord,
    segment: { key: string; value: string },
    from: number,
    to: number,
  ): Promise<AlertInputs | null> {
    let scope;
    try {
      [scope] = await this.segments.scopes(endpoint, segment.key, [segment.value]);
    } catch (err) {
      // The key was undeclared or the value has no slot (yet): the rule has no data.
      if (err instanceof InvalidInputError) return null;
      throw err;
    }
    const [report, window, rolling] = await Promise.all([
      this.drift.report(endpoint, from, to, undefined, scope),
      this.metrics.window(scope.aggregatesId, taskSettingOf(endpoint), from, to),
      this.metrics.rolling(scope.aggregatesId),
    ]);
    return { report, window, recentPredictionsPerSecond: rolling.predictionsPerSecond5m };
  }

  /**
   * Removes what retention no longer keeps; logs how many records of each kind went. Aggregates
   * are pruned at most once an hour (their deletes scan by resolution and time, and an hour more
   * of minutes is nothing next to weeks kept), and the records closed since compacted then.
   */
  private async prune(): Promise<number> {
    const started = Date.now();
    const now = this.clock().getTime();
    const r = this.options.retention;
    const removed = { expired: 0, minutes: 0, hours: 0, days: 0 };
    removed.expired = await this.store.pruneExpired(new Date(now), {
      samplesBefore: new Date(now - r.samplesMs),
      maxSamplesPerEndpoint: r.maxSamplesPerEndpoint,
      batchesBefore: new Date(now - r.idempotencyMs),
    });
    if (now - this.aggregatesPrunedAt >= AGGREGATE_PRUNE_INTERVAL_MS) {
      removed.minutes = await this.store.pruneAggregates('minute', now - r.minuteAggregatesMs);
      removed.hours = await this.store.pruneAggregates('hour', now - r.hourAggregatesMs);
      if (r.dayAggregatesMs > 0)
        removed.days = await this.store.pruneAggregates('day', now - r.dayAggregatesMs);
      this.aggregatesPrunedAt = now;
      const compacting = Date.now();
      const compacted = await this.store.compactAggregates(now - COMPACT_AFTER_MS);
      if (compacted > 0) this.logger.info({ compacted, ms: Date.now() - compacting }, 'aggregates compacted');
    }
    const total = removed.expired + removed.minutes + removed.hours + removed.days;
    if (total > 0) this.logger.info({ removed, ms: Date.now() - started }, 'retention pruned records');
    return total;
  }
}

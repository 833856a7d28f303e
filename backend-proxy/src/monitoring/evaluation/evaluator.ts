import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger';
import { type EndpointRecord, type MonitoringEventRecord, type Store } from '../../store/types';
import type { AlertService } from '../alerts/alertService';
import type { DriftService } from '../analysis/driftService';
import { PeriodicTask } from '../periodicTask';
import { taskSettingOf } from '../accuracy/task';
import { labelHealth } from '../performance/labelCoverage';
import type { MetricsService } from '../windows/metricsService';

export interface EvaluatorOptions {
  intervalMs: number;
  windowMs: number;
  /** Retention: raw samples and idempotency ids (ms), samples kept per endpoint, minute aggregates (ms). */
  sampleRetentionMs: number;
  maxSamplesPerEndpoint: number;
  minuteAggregateRetentionMs: number;
  hourAggregateRetentionMs: number;
}

export const DEFAULT_EVALUATOR_OPTIONS: Omit<EvaluatorOptions, 'intervalMs' | 'windowMs'> = {
  sampleRetentionMs: 86_400_000,
  maxSamplesPerEndpoint: 5_000,
  minuteAggregateRetentionMs: 35 * 86_400_000,
  hourAggregateRetentionMs: 400 * 86_400_000,
};

const LEASE = 'evaluator';
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

  constructor(
    private readonly store: Store,
    private readonly drift: DriftService,
    private readonly metrics: MetricsService,
    private readonly alerts: AlertService,
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
      driftMeasures: { ...measuresSummary(report), labels: labelHealth(figures) },
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
    await this.alerts.evaluate(endpoint, {
      report,
      window: figures,
      recentPredictionsPerSecond: rolling.predictionsPerSecond5m,
    });
  }

  private async prune(): Promise<number> {
    const now = this.clock().getTime();
    const o = this.options;
    let removed = await this.store.pruneExpired(new Date(now), {
      samplesBefore: new Date(now - o.sampleRetentionMs),
      maxSamplesPerEndpoint: o.maxSamplesPerEndpoint,
      batchesBefore: new Date(now - o.sampleRetentionMs),
    });
    removed += await this.store.pruneAggregates('minute', now - o.minuteAggregateRetentionMs);
    removed += await this.store.pruneAggregates('hour', now - o.hourAggregateRetentionMs);
    return removed;
  }
}

/**
 * Prometheus metrics (prom-client), for Grafana alert rules and recording rules.
 *
 * Two kinds of series, on purpose:
 * - Counters and the latency histogram are counted by each replica as it ingests (an
 *   IngestObserver), so they are cheap, exact per replica and behave as Prometheus expects of
 *   counters (reset on restart, `rate()` copes); `sum by (endpoint)` adds the replicas up. Reading
 *   the store's totals instead would make every replica report the same total.
 * - Gauges (drift status and measures, accuracy) describe shared state: they are read from the
 *   endpoint records in the store at scrape time (through a short cache, so one read serves a
 *   whole scrape), so every replica reports the same, current values.
 *
 * Per-feature drift gauges (`metricsPerFeature`) are off by default: they add one series per
 * endpoint and feature for each of tvd/hellinger/kld, which for wide models is most of the
 * cardinality a Prometheus server is willing to hold.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { AlertStatus } from '../monitoring/alerts/alertService';
import type { CommittedPredictions, IngestObserver } from '../monitoring/ingest/ingestService';
import { DRIFT_STATUS_LEVEL } from '../monitoring/drift/driftStatus';
import type { SegmentEvaluation } from '../monitoring/segments/segmentDrift';
import type { EndpointRecord, Store } from '../store/types';
import {
  SEGMENT_DRIFT_STATUS,
  SEGMENT_LABELS,
  SEGMENT_SERIES_DROPPED,
  SEGMENT_WINDOW_PREDICTIONS,
} from './segmentMetricNames';
import { ENDPOINT_LABELS, EndpointSnapshot, endpointLabels } from './endpointSnapshot';

export interface PrometheusOptions {
  perFeature: boolean;
  /** How long one read of the endpoint records serves scrapes. */
  cacheTtlMs: number;
  /** Also export the process's own metrics (CPU, memory, event loop, GC). */
  processMetrics: boolean;
}

export const DEFAULT_PROMETHEUS_OPTIONS: PrometheusOptions = {
  perFeature: false,
  cacheTtlMs: 5_000,
  processMetrics: true,
};

/** -1 stands for UNKNOWN (no reference or no predictions yet), so alert rules on `>= 1` ignore it. */

const ALERT_PHASE_VALUE: Record<AlertStatus['phase'], number> = { inactive: 0, pending: 1, firing: 2 };

const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the evaluator stores in `driftMeasures` (see monitoring/evaluation); read defensively, it is JSON. */
const measure = z.number().nullable().optional();
const storedMeasures = z
  .object({
    window: z.object({ predictions: measure }).loose().optional(),
    overall: z
      .object({
        tvdMean: measure,
        hellingerMean: measure,
        kldMean: measure,
        n: z.object({ minSample: measure }).loose().optional(),
      })
      .loose()
      .optional(),
    features: z
      .array(z.object({ name: z.string(), tvd: measure, hellinger: measure, kld: measure }).loose())
      .optional(),
    labels: z
      .object({ coverage: measure, lagP95Seconds: measure, received: measure, unmatched: measure })
      .loose()
      .optional(),
  })
  .loose();
type StoredMeasures = z.output<typeof storedMeasures>;

// Several gauges read each endpoint's measures per scrape; the snapshot hands them the same records.
const parsedMeasures = new WeakMap<EndpointRecord, StoredMeasures>();

function measuresOf(e: EndpointRecord): StoredMeasures {
  let measures = parsedMeasures.get(e);
  if (!measures) {
    const parsed = storedMeasures.safeParse(e.driftMeasures ?? {});
    measures = parsed.success ? parsed.data : {};
    parsedMeasures.set(e, measures);
  }
  return measures;
}

const isNumber = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly snapshot: EndpointSnapshot;
  private readonly predictions: Counter<(typeof ENDPOINT_LABELS)[number]>;
  private readonly errors: Counter<(typeof ENDPOINT_LABELS)[number]>;
  private readonly latency: Histogram<(typeof ENDPOINT_LABELS)[number]>;

  constructor(store: Store, options: PrometheusOptions = DEFAULT_PROMETHEUS_OPTIONS) {
    this.snapshot = new EndpointSnapshot(store, options.cacheTtlMs);
    const registers = [this.registry];
    const labelNames = ENDPOINT_LABELS;
    const snapshot = this.snapshot;

    // Counters start at 0 for every known endpoint, so `rate()` and `increase()` see the first batch.
    const zeroForEveryEndpoint = async (counter: Counter<(typeof ENDPOINT_LABELS)[number]>) => {
      for (const e of await snapshot.get()) counter.inc(endpointLabels(e), 0);
    };
    this.predictions = new Counter({
      name: 'driftwatch_predictions_total',
      help: 'Predictions ingested by this replica, per endpoint.',
      labelNames,
      registers,
      async collect() {
        await zeroForEveryEndpoint(this);
      },
    });
    this.errors = new Counter({
      name: 'driftwatch_prediction_errors_total',
      help: 'Predictions ingested by this replica that reported an error, per endpoint.',
      labelNames,
      registers,
      async collect() {
        await zeroForEveryEndpoint(this);
      },
    });
    this.latency = new Histogram({
      name: 'driftwatch_prediction_latency_seconds',
      help: 'Model latency reported with the predictions ingested by this replica.',
      labelNames,
      buckets: LATENCY_BUCKETS_S,
      registers,
    });

    /** A gauge set at scrape time from the endpoint records (reset first, so it only holds current endpoints). */
    const endpointGauge = (
      name: string,
      help: string,
      value: (e: EndpointRecord) => number | null | undefined,
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          for (const e of await snapshot.get()) {
            const v = value(e);
            if (isNumber(v)) this.set(endpointLabels(e), v);
          }
        },
      });
    endpointGauge(
      'driftwatch_drift_status',
      'Drift status of the latest evaluation: 0 no drift, 1 possible drift, 2 drift detected, -1 unknown, -2 insufficient data (fewer predictions than the policy minimum).',
      (e) => DRIFT_STATUS_LEVEL[e.driftStatus],
    );
    endpointGauge(
      'driftwatch_drift_window_predictions',
      'Predictions in the window the latest drift evaluation decided on (its sample size n).',
      (e) => measuresOf(e).window?.predictions,
    );
    endpointGauge(
      'driftwatch_drift_min_sample',
      "The drift policy's minimum sample: below it the status is insufficient data (-2), never drift.",
      (e) => measuresOf(e).overall?.n?.minSample,
    );
    endpointGauge(
      'driftwatch_drift_tvd_mean',
      'Mean total variation distance over the features, latest evaluation.',
      (e) => measuresOf(e).overall?.tvdMean,
    );
    endpointGauge(
      'driftwatch_drift_hellinger_mean',
      'Mean Hellinger distance over the features, latest evaluation.',
      (e) => measuresOf(e).overall?.hellingerMean,
    );
    endpointGauge(
      'driftwatch_drift_kld_mean',
      "Mean of MLRun's symmetric KL divergence over the features, latest evaluation.",
      (e) => measuresOf(e).overall?.kldMean,
    );
    endpointGauge(
      'driftwatch_accuracy',
      'Accuracy of the labelled predictions, latest evaluation.',
      (e) => e.accuracy,
    );
    endpointGauge(
      'driftwatch_label_coverage',
      "Share of the evaluation window's predictions labelled so far (alert e.g. when < 0.2).",
      (e) => measuresOf(e).labels?.coverage,
    );
    endpointGauge(
      'driftwatch_label_lag_p95_seconds',
      'p95 of label time minus prediction time over the labelled predictions of the evaluation window.',
      (e) => measuresOf(e).labels?.lagP95Seconds,
    );
    endpointGauge(
      'driftwatch_labels_received',
      'Labels received during the evaluation window ("labels stopped": == 0 while predictions come).',
      (e) => measuresOf(e).labels?.received,
    );
    endpointGauge(
      'driftwatch_labels_unmatched',
      'Labels received during the evaluation window that named the endpoint but matched no prediction yet.',
      (e) => measuresOf(e).labels?.unmatched,
    );
    endpointGauge(
      'driftwatch_drift_evaluated_timestamp_seconds',
      'When drift was last evaluated (Unix seconds); alert when it stops moving.',
      (e) => (e.driftEvaluatedAt ? e.driftEvaluatedAt.getTime() / 1_000 : null),
    );

    if (options.perFeature) {
      for (const metric of ['tvd', 'hellinger', 'kld'] as const) {
        new Gauge({
          name: `driftwatch_feature_drift_${metric}`,
          help: `Per-feature ${metric} of the latest evaluation (opt-in: one series per endpoint and feature).`,
          labelNames: [...labelNames, 'feature'],
          registers,
          async collect() {
            this.reset();
            for (const e of await snapshot.get()) {
              for (const f of measuresOf(e).features ?? []) {
                const v = f[metric];
                if (isNumber(v)) this.set({ ...endpointLabels(e), feature: f.name }, v);
              }
            }
          },
        });
      }
    }
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Exports alert states (0 inactive, 1 pending, 2 firing) per rule and endpoint, read at scrape
   * time; `states` is AlertService.states.
   */
  exportAlertStates(states: () => Promise<AlertStatus[]>): void {
    const snapshot = this.snapshot;
    new Gauge({
      name: 'driftwatch_alert_state',
      help: "State of each Driftwatch alert rule on each endpoint: 0 inactive, 1 pending, 2 firing (rules of Driftwatch's own alerting, not Grafana's).",
      labelNames: [...ENDPOINT_LABELS, 'rule'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const endpoints = new Map((await snapshot.get()).map((e) => [e.id, e]));
        for (const s of await states()) {
          const endpoint = endpoints.get(s.endpointId);
          if (endpoint)
            this.set({ ...endpointLabels(endpoint), rule: s.ruleName }, ALERT_PHASE_VALUE[s.phase]);
        }
      },
    });
  }

  /**
   * Exports the latest segment evaluations (status and window predictions per segment) within
   * `limit` series per gauge: the worst segments (highest status level, then score) first, the
   * number left out in driftwatch_segment_series_dropped. `evaluations` is SegmentDriftService.latest.
   */
  exportSegmentStatuses(evaluations: () => Promise<SegmentEvaluation[]>, limit: number): void {
    const snapshot = this.snapshot;
    const labelNames = [...ENDPOINT_LABELS, ...SEGMENT_LABELS];
    const registers = [this.registry];
    const exported = async () => {
      const endpoints = new Map((await snapshot.get()).map((e) => [e.id, e]));
      const rows = (await evaluations()).flatMap((ev) => {
        const endpoint = endpoints.get(ev.endpointId);
        return endpoint ? ev.segments.map((s) => ({ endpoint, ...s })) : [];
      });
      rows.sort(
        (a, b) =>
          DRIFT_STATUS_LEVEL[b.status] - DRIFT_STATUS_LEVEL[a.status] ||
          (b.score ?? -Infinity) - (a.score ?? -Infinity) ||
          b.n - a.n,
      );
      return { kept: rows.slice(0, limit), dropped: Math.max(0, rows.length - limit) };
    };
    const segmentGauge = (
      metric: { name: string; help: string },
      value: (s: SegmentEvaluation['segments'][number]) => number,
    ) =>
      new Gauge({
        ...metric,
        labelNames,
        registers,
        async collect() {
          this.reset();
          for (const row of (await exported()).kept)
            this.set(
              { ...endpointLabels(row.endpoint), segment_key: row.segmentKey, segment: row.segment },
              value(row),
            );
        },
      });
    segmentGauge(SEGMENT_DRIFT_STATUS, (s) => DRIFT_STATUS_LEVEL[s.status]);
    segmentGauge(SEGMENT_WINDOW_PREDICTIONS, (s) => s.n);
    new Gauge({
      ...SEGMENT_SERIES_DROPPED,
      registers,
      async collect() {
        this.set((await exported()).dropped);
      },
    });
  }

  /** Counts committed predictions; hand it to IngestService.addObserver. */
  readonly ingestObserver: IngestObserver = {
    committed: (batch: CommittedPredictions[]) => {
      for (const b of batch) {
        const labels = endpointLabels(b.endpoint);
        this.predictions.inc(labels, b.predictions);
        if (b.errors > 0) this.errors.inc(labels, b.errors);
        // One label lookup per endpoint and batch, not per prediction (batches hold up to 50,000).
        const latency = this.latency.labels(labels);
        for (const us of b.latenciesUs) latency.observe(us / 1_000_000);
      }
    },
  };

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

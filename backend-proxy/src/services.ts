import { ApiKeyService } from './auth/apiKeyService';
import type { Config } from './config';
import { GrafanaService } from './grafana/grafanaService';
import type { Logger } from './logger';
import { DEFAULT_PROMETHEUS_OPTIONS, PrometheusMetrics } from './metrics/prometheusMetrics';
import { AlertService } from './monitoring/alerts/alertService';
import { DEFAULT_DELIVERY_OPTIONS, DeliveryService } from './monitoring/alerts/deliveryService';
import { AccuracyService } from './monitoring/analysis/accuracyService';
import { EstimatedPerformanceService } from './monitoring/analysis/estimatedPerformanceService';
import { DriftService } from './monitoring/analysis/driftService';
import { EndpointService } from './monitoring/endpoints/endpointService';
import { Evaluator } from './monitoring/evaluation/evaluator';
import { DEFAULT_INGEST_OPTIONS, IngestService } from './monitoring/ingest/ingestService';
import { LabelService } from './monitoring/ingest/labelService';
import { JobService } from './monitoring/jobs/jobService';
import { MonitorService } from './monitoring/monitors/monitorService';
import { ReferenceService } from './monitoring/reference/referenceService';
import { SegmentDriftService } from './monitoring/segments/segmentDrift';
import { SegmentService } from './monitoring/segments/segmentService';
import { MetricsService } from './monitoring/windows/metricsService';
import { WindowService } from './monitoring/windows/windowService';
import { ReportService } from './reports/reportService';
import type { Store } from './store/types';
import { ExperimentService } from './tracking/experimentService';

/** Every service the HTTP layer and the background jobs use, built once per process. */
export interface Services {
  config: Config;
  logger: Logger;
  store: Store;
  keys: ApiKeyService;
  experiments: ExperimentService;
  endpoints: EndpointService;
  references: ReferenceService;
  ingest: IngestService;
  labels: LabelService;
  segments: SegmentService;
  segmentDrift: SegmentDriftService;
  windows: WindowService;
  metrics: MetricsService;
  drift: DriftService;
  accuracy: AccuracyService;
  estimatedPerformance: EstimatedPerformanceService;
  evaluator: Evaluator;
  grafana: GrafanaService;
  prometheus: PrometheusMetrics;
  monitors: MonitorService;
  jobs: JobService;
  alerts: AlertService;
  deliveries: DeliveryService;
  reports: ReportService;
}

/** `clock` is injectable so tests can drive schedules, windows and alert timing. */
export function createServices(
  config: Config,
  logger: Logger,
  store: Store,
  clock: () => Date = () => new Date(),
): Services {
  const endpoints = new EndpointService(store, clock);
  const experiments = new ExperimentService(store, clock);
  const references = new ReferenceService(store, endpoints, clock, experiments);
  const labels = new LabelService(store, references, DEFAULT_INGEST_OPTIONS.labelJoinWindowMs, clock);
  const windows = new WindowService(store);
  const metrics = new MetricsService(windows, clock);
  const drift = new DriftService(windows, references, endpoints);
  const accuracy = new AccuracyService(windows, references);
  const estimatedPerformance = new EstimatedPerformanceService(windows, references);
  const segments = new SegmentService(store, windows, clock);
  const segmentDrift = new SegmentDriftService(segments, drift, store);
  const ingest = new IngestService(
    store,
    references,
    labels,
    segments,
    {
      ...DEFAULT_INGEST_OPTIONS,
      eventTimeWindow: {
        maxAgeMs: config.retention.minuteAggregatesMs,
        maxFutureSkewMs: config.maxClockSkewMs,
      },
      groupCommit: config.groupCommit,
    },
    clock,
  );
  const prometheus = new PrometheusMetrics(store, {
    ...DEFAULT_PROMETHEUS_OPTIONS,
    perFeature: config.metricsPerFeature,
  });
  ingest.addObserver(prometheus.ingestObserver);
  const monitors = new MonitorService(store, experiments, endpoints, references, windows, undefined, clock);
  const deliveries = new DeliveryService(
    store,
    logger.child({ component: 'webhooks' }),
    {
      ...DEFAULT_DELIVERY_OPTIONS,
      pollMs: config.webhookPollMs,
    },
    clock,
  );
  const jobs = new JobService(
    store,
    monitors,
    endpoints,
    logger.child({ component: 'jobs' }),
    config.jobTickMs,
    clock,
  );
  const alerts = new AlertService(
    store,
    deliveries,
    segments,
    { grafanaUrl: config.grafanaUrl, publicUrl: config.publicUrl },
    clock,
  );
  prometheus.exportAlertStates(() => alerts.states());
  prometheus.exportSegmentStatuses(() => segmentDrift.latest(), config.prometheusSegmentLimit);
  return {
    config,
    logger,
    store,
    keys: new ApiKeyService(store),
    experiments,
    endpoints,
    references,
    ingest,
    labels,
    segments,
    segmentDrift,
    windows,
    metrics,
    drift,
    accuracy,
    estimatedPerformance,
    evaluator: new Evaluator(
      store,
      drift,
      metrics,
      alerts,
      segments,
      segmentDrift,
      logger.child({ component: 'evaluator' }),
      {
        intervalMs: config.evaluationIntervalMs,
        windowMs: config.evaluationWindowMs,
        retention: config.retention,
      },
      clock,
    ),
    grafana: new GrafanaService({
      store,
      endpoints,
      references,
      windows,
      metrics,
      drift,
      estimatedPerformance,
      experiments,
      alerts,
      jobs,
      segments,
      segmentDrift,
      logger: logger.child({ component: 'grafana' }),
    }),
    prometheus,
    monitors,
    jobs,
    alerts,
    deliveries,
    reports: new ReportService(experiments),
  };
}

import { ApiKeyService } from './auth/apiKeyService';
import type { Config } from './config';
import type { Logger } from './logger';
import { DriftService } from './monitoring/analysis/driftService';
import { EndpointService } from './monitoring/endpoints/endpointService';
import { DEFAULT_EVALUATOR_OPTIONS, Evaluator } from './monitoring/evaluation/evaluator';
import { DEFAULT_INGEST_OPTIONS, IngestService } from './monitoring/ingest/ingestService';
import { LabelService } from './monitoring/ingest/labelService';
import { ReferenceService } from './monitoring/reference/referenceService';
import { MetricsService } from './monitoring/windows/metricsService';
import { WindowService } from './monitoring/windows/windowService';
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
  windows: WindowService;
  metrics: MetricsService;
  drift: DriftService;
  evaluator: Evaluator;
}

export function createServices(config: Config, logger: Logger, store: Store): Services {
  const endpoints = new EndpointService(store);
  const references = new ReferenceService(store, endpoints);
  const labels = new LabelService(store, references, DEFAULT_INGEST_OPTIONS.labelJoinWindowMs);
  const windows = new WindowService(store);
  const metrics = new MetricsService(windows);
  const drift = new DriftService(windows, references, endpoints);
  return {
    config,
    logger,
    store,
    keys: new ApiKeyService(store),
    experiments: new ExperimentService(store),
    endpoints,
    references,
    ingest: new IngestService(store, references, labels, DEFAULT_INGEST_OPTIONS),
    labels,
    windows,
    metrics,
    drift,
    evaluator: new Evaluator(store, drift, metrics, logger.child({ component: 'evaluator' }), {
      ...DEFAULT_EVALUATOR_OPTIONS,
      intervalMs: config.evaluationIntervalMs,
      windowMs: config.evaluationWindowMs,
    }),
  };
}

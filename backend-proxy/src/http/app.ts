import express, { type Express } from 'express';
import type { Services } from '../services';
import { authenticate, requireScope } from './authenticate';
import { errorHandler, notFoundHandler } from './errorHandler';
import { experimentsRouter } from './routers/experiments';
import { grafanaRouter } from './routers/grafana';
import { healthRouter } from './routers/health';
import { alertsRouter } from './routers/alerts';
import { endpointsRouter } from './routers/endpoints';
import { segmentsRouter } from './routers/segments';
import { jobsRouter } from './routers/jobs';
import { monitorsRouter } from './routers/monitors';
import { keysRouter } from './routers/keys';
import { predictionsRouter } from './routers/predictions';
import { projectsRouter } from './routers/projects';
import { reportsRouter } from './routers/reports';
import { prometheusRouter } from './routers/prometheus';
import { JSON_TYPES, requireContentType } from './contentType';

const ARTIFACT_PATH = /^\/api\/v1\/experiments\/[^/]+\/runs\/[^/]+\/artifacts\/[^/]+$/;

/** Wires routers onto an express app; all behaviour lives in the services. */
export function createApp(services: Services): Express {
  const { config, logger, store } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  app.use(healthRouter(store));
  // Artifact uploads stream their own bodies, whatever their content type (a JSON artifact is bytes too).
  const json = express.json({ limit: config.maxBodyBytes, type: JSON_TYPES });
  app.use((req, res, next) => {
    if (req.method === 'PUT' && ARTIFACT_PATH.test(req.path)) return next();
    requireContentType(req);
    json(req, res, next);
  });
  app.use('/api/v1', authenticate(services.keys));
  app.use('/api/v1/experiments', experimentsRouter(services.experiments, config.maxArtifactBytes));
  app.use('/api/v1/keys', keysRouter(services.keys));
  app.use('/api/v1/projects', projectsRouter(services.endpoints));
  app.use(
    '/api/v1/endpoints',
    endpointsRouter({
      ...services,
      maxBodyBytes: config.maxBodyBytes,
      maxUploadBytes: config.maxArtifactBytes,
    }),
  );
  app.use('/api/v1/endpoints', segmentsRouter(services));
  app.use('/api/v1/monitors', monitorsRouter(services.monitors, services.jobs, config.maxBodyBytes));
  app.use('/api/v1/jobs', jobsRouter(services.jobs));
  app.use('/api/v1/alerts', alertsRouter(services.alerts, services.deliveries));
  app.use('/api/v1/reports', reportsRouter(services.reports));
  app.use('/api/v1', predictionsRouter(services.ingest, services.labels));
  app.use('/grafana', authenticate(services.keys), grafanaRouter(services.grafana));
  // With a separate metrics port (server.ts) /metrics is served there, without a key; here it needs `read`.
  if (config.metricsPort === null)
    app.use(prometheusRouter(services.prometheus, authenticate(services.keys), requireScope('read')));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

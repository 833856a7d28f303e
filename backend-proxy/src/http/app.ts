import express, { type Express } from 'express';
import type { Services } from '../services';
import { authenticate } from './authenticate';
import { errorHandler, notFoundHandler } from './errorHandler';
import { experimentsRouter } from './routers/experiments';
import { healthRouter } from './routers/health';
import { endpointsRouter } from './routers/endpoints';
import { keysRouter } from './routers/keys';
import { predictionsRouter } from './routers/predictions';
import { projectsRouter } from './routers/projects';

/** Wires routers onto an express app; all behaviour lives in the services. */
export function createApp(services: Services): Express {
  const { config, logger, store } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  app.use(healthRouter(store));
  // Artifacts stream their own bodies; everything else is JSON with a size cap.
  app.use(express.json({ limit: config.maxBodyBytes, type: ['application/json', 'application/*+json'] }));
  app.use('/api/v1', authenticate(services.keys));
  app.use('/api/v1/experiments', experimentsRouter(services.experiments, config.maxArtifactBytes));
  app.use('/api/v1/keys', keysRouter(services.keys));
  app.use('/api/v1/projects', projectsRouter(services.endpoints));
  app.use('/api/v1/endpoints', endpointsRouter({ ...services, maxBodyBytes: config.maxBodyBytes }));
  app.use('/api/v1', predictionsRouter(services.ingest, services.labels));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

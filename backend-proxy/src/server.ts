import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config';
import { createApp } from './http/app';
import { prometheusRouter } from './http/routers/prometheus';
import { createLogger, type Logger } from './logger';
import { createServices, type Services } from './services';
import { openStore } from './store';
import { redactUrl } from './store/storeLocation';

export interface RunningProxy {
  services: Services;
  server: Server;
  /** Base URL on loopback, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Base URL of the separate Prometheus port, when `metricsPort` is set. */
  metricsUrl: string | null;
  /** Stops accepting, lets in-flight requests finish, stops background work, closes the store. */
  close(): Promise<void>;
}

/** The start-up warning when alert links cannot point into Grafana. */
export const GRAFANA_URL_MISSING =
  "DRIFTWATCH_GRAFANA_URL is not set: alert webhooks cannot link to the Details dashboard (they link to the drift report under DRIFTWATCH_PUBLIC_URL, or carry no link); set it to Grafana's base URL, e.g. http://localhost:3000";

/** Opens the store, builds the services and listens. Used by `driftwatch serve` and by tests. */
export async function startProxy(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningProxy> {
  const store = await openStore(config.store, (fields, message) => logger.info(fields, message));
  const services = createServices(config, logger, store);
  if (await services.keys.isOpen()) {
    logger.warn(
      'no API keys exist: the API is open to anyone who can reach it; create one with `driftwatch keys create`',
    );
  }
  if (config.grafanaUrl === null) logger.warn(GRAFANA_URL_MISSING);
  const app = createApp(services);
  let server: Server;
  let metricsServer: Server | null;
  try {
    server = await listen(app, config.port, config.host, '--port or DRIFTWATCH_PORT');
  } catch (err) {
    await store.close();
    throw err;
  }
  try {
    metricsServer = config.metricsPort === null ? null : await listenMetrics(services, config);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const metricsUrl = metricsServer
    ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`
    : null;
  if (metricsUrl) logger.info({ url: metricsUrl }, 'prometheus metrics listening (no key required)');
  logger.info({ url, store: redactUrl(config.store), storeKind: store.kind }, 'driftwatch proxy listening');

  services.evaluator.start();
  services.jobs.start();
  services.deliveries.start();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.all(
        [server, metricsServer].map(
          (s) =>
            new Promise<void>((resolve) => {
              if (!s) return resolve();
              s.close(() => resolve());
              s.closeIdleConnections();
            }),
        ),
      );
      await Promise.all([services.evaluator.stop(), services.jobs.stop(), services.deliveries.stop()]);
      await store.close();
      logger.info('driftwatch proxy stopped');
    })();
    return closing;
  };
  return { services, server, url, metricsUrl, close };
}

/** Prometheus on its own port: scrapes need no key there, so bind it where only the scraper reaches. */
async function listenMetrics(services: Services, config: Config): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(prometheusRouter(services.prometheus));
  return listen(app, config.metricsPort ?? 0, config.host, 'DRIFTWATCH_METRICS_PORT');
}

/**
 * Express 5 hands a listen error to the callback: reject with it, and when the port is taken
 * say which setting picks another (`setting`), keeping the error's code.
 */
function listen(app: express.Express, port: number, host: string, setting: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => {
      if (!err) return resolve(s);
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
        err.message = `port ${port} on ${host} is already in use; choose another with ${setting}`;
      reject(err);
    });
  });
}

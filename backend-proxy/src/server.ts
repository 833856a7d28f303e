import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { createApp } from './http/app';
import { createLogger, type Logger } from './logger';
import { createServices, type Services } from './services';
import { describeStoreLocation, openStore } from './store';

export interface RunningProxy {
  services: Services;
  server: Server;
  /** Base URL on loopback, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops accepting, lets in-flight requests finish, stops background work, closes the store. */
  close(): Promise<void>;
}

/** Opens the store, builds the services and listens. Used by `driftwatch serve` and by tests. */
export async function startProxy(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningProxy> {
  const store = await openStore(config.store);
  const services = createServices(config, logger, store);
  if (await services.keys.isOpen()) {
    logger.warn('no API keys exist: the API is open to anyone who can reach it; create one with `driftwatch keys create`');
  }
  const app = createApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ url, store: describeStoreLocation(config.store), storeKind: store.kind }, 'driftwatch proxy listening');

  services.evaluator.start();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await services.evaluator.stop();
      await store.close();
      logger.info('driftwatch proxy stopped');
    })();
    return closing;
  };
  return { services, server, url, close };
}

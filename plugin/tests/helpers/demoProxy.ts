/**
 * A real Driftwatch proxy (in-memory embedded store, in this process) fed by the demo simulator:
 * three iris classifiers with 20 minutes of traffic, two with injected drift, evaluated once.
 * Shared by Jest's global setup and the browser test; nothing here is a mock.
 */
import { loadConfig } from '../../../backend-proxy/src/config';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator } from '../../../backend-proxy/src/demo/simulator';
import { createLogger } from '../../../backend-proxy/src/logger';
import { startProxy, type RunningProxy } from '../../../backend-proxy/src/server';

export interface DemoEndpoint {
  id: string;
  model: string;
  version: string;
  project: string;
  driftStatus: string;
}

export interface DemoProxyInfo {
  url: string;
  project: string;
  endpoints: DemoEndpoint[];
  /** A key with the read scope on every project. */
  readKey: string;
  /** A read key limited to a project with no endpoints: every demo endpoint is out of its reach. */
  otherProjectKey: string;
  /** A key that was revoked. */
  revokedKey: string;
}

export interface DemoProxy {
  proxy: RunningProxy;
  info: DemoProxyInfo;
  close(): Promise<void>;
}

export async function startDemoProxy(): Promise<DemoProxy> {
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      store: ':memory:',
      evaluationIntervalMs: 0,
      jobTickMs: 0,
      webhookPollMs: 0,
    },
  );
  const logger = createLogger('silent');
  const proxy = await startProxy(config, logger);
  try {
    const simulator = new Simulator(
      { ...DEFAULT_SIMULATOR_OPTIONS, url: proxy.url, backfillMs: 20 * 60_000, durationMs: 1_000 },
      logger,
    );
    await simulator.setUp();
    await simulator.run();
    await proxy.services.evaluator.evaluateAll();
    const { keys } = proxy.services;
    const read = await keys.create('grafana', ['read'], null);
    const other = await keys.create('grafana-other', ['read'], ['other-team']);
    const revoked = await keys.create('old', ['read'], null);
    await keys.revoke(revoked.record.id);
    const page = await proxy.services.endpoints.list(
      { projects: [DEFAULT_SIMULATOR_OPTIONS.project] },
      { offset: 0, limit: 100 },
    );
    const info: DemoProxyInfo = {
      url: proxy.url,
      project: DEFAULT_SIMULATOR_OPTIONS.project,
      endpoints: page.items.map((e) => ({
        id: e.id,
        model: e.model,
        version: e.version,
        project: e.project,
        driftStatus: e.driftStatus,
      })),
      readKey: read.secret,
      otherProjectKey: other.secret,
      revokedKey: revoked.secret,
    };
    return { proxy, info, close: () => proxy.close() };
  } catch (err) {
    await proxy.close();
    throw err;
  }
}

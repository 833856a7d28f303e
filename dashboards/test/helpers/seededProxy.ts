/**
 * A real proxy on loopback with an in-memory store, seeded as `driftwatch serve --demo` seeds one:
 * the demo simulator over HTTP (three iris endpoints in project `demo`, one drifting hard, late
 * labels, the `iris/training` experiment with a run tracked by the profiling provider, so the
 * Experiments dashboard's profiling panels have data), and one evaluation.
 */
import { loadConfig } from '../../../backend-proxy/src/config';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator } from '../../../backend-proxy/src/demo/simulator';
import { createLogger } from '../../../backend-proxy/src/logger';
import { startProxy, type RunningProxy } from '../../../backend-proxy/src/server';
import type { EndpointRecord } from '../../../backend-proxy/src/store/types';

export const DEMO_PROJECT = 'demo';
export const DEMO_EXPERIMENT = 'iris/training';
const MINUTE = 60_000;

export interface SeededProxy {
  proxy: RunningProxy;
  url: string;
  endpoints: EndpointRecord[];
  /** Keeps demo traffic flowing until close (for rates in Prometheus); the contract test does not need it. */
  startTraffic(): Promise<void>;
  close(): Promise<void>;
}

export async function startSeededProxy(): Promise<SeededProxy> {
  const logger = createLogger('silent');
  const proxy = await startProxy(
    loadConfig(
      {},
      {
        port: 0,
        host: '127.0.0.1',
        store: ':memory:',
        evaluationIntervalMs: 0,
        jobTickMs: 0,
        webhookPollMs: 0,
      },
    ),
    logger,
  );
  try {
    const seed = new Simulator(
      {
        ...DEFAULT_SIMULATOR_OPTIONS,
        url: proxy.url,
        backfillMs: 20 * MINUTE,
        durationMs: 1_000,
        tickMs: 500,
      },
      logger,
    );
    await seed.setUp();
    await seed.run();
    await proxy.services.evaluator.evaluateAll();
  } catch (err) {
    await proxy.close();
    throw err;
  }
  const { items: endpoints } = await proxy.services.store.listEndpoints(
    { projects: [DEMO_PROJECT] },
    { offset: 0, limit: 100 },
  );
  // Same seed, no backfill: setUp finds the registered endpoints and only sends live traffic.
  const traffic = new Simulator(
    {
      ...DEFAULT_SIMULATOR_OPTIONS,
      url: proxy.url,
      backfillMs: 0,
      durationMs: 0,
      tickMs: 250,
      ratePerSecond: 20,
    },
    logger,
  );
  let running: Promise<void> | null = null;
  return {
    proxy,
    url: proxy.url,
    endpoints,
    async startTraffic() {
      if (running) return;
      await traffic.setUp();
      running = traffic.run();
    },
    async close() {
      if (running) {
        await traffic.stop();
        await running;
      }
      await proxy.close();
    },
  };
}

/**
 * A real proxy on loopback with an in-memory store, seeded as `driftwatch serve --demo` seeds one:
 * the demo simulator over HTTP (three iris endpoints in project `demo`, one drifting hard, late
 * labels, the `iris/training` experiment), one evaluation, and a profiling run so the Experiments
 * dashboard's profiling panels have something to show.
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

async function post<T>(url: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** A run with the profiling provider's `system` statistics and a metric by step, over the last minutes. */
async function seedProfilingRun(url: string): Promise<void> {
  const experiment = `/api/v1/experiments/${encodeURIComponent(DEMO_EXPERIMENT)}`;
  const query = `?project=${DEMO_PROJECT}`;
  const { run } = await post<{ run: number }>(url, `${experiment}/runs${query}`, { provider: 'profiling' });
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  await post(url, `${experiment}/events${query}`, [
    ...[5, 4, 3, 2].map((ago, step) => ({
      event: 'system',
      key: 'stats',
      value: { cpu: 20 + 10 * step, memory_mb: 300 + 25 * step },
      dt: at(ago),
      run,
    })),
    ...[0.9, 0.6, 0.4].map((value, step) => ({
      event: 'metric',
      key: 'loss',
      value,
      step,
      dt: at(4 - step),
      run,
    })),
    { event: 'param', key: 'model', value: 'profiled', run },
  ]);
  await post(url, `${experiment}/runs/${run}/stop${query}`, {});
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
    await seedProfilingRun(proxy.url);
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

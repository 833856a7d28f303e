/**
 * A test proxy seeded as `driftwatch serve --demo` seeds one: the demo simulator over HTTP (three
 * iris endpoints in project `demo`, one drifting hard, late labels, the `iris/training`
 * experiment) with 20 minutes of backfill, evaluated once. `startTraffic` keeps live traffic
 * flowing (same seed, no backfill) until `close`, for rates in Prometheus.
 */
import { DEFAULT_SIMULATOR_OPTIONS, Simulator, type SimulatorOptions } from '../demo/simulator';
import { createLogger } from '../logger';
import type { RunningProxy } from '../server';
import type { Config } from '../config';
import { startTestProxy } from './testProxy';

export const DEMO_PROJECT = DEFAULT_SIMULATOR_OPTIONS.project;
const MINUTE = 60_000;

export interface DemoProxy {
  proxy: RunningProxy;
  url: string;
  startTraffic(): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoProxy(
  overrides: Partial<Config> = {},
  seed: Partial<SimulatorOptions> = {},
): Promise<DemoProxy> {
  const proxy = await startTestProxy(overrides);
  const logger = createLogger('silent');
  try {
    const backfill = new Simulator(
      { ...DEFAULT_SIMULATOR_OPTIONS, url: proxy.url, backfillMs: 20 * MINUTE, durationMs: 1_000, ...seed },
      logger,
    );
    await backfill.setUp();
    await backfill.run();
    await proxy.services.evaluator.evaluateAll();
  } catch (err) {
    await proxy.close();
    throw err;
  }
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

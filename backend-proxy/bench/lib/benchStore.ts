import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { openStore } from '../../src/store';
import { seedBenchStore, type SeedResult } from './seedAggregates';

/** The store file at `path` with every service on it and no background work, for seeding; close `services.store` after. */
export async function openBenchServices(path: string): Promise<Services> {
  const store = await openStore(path);
  return createServices(
    loadConfig({}, { store: path, evaluationIntervalMs: 0 }),
    createLogger('silent'),
    store,
  );
}

/**
 * The benchmark store: `BENCH_STORE` (default /tmp/driftwatch-bench/bench.db), seeded for the
 * last 30 days. `BENCH_REUSE_MINUTES` (default 30) reuses a seed that ended that recently, since
 * seeding takes a while; the rolling 5m/1h windows still see data as long as the seed is fresh.
 */
export async function prepareBenchStore(): Promise<SeedResult & { path: string; end: number }> {
  const path = resolve(process.env.BENCH_STORE ?? '/tmp/driftwatch-bench/bench.db');
  mkdirSync(dirname(path), { recursive: true });
  const reuseMinutes = Number(process.env.BENCH_REUSE_MINUTES ?? 30);
  const seed = await seedBenchStore(
    {
      path,
      endpoints: Number(process.env.BENCH_ENDPOINTS ?? 100),
      features: 20,
      days: 30,
      predictionsPerHour: 60,
      end: Date.now(),
      log: (line) => process.stdout.write(`[seed] ${line}\n`),
    },
    reuseMinutes * 60_000,
  );
  return { ...seed, path };
}

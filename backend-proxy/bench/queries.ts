/**
 * Query benchmark: the 30-day drift query for one endpoint, the 30-day metrics query
 * and listing all 100 endpoints, through the services directly and over HTTP, on the embedded
 * store seeded by lib/seedAggregates.ts. Run: `npx tsx bench/queries.ts`. Prints p50/p95 (ms).
 */
import { taskSettingOf } from '../src/monitoring/accuracy/task';
import { RESOLUTION_MS } from '../src/store/types';
import { machineDescription } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk } from './lib/http';
import { prepareBenchStore } from './lib/benchStore';
import { seededDescription } from './lib/seedAggregates';
import { markdownTable, time, type Timing } from './lib/timing';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAYS_30 = 30 * RESOLUTION_MS.day;

async function main(): Promise<void> {
  const seed = await prepareBenchStore();
  const timings: Timing[] = [];
  await withBenchProxy({ store: seed.path }, async (proxy) => {
    const { drift, metrics, endpoints } = proxy.services;
    const ids = seed.endpointIds;
    // Each run asks for another endpoint, so no run profits from the previous one's pages being hot.
    const pick = (run: number) => ids[run % ids.length];
    const tasks = new Map(
      await Promise.all(ids.map(async (id) => [id, taskSettingOf(await endpoints.get(id))] as const)),
    );
    const taskOf = (id: string) => tasks.get(id) ?? taskSettingOf({ predictionColumns: [] });
    const window = () => {
      const to = Date.now();
      return { from: to - DAYS_30, to };
    };

    const get = async (path: string) => {
      const response = await fetchOk(`${proxy.url}${path}`);
      return response.json();
    };

    timings.push(
      await time('drift, 30 days, one endpoint (service)', RUNS, (run) => {
        const { from, to } = window();
        return drift.report(pick(run), from, to);
      }),
    );
    timings.push(
      await time('metrics, 30 days, one endpoint (service: series + window + rolling)', RUNS, (run) => {
        const { from, to } = window();
        return Promise.all([
          metrics.series(pick(run), taskOf(pick(run)), from, to, { maxDataPoints: 1_000 }),
          metrics.window(pick(run), taskOf(pick(run)), from, to),
          metrics.rolling(pick(run)),
        ]);
      }),
    );
    timings.push(
      await time('list all 100 endpoints (service)', RUNS, () =>
        endpoints.list({ projects: [seed.project] }, { offset: 0, limit: 100 }),
      ),
    );
    timings.push(
      await time('GET /api/v1/endpoints/{id}/drift, 30 days', RUNS, (run) => {
        const { from, to } = window();
        return get(`/api/v1/endpoints/${pick(run)}/drift?from=${from}&to=${to}`);
      }),
    );
    timings.push(
      await time('GET /api/v1/endpoints/{id}/metrics, 30 days', RUNS, (run) => {
        const { from, to } = window();
        return get(`/api/v1/endpoints/${pick(run)}/metrics?from=${from}&to=${to}`);
      }),
    );
    timings.push(
      await time('GET /api/v1/endpoints?project=bench&limit=100', RUNS, () =>
        get(`/api/v1/endpoints?project=${seed.project}&limit=100`),
      ),
    );
  });

  process.stdout.write(
    [
      '',
      `## Query benchmarks`,
      '',
      `Machine: ${machineDescription()}. Embedded store (${seed.path}). Seed: ${seededDescription({ endpoints: seed.endpointIds.length, features: 20, days: 30, predictionsPerHour: 60 })}`,
      `${RUNS} measured runs per query after 2 warm-up runs, each run on the next endpoint; \`npx tsx bench/queries.ts\`.`,
      '',
      markdownTable(timings, 50),
      '',
    ].join('\n'),
  );
}

runBench(main);

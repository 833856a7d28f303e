/**
 * Endpoint listing benchmark: 10,000 registered endpoints on the embedded store; times
 * `GET /api/v1/endpoints` for one page of 100, a filtered page, and all 10,000 at once over HTTP.
 * Listing is a read of stored records (the evaluator stores drift status), never a drift computation.
 *
 *   npm run bench:build && node dist-bench/bench/endpoints.js [--endpoints 10000] [--runs 20]
 */
import { newEndpointRecord } from '../src/monitoring/endpoints/endpointService';
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk } from './lib/http';
import { time } from './lib/timing';

async function main(): Promise<void> {
  const count = option('endpoints', 10_000);
  const runs = option('runs', 20);
  await withBenchProxy({}, async (proxy) => {
    const now = new Date();
    const features = Array.from({ length: 20 }, (_, i) => ({ name: `x${i}`, kind: 'numeric' as const }));
    for (let i = 0; i < count; i++) {
      await proxy.services.store.insertEndpointIfAbsent(
        newEndpointRecord(
          { project: `p${i % 10}`, model: `model-${i}`, labels: { team: i % 3 ? 'a' : 'b' }, features },
          now,
        ),
      );
    }
    const timeListing = async (path: string) => {
      let items = 0;
      const timing = await time(
        path,
        runs,
        async () => {
          items = ((await (await fetchOk(`${proxy.url}${path}`)).json()) as { endpoints: unknown[] })
            .endpoints.length;
        },
        { warmup: 0 },
      );
      return `${timing.p50.toFixed(1)} ms p50, ${timing.p95.toFixed(1)} ms p95 (${items} endpoints)`;
    };
    console.log(machineDescription());
    console.log(`endpoints: ${count} registered (20 features each), embedded store, ${runs} runs each`);
    console.log(`  first page of 100:               ${await timeListing('/api/v1/endpoints?limit=100')}`);
    console.log(
      `  page 50 of project p3 by label:  ${await timeListing('/api/v1/endpoints?project=p3&label=team=a&limit=10&offset=500')}`,
    );
    console.log(
      `  all ${count} in one response:    ${await timeListing(`/api/v1/endpoints?limit=${count}`)}`,
    );
  });
}

runBench(main);

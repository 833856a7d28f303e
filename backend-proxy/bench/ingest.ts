/**
 * Ingest benchmark: events with 20 numeric features in batches of 500,
 * POSTed over loopback HTTP to one proxy on the embedded store (a file in a temp folder),
 * next to how fast the same process can merely JSON.parse the same bodies. Prints both rates
 * and their ratio (goal: >= 0.25).
 *
 * The HTTP client runs in a worker thread, so the proxy's event loop only serves requests.
 *
 *   npm run bench:build && node dist-bench/bench/ingest.js [--batches 200] [--concurrency 4] [--features 20]
 *
 * `--features 500 --batches 20` is the wide-model variant; compare its feature values/s with the 20-feature run's.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Random } from '../src/demo/random';
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk, jsonRequest } from './lib/http';

const BATCH = 500;

async function main(): Promise<void> {
  const batches = option('batches', 200);
  const concurrency = option('concurrency', 4);
  const FEATURES = option('features', 20);
  await withBenchProxy({}, async (proxy) => {
    const random = new Random(7);
    const names = Array.from({ length: FEATURES }, (_, i) => `x${i}`);
    const post = async (path: string, body: string, method = 'POST') => {
      const response = await fetchOk(`${proxy.url}${path}`, jsonRequest(method, body));
      return response.json() as Promise<{ id: string }>;
    };
    const endpoint = await post(
      '/api/v1/endpoints',
      JSON.stringify({
        project: 'bench',
        model: 'wide',
        features: names.map((name) => ({ name, kind: 'numeric' })),
      }),
    );
    // 5,000 rows, fewer for wide models so the upload stays under the body limit.
    const referenceRows = Array.from({ length: Math.min(5_000, Math.floor(500_000 / FEATURES)) }, () =>
      Object.fromEntries(names.map((n) => [n, random.normal()])),
    );
    await post(`/api/v1/endpoints/${endpoint.id}/reference`, JSON.stringify({ rows: referenceRows }), 'PUT');

    const start = Date.now() - 60 * 60_000;
    const bodies = Array.from({ length: batches }, (_, b) =>
      JSON.stringify({
        batchId: `bench-${b}`,
        events: Array.from({ length: BATCH }, (_, i) => ({
          endpoint: endpoint.id,
          timestamp: start + Math.floor(((b * BATCH + i) / (batches * BATCH)) * 60 * 60_000),
          features: Object.fromEntries(
            names.map((n) => [n, Math.round((random.normal() + 0.3) * 1e4) / 1e4]),
          ),
          prediction: Math.round(random.next() * 1e4) / 1e4,
          latencyMs: Math.round(random.next() * 2e4) / 1e3,
        })),
      }),
    );
    const megabytes = bodies.reduce((s, b) => s + b.length, 0) / 1e6;

    // The client runs in a worker thread of this process, so it does not compete for the proxy's event loop.
    const ingestSeconds = await new Promise<number>((resolve, reject) => {
      const worker = new Worker(join(__dirname, 'lib', 'postBodies.js'), {
        workerData: { url: `${proxy.url}/api/v1/predictions`, bodies, concurrency },
      });
      worker.once('message', (m: { seconds: number }) => resolve(m.seconds));
      worker.once('error', reject);
    });

    const parseStarted = process.hrtime.bigint();
    let parsed = 0;
    for (const body of bodies) parsed += (JSON.parse(body) as { events: unknown[] }).events.length;
    const parseSeconds = Number(process.hrtime.bigint() - parseStarted) / 1e9;

    const events = batches * BATCH;
    const stored = await proxy.services.endpoints.get(endpoint.id);
    if (stored.predictionCount !== events || parsed !== events)
      throw new Error(`counted ${stored.predictionCount} of ${events}`);
    const ingestRate = events / ingestSeconds;
    const parseRate = events / parseSeconds;
    console.log(machineDescription());
    console.log(
      `ingest: ${events} events (${FEATURES} numeric features, batches of ${BATCH}, ${concurrency} concurrent, ${megabytes.toFixed(1)} MB)`,
    );
    console.log(
      `  HTTP ingest on the embedded store: ${Math.round(ingestRate).toLocaleString('en')} events/s (${ingestSeconds.toFixed(2)} s)`,
    );
    console.log(
      `  JSON.parse of the same bodies:     ${Math.round(parseRate).toLocaleString('en')} events/s (${parseSeconds.toFixed(2)} s)`,
    );
    console.log(
      `  feature values ingested:           ${Math.round(ingestRate * FEATURES).toLocaleString('en')} /s`,
    );
    console.log(`  ratio ingest / parse:              ${(ingestRate / parseRate).toFixed(3)} (goal >= 0.25)`);
  });
}

runBench(main);

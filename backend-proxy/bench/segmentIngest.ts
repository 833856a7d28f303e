/**
 * Ingest with segments next to ingest without, in one run: two endpoints with the same 20 numeric
 * features and one categorical feature, the same events (tags included) in batches of 500 over
 * loopback HTTP to one proxy on the embedded store; one endpoint declares no segments, the other
 * three keys with a budget of 20 each (two tags and the categorical feature, each drawn from 30
 * values, so a third of each key's traffic overflows to `other`). The runs alternate in halves
 * (plain, segmented, plain, segmented) so neither gets a warmer process. Prints both rates and
 * their ratio (goal: >= 0.5).
 *
 *   npm run bench:build && node dist-bench/bench/segmentIngest.js [--batches 100] [--concurrency 4]
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Random } from '../src/demo/random';
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk, jsonRequest } from './lib/http';

const BATCH = 500;
const FEATURES = 20;
const VALUES_PER_KEY = 30;

function postAll(url: string, bodies: string[], concurrency: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'lib', 'postBodies.js'), {
      workerData: { url, bodies, concurrency },
    });
    worker.once('message', (m: { seconds: number }) => resolve(m.seconds));
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const batches = option('batches', 100);
  const concurrency = option('concurrency', 4);
  await withBenchProxy({}, async (proxy) => {
    const random = new Random(11);
    const names = Array.from({ length: FEATURES }, (_, i) => `x${i}`);
    const send = async (path: string, body: unknown, method = 'POST') =>
      (await fetchOk(`${proxy.url}${path}`, jsonRequest(method, JSON.stringify(body)))).json() as Promise<{
        id: string;
      }>;
    const spec = (model: string) => ({
      project: 'bench',
      model,
      features: [
        ...names.map((name) => ({ name, kind: 'numeric' })),
        { name: 'country', kind: 'categorical' },
      ],
    });
    const value = (prefix: string) => `${prefix}-${Math.floor(random.next() * VALUES_PER_KEY)}`;
    const rows = Array.from({ length: 5_000 }, () => ({
      ...Object.fromEntries(names.map((n) => [n, random.normal()])),
      country: value('c'),
    }));
    const plain = await send('/api/v1/endpoints', spec('plain'));
    const segmented = await send('/api/v1/endpoints', spec('segmented'));
    for (const e of [plain, segmented]) await send(`/api/v1/endpoints/${e.id}/reference`, { rows }, 'PUT');
    await send(
      `/api/v1/endpoints/${segmented.id}/segments`,
      {
        segments: [
          { key: 'country', source: { feature: 'country' }, budget: 20 },
          { key: 'tier', source: { tag: 'tier' }, budget: 20 },
          { key: 'shop', source: { tag: 'shop' }, budget: 20 },
        ],
      },
      'PUT',
    );

    const start = Date.now() - 60 * 60_000;
    const events = Array.from({ length: batches }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => ({
        timestamp: start + Math.floor(((b * BATCH + i) / (batches * BATCH)) * 60 * 60_000),
        features: {
          ...Object.fromEntries(names.map((n) => [n, Math.round((random.normal() + 0.3) * 1e4) / 1e4])),
          country: value('c'),
        },
        prediction: Math.round(random.next() * 1e4) / 1e4,
        latencyMs: Math.round(random.next() * 2e4) / 1e3,
        tags: { tier: value('t'), shop: value('s') },
      })),
    );
    const bodiesFor = (endpoint: string, half: number) =>
      events
        .filter((_, b) => b % 2 === half)
        .map((list, b) =>
          JSON.stringify({
            batchId: `${endpoint}-${half}-${b}`,
            events: list.map((e) => ({ endpoint, ...e })),
          }),
        );

    const url = `${proxy.url}/api/v1/predictions`;
    const seconds = { plain: 0, segmented: 0 };
    for (const half of [0, 1]) {
      seconds.plain += await postAll(url, bodiesFor(plain.id, half), concurrency);
      seconds.segmented += await postAll(url, bodiesFor(segmented.id, half), concurrency);
    }
    const total = batches * BATCH;
    for (const e of [plain, segmented]) {
      const stored = await proxy.services.endpoints.get(e.id);
      if (stored.predictionCount !== total) throw new Error(`counted ${stored.predictionCount} of ${total}`);
    }
    const keys = await proxy.services.segments.describe(await proxy.services.endpoints.get(segmented.id));
    const rate = (s: number) => total / s;
    console.log(machineDescription());
    console.log(
      `segment ingest: ${total} events per endpoint (${FEATURES} numeric + 1 categorical feature, batches of ${BATCH}, ${concurrency} concurrent)`,
    );
    console.log(
      `  without segments:              ${Math.round(rate(seconds.plain)).toLocaleString('en')} events/s (${seconds.plain.toFixed(2)} s)`,
    );
    console.log(
      `  with 3 keys x budget 20:       ${Math.round(rate(seconds.segmented)).toLocaleString('en')} events/s (${seconds.segmented.toFixed(2)} s)`,
    );
    console.log(
      `  slots used / overflow:         ${keys.map((k) => `${k.key} ${k.values.length} / ${k.overflowPredictions}`).join(', ')}`,
    );
    console.log(
      `  ratio with / without:          ${(seconds.plain / seconds.segmented).toFixed(3)} (goal >= 0.5)`,
    );
  });
}

runBench(main);

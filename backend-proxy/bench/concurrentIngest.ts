/**
 * Concurrent ingest benchmark (issue 17): several clients POST small batches for one endpoint at
 * once over loopback HTTP, to a proxy with group commit off and on (DRIFTWATCH_GROUP_COMMIT), in
 * the same run, each on a fresh embedded store (a file: every transaction is an fsync) or, with
 * `--mongodb URL`, a fresh database there. Prints events/s for each mode, their ratio, and checks
 * that every event was counted once.
 *
 *   npm run bench:build && node dist-bench/bench/concurrentIngest.js [--clients 8] [--batch 50] [--batches 400] [--rounds 2] [--mongodb mongodb://...]
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MongoClient } from 'mongodb';
import { Random } from '../src/demo/random';
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk, jsonRequest } from './lib/http';

const FEATURES = 10;

function mongodbUrl(): string | undefined {
  const i = process.argv.indexOf('--mongodb');
  return i < 0 ? undefined : process.argv[i + 1];
}

async function measure(groupCommit: boolean, run: number): Promise<{ seconds: number; events: number }> {
  const clients = option('clients', 8);
  const batch = option('batch', 50);
  const batches = option('batches', 400);
  const mongo = mongodbUrl();
  const store = mongo?.replace(
    /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/,
    `$1/dw_bench_${Date.now()}_${run}`,
  );
  return withBenchProxy({ store, config: { groupCommit } }, async (proxy) => {
    const random = new Random(11);
    const names = Array.from({ length: FEATURES }, (_, i) => `x${i}`);
    const created = await fetchOk(
      `${proxy.url}/api/v1/endpoints`,
      jsonRequest(
        'POST',
        JSON.stringify({
          project: 'bench',
          model: 'concurrent',
          features: names.map((name) => ({ name, kind: 'numeric' })),
        }),
      ),
    );
    const endpoint = (await created.json()) as { id: string };
    const start = Date.now() - 30 * 60_000;
    const bodies = Array.from({ length: batches }, (_, b) =>
      JSON.stringify({
        batchId: `concurrent-${b}`,
        events: Array.from({ length: batch }, (_, i) => ({
          endpoint: endpoint.id,
          timestamp: start + Math.floor(((b * batch + i) / (batches * batch)) * 30 * 60_000),
          features: Object.fromEntries(names.map((n) => [n, Math.round(random.normal() * 1e4) / 1e4])),
          prediction: Math.round(random.next() * 1e4) / 1e4,
          latencyMs: 3,
          requestId: `req-${b}-${i}`,
        })),
      }),
    );
    const seconds = await new Promise<number>((resolve, reject) => {
      const worker = new Worker(join(__dirname, 'lib', 'postBodies.js'), {
        workerData: { url: `${proxy.url}/api/v1/predictions`, bodies, concurrency: clients },
      });
      worker.once('message', (m: { seconds: number }) => resolve(m.seconds));
      worker.once('error', reject);
    });
    const events = batches * batch;
    const stored = await proxy.services.endpoints.get(endpoint.id);
    if (stored.predictionCount !== events) throw new Error(`counted ${stored.predictionCount} of ${events}`);
    return { seconds, events };
  }).finally(async () => {
    if (!store) return;
    const client = new MongoClient(store);
    await client.db().dropDatabase();
    await client.close();
  });
}

async function main(): Promise<void> {
  const rounds = option('rounds', 2);
  const rates: Record<'off' | 'on', number[]> = { off: [], on: [] };
  for (let round = 0; round < rounds; round++) {
    for (const groupCommit of [false, true]) {
      const { seconds, events } = await measure(groupCommit, round * 2 + Number(groupCommit));
      rates[groupCommit ? 'on' : 'off'].push(events / seconds);
    }
  }
  const best = (xs: number[]) => Math.max(...xs);
  const fmt = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString('en')).join(', ');
  console.log(machineDescription());
  console.log(
    `concurrent ingest: ${option('clients', 8)} clients, one endpoint, ${option('batches', 400)} batches of ${option('batch', 50)} events (${FEATURES} numeric features), ${mongodbUrl() ? 'MongoDB' : 'embedded store (file)'}, ${rounds} rounds`,
  );
  console.log(`  group commit off: ${fmt(rates.off)} events/s`);
  console.log(`  group commit on:  ${fmt(rates.on)} events/s`);
  console.log(`  ratio on / off (best of each): ${(best(rates.on) / best(rates.off)).toFixed(2)}`);
}

runBench(main);

/**
 * Document sizes of the MongoDB store per unit of traffic (issue 17, docs/mongodb.md): one
 * endpoint with 10 numeric features, a categorical one and a reference, 1,200 predictions with
 * request ids over 20 minutes in 12 batches, late labels for half of them; then every collection is
 * read back and its documents measured with BSON.calculateObjectSize (the size on the wire and in
 * the server's cache, before compression and without indexes). Any MongoDB works; the stand-in does.
 *
 *   npm run bench:build && node dist-bench/bench/mongoSizes.js --mongodb mongodb://127.0.0.1:27017/?replicaSet=rs0
 */
import { BSON, MongoClient } from 'mongodb';
import { Random } from '../src/demo/random';
import { COLLECTIONS } from '../src/store/mongodb/collections';
import { withDatabase } from '../src/cli/verifyStore';
import { machineDescription } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { fetchOk, jsonRequest } from './lib/http';

const MINUTES = 20;
const BATCHES = 12;
const PER_BATCH = 100;

async function main(): Promise<void> {
  const i = process.argv.indexOf('--mongodb');
  if (i < 0) throw new Error('--mongodb URL is required');
  const url = withDatabase(process.argv[i + 1], `dw_sizes_${Date.now().toString(36)}`);
  const random = new Random(5);
  const names = Array.from({ length: 10 }, (_, k) => `x${k}`);
  await withBenchProxy({ store: url }, async (proxy) => {
    const post = async (path: string, body: unknown, method = 'POST') =>
      (await (await fetchOk(`${proxy.url}/api/v1${path}`, jsonRequest(method, body))).json()) as Record<
        string,
        unknown
      >;
    const endpoint = await post('/endpoints', {
      project: 'sizes',
      model: 'm',
      features: [...names.map((name) => ({ name, kind: 'numeric' })), { name: 'plan', kind: 'categorical' }],
    });
    const row = () => ({
      ...Object.fromEntries(names.map((n) => [n, random.normal()])),
      plan: ['free', 'pro', 'team'][Math.floor(random.next() * 3)],
      prediction: random.next() < 0.5 ? 0 : 1,
    });
    await post(
      `/endpoints/${String(endpoint.id)}/reference`,
      { rows: Array.from({ length: 2_000 }, row) },
      'PUT',
    );
    const start = Date.now() - (MINUTES + 1) * 60_000;
    const events = Array.from({ length: BATCHES * PER_BATCH }, (_, k) => {
      const { prediction, ...features } = row();
      return {
        endpoint: endpoint.id,
        timestamp: start + Math.floor((k / (BATCHES * PER_BATCH)) * MINUTES * 60_000),
        features,
        prediction,
        latencyMs: Math.round(random.next() * 2e4) / 1e3,
        requestId: `req-${k.toString().padStart(6, '0')}`,
      };
    });
    for (let b = 0; b < BATCHES; b++)
      await post('/predictions', {
        batchId: `sizes-${b}`,
        events: events.slice(b * PER_BATCH, (b + 1) * PER_BATCH),
      });
    await post(
      '/labels',
      events
        .filter((_, k) => k % 2 === 0)
        .map((e) => ({ requestId: e.requestId, label: random.next() < 0.5 ? 0 : 1 })),
    );
  });

  const client = new MongoClient(url);
  try {
    const db = client.db();
    console.log(machineDescription());
    console.log(
      `MongoDB document sizes: 1 endpoint (11 features + prediction, reference of 2,000 rows), ${BATCHES * PER_BATCH} predictions with request ids over ${MINUTES} minutes in ${BATCHES} batches, ${(BATCHES * PER_BATCH) / 2} late labels`,
    );
    console.log('| collection | documents | bytes (BSON) | bytes per document |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const name of Object.values(COLLECTIONS)) {
      const docs = await db.collection(name).find().toArray();
      if (!docs.length) continue;
      const bytes = docs.reduce((sum, d) => sum + BSON.calculateObjectSize(d), 0);
      console.log(
        `| ${name} | ${docs.length} | ${bytes.toLocaleString('en')} | ${Math.round(bytes / docs.length)} |`,
      );
    }
    const aggregates = await db.collection(COLLECTIONS.aggregates).find().toArray();
    for (const resolution of ['minute', 'hour', 'day']) {
      const of = aggregates.filter((a) => a.resolution === resolution);
      const families = [...new Set(of.map((a) => String(a.family)))].sort();
      for (const family of families) {
        const docs = of.filter((a) => a.family === family);
        const bytes = docs.reduce((sum, d) => sum + BSON.calculateObjectSize(d), 0);
        console.log(
          `  aggregates ${resolution}/${family}: ${docs.length} documents, ${Math.round(bytes / docs.length)} bytes each`,
        );
      }
    }
  } finally {
    await client.db().dropDatabase();
    await client.close();
  }
}

runBench(main);

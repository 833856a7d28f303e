/**
 * Document sizes of the MongoDB store per unit of traffic (issue 17, docs/mongodb.md): one
 * endpoint with 10 numeric features, a categorical one and a reference, 1,200 predictions with
 * request ids over 20 minutes in 12 batches, late labels for half of them; then every collection is
 * read back and its documents measured with BSON.calculateObjectSize (the size on the wire and in
 * the server's cache, before compression and without indexes). Any MongoDB works; the stand-in does.
 *
 * Aggregates (issue 14) in three encodings of the same records, in the same run: as stored (counter
 * ids, aggregateDocs.ts), as the earlier version stored them (named groups `sums`/`min`/`max`), and
 * the alternative not chosen (one binary field of store/aggregateCodec.ts); and the bytes of their
 * index keys (the same key fields in all three).
 *
 *   npm run bench:build && node dist-bench/bench/mongoSizes.js --mongodb mongodb://127.0.0.1:27017/?replicaSet=rs0
 */
import { Binary, BSON, MongoClient, type Document, type WithId } from 'mongodb';
import { Random } from '../src/demo/random';
import { encodeCounters } from '../src/store/aggregateCodec';
import { CounterNames } from '../src/store/counterNames';
import { aggregateRecordOf } from '../src/store/mongodb/aggregateDocs';
import { type AggregateDoc, COLLECTIONS, INDEXES } from '../src/store/mongodb/collections';
import type { AggregateRecord } from '../src/store/types';
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
    const aggregates = await db.collection<AggregateDoc>(COLLECTIONS.aggregates).find().toArray();
    const names = new Map(
      (await db.collection(COLLECTIONS.counterNames).find().toArray()).map((d) => [
        d.id as number,
        String(d.name),
      ]),
    );
    printAggregateEncodings(aggregates, names);
  } finally {
    await client.db().dropDatabase();
    await client.close();
  }
}

type StoredAggregate = WithId<AggregateDoc>;

/**
 * The index entries of a document: per index (and `_id`'s), its key values as BSON elements
 * without names (type byte + value) plus an 8-byte record id. WiredTiger's KeyString entries are
 * about this size before its prefix compression, which shrinks them further.
 */
function indexKeyBytes(doc: StoredAggregate): number {
  const valueBytes = (v: unknown) => BSON.calculateObjectSize({ v }) - 7; // minus length, 'v\0', terminator
  const indexes = [{ key: { _id: 1 } }, ...INDEXES[COLLECTIONS.aggregates]];
  return indexes.reduce(
    (sum, index) =>
      sum +
      Object.keys(index.key).reduce((s, field) => s + valueBytes(doc[field as keyof StoredAggregate]), 0) +
      8,
    0,
  );
}

/** The document the earlier version stored for a record (named groups). */
function namedGroupsDoc(doc: StoredAggregate, record: AggregateRecord): Document {
  const { _id, endpointId, family, resolution, start, referenceVersion } = doc;
  return {
    _id,
    endpointId,
    family,
    resolution,
    start,
    referenceVersion,
    sums: record.sums,
    min: record.min,
    max: record.max,
  };
}

/** The same record with its counters in one binary field (aggregateCodec's varint encoding). */
function binaryDoc(doc: StoredAggregate, record: AggregateRecord, dictionary: CounterNames): Document {
  const { _id, endpointId, family, resolution, start, referenceVersion } = doc;
  return {
    _id,
    endpointId,
    family,
    resolution,
    start,
    referenceVersion,
    c: new Binary(encodeCounters(record, dictionary)),
  };
}

function printAggregateEncodings(aggregates: StoredAggregate[], names: Map<number, string>): void {
  const ids = {
    idOf: (name: string): number => {
      throw new RangeError(`no id for ${name}`);
    },
    nameOf: (id: number): string => {
      const name = names.get(id);
      if (name === undefined) throw new RangeError(`unknown counter id ${id}`);
      return name;
    },
  };
  const dictionary = new CounterNames([], () => undefined);
  const sizes = aggregates.map((doc) => {
    if (doc.sums || doc.min || doc.max) throw new Error('an aggregate document still holds named counters');
    const record = aggregateRecordOf(doc, ids);
    return {
      resolution: doc.resolution,
      family: doc.family,
      named: BSON.calculateObjectSize(namedGroupsDoc(doc, record)),
      ids: BSON.calculateObjectSize(doc),
      binary: BSON.calculateObjectSize(binaryDoc(doc, record, dictionary)),
      keys: indexKeyBytes(doc),
    };
  });
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log('');
  console.log(
    `Aggregate documents, bytes each (BSON); counter ids in use: ${names.size} (the dictionary is shared by all endpoints)`,
  );
  console.log(
    '| resolution / family | documents | named counters (before) | counter ids (stored) | ratio | binary (not chosen) | index keys (all 4 indexes) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const mean = (of: typeof sizes, field: 'named' | 'ids' | 'binary' | 'keys') =>
    of.reduce((sum, s) => sum + s[field], 0) / of.length;
  const perMinute = { named: 0, ids: 0, binary: 0, keys: 0 };
  for (const resolution of ['minute', 'hour', 'day']) {
    for (const family of [
      ...new Set(sizes.filter((s) => s.resolution === resolution).map((s) => s.family)),
    ].sort()) {
      const of = sizes.filter((s) => s.resolution === resolution && s.family === family);
      const [named, stored, binary, keys] = (['named', 'ids', 'binary', 'keys'] as const).map((f) =>
        mean(of, f),
      );
      if (resolution === 'minute')
        for (const f of ['named', 'ids', 'binary', 'keys'] as const) perMinute[f] += mean(of, f);
      console.log(
        `| ${resolution} / ${family} | ${of.length} | ${Math.round(named)} | ${Math.round(stored)} | ${ratio(stored, named)} | ${Math.round(binary)} | ${Math.round(keys)} |`,
      );
    }
  }
  console.log(
    `| **endpoint-minute (ops + columns)** | | **${Math.round(perMinute.named)}** | **${Math.round(perMinute.ids)}** | **${ratio(perMinute.ids, perMinute.named)}** | ${Math.round(perMinute.binary)} | ${Math.round(perMinute.keys)} |`,
  );
  console.log(
    `documents + index keys per endpoint-minute: before ${Math.round(perMinute.named + perMinute.keys)} B, stored ${Math.round(perMinute.ids + perMinute.keys)} B (${ratio(perMinute.ids + perMinute.keys, perMinute.named + perMinute.keys)}), binary ${Math.round(perMinute.binary + perMinute.keys)} B`,
  );
}

runBench(main);

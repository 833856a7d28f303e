/**
 * Document sizes of the MongoDB store per unit of traffic (issue 17, docs/mongodb.md): one
 * endpoint with 10 numeric features, a categorical one and a reference, 1,200 predictions with
 * request ids over 20 minutes in 12 batches, late labels for half of them; then every collection is
 * read back and its documents measured with BSON.calculateObjectSize (the size on the wire and in
 * the server's cache, before compression and without indexes). Any MongoDB works; the stand-in does.
 *
 * Aggregates (issue 14) in three encodings of the same records, in the same run: as the earlier
 * version stored them (named groups `sums`/`min`/`max`, rebuilt from the records), live (counter
 * ids, as ingest wrote them) and sealed (after compactAggregates: one binary field); and the bytes
 * of their index keys.
 *
 *   npm run bench:build && node dist-bench/bench/mongoSizes.js --mongodb mongodb://127.0.0.1:27017/?replicaSet=rs0
 */
import { isDeepStrictEqual } from 'node:util';
import { BSON, MongoClient, type Document, type WithId } from 'mongodb';
import { Random } from '../src/demo/random';
import { aggregateRecordOf } from '../src/store/mongodb/aggregateDocs';
import { type AggregateDoc, COLLECTIONS, INDEXES } from '../src/store/mongodb/collections';
import { openMongoStore } from '../src/store/mongodb';
import { RESOLUTION_MS, type AggregateRecord } from '../src/store/types';
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
    const aggregates = db.collection<AggregateDoc>(COLLECTIONS.aggregates);
    const live = await aggregates.find().toArray();
    const names = new Map(
      (await db.collection(COLLECTIONS.counterNames).find().toArray()).map((d) => [
        d.id as number,
        String(d.name),
      ]),
    );
    // Seal every record, the current hour's and day's too (the evaluator does it once they close).
    const store = await openMongoStore(url);
    try {
      await store.compactAggregates(Date.now() + 2 * RESOLUTION_MS.day);
    } finally {
      await store.close();
    }
    const sealed = new Map((await aggregates.find().toArray()).map((d) => [d._id.toHexString(), d]));
    printAggregateEncodings(live, sealed, names);
  } finally {
    await client.db().dropDatabase();
    await client.close();
  }
}

type StoredAggregate = WithId<AggregateDoc>;

/**
 * The index entries of a document: per index it is in (and `_id`'s), its key values as BSON elements
 * without names (type byte + value) plus an 8-byte record id. WiredTiger's KeyString entries are
 * about this size before its prefix compression, which shrinks them further.
 */
function indexKeyBytes(doc: StoredAggregate, withPartialIndex: boolean): number {
  const valueBytes = (v: unknown) => BSON.calculateObjectSize({ v }) - 7; // minus length, 'v\0', terminator
  const indexes = [{ key: { _id: 1 } }, ...INDEXES[COLLECTIONS.aggregates]].filter(
    // The partial index (on `live`) holds only documents with live counters.
    (index) => !('partialFilterExpression' in index) || (withPartialIndex && doc.live === true),
  );
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

function printAggregateEncodings(
  live: StoredAggregate[],
  sealed: Map<string, StoredAggregate>,
  names: Map<number, string>,
): void {
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
  const sizes = live.map((doc) => {
    if (doc.sums || doc.min || doc.max) throw new Error('an aggregate document holds named counters');
    const record = aggregateRecordOf(doc, ids);
    const closed = sealed.get(doc._id.toHexString());
    if (!closed || closed.live || !closed.c) throw new Error('an aggregate document was not sealed');
    const named = namedGroupsDoc(doc, record);
    if (!isDeepStrictEqual(aggregateRecordOf(closed, ids), record))
      throw new Error('a sealed record reads differently');
    return {
      resolution: doc.resolution,
      family: doc.family,
      named: BSON.calculateObjectSize(named),
      live: BSON.calculateObjectSize(doc),
      sealed: BSON.calculateObjectSize(closed),
      namedKeys: indexKeyBytes(named as StoredAggregate, false),
      liveKeys: indexKeyBytes(doc, true),
      sealedKeys: indexKeyBytes(closed, true),
    };
  });
  type Field = Exclude<keyof (typeof sizes)[number], 'resolution' | 'family'>;
  const FIELDS: Field[] = ['named', 'live', 'sealed', 'namedKeys', 'liveKeys', 'sealedKeys'];
  const mean = (of: typeof sizes, field: Field) => of.reduce((sum, s) => sum + s[field], 0) / of.length;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const row = (label: string, count: string, m: Record<Field, number>) =>
    `| ${label} | ${count} | ${Math.round(m.named)} | ${Math.round(m.live)} | ${Math.round(m.sealed)} | ${ratio(m.sealed, m.named)} | ${Math.round(m.namedKeys)} / ${Math.round(m.liveKeys)} / ${Math.round(m.sealedKeys)} |`;
  console.log('');
  console.log(
    `Aggregate documents, bytes each (BSON), the same records in three encodings; counter ids in use: ${names.size} (one dictionary for all endpoints)`,
  );
  console.log(
    '| resolution / family | documents | named counters (before) | live counter ids (while written) | sealed (once closed) | sealed / before | index keys: before / live / sealed |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const perMinute = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>;
  for (const resolution of ['minute', 'hour', 'day']) {
    const families = [...new Set(sizes.filter((s) => s.resolution === resolution).map((s) => s.family))];
    for (const family of families.sort()) {
      const of = sizes.filter((s) => s.resolution === resolution && s.family === family);
      const m = Object.fromEntries(FIELDS.map((f) => [f, mean(of, f)])) as Record<Field, number>;
      if (resolution === 'minute') for (const f of FIELDS) perMinute[f] += m[f];
      console.log(row(`${resolution} / ${family}`, String(of.length), m));
    }
  }
  console.log(row('**endpoint-minute (ops + columns)**', '', perMinute));
  const total = (doc: Field, keys: Field) => Math.round(perMinute[doc] + perMinute[keys]);
  console.log(
    `documents + index keys per endpoint-minute: before ${total('named', 'namedKeys')} B, live ${total('live', 'liveKeys')} B, sealed ${total('sealed', 'sealedKeys')} B (${ratio(total('sealed', 'sealedKeys'), total('named', 'namedKeys'))} of before)`,
  );
}

runBench(main);

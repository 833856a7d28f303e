/**
 * MongoDB aggregates in counter ids (aggregateDocs.ts): documents of the earlier encoding (named
 * counter groups, as the previous version's `$inc` upserts wrote them) are converted in place by
 * resumable batches and read the same before, during and after; replicas share the dictionary;
 * sealing closed records races writers without losing a delta.
 * Part of the MongoDB run (scripts/test-mongodb.mjs); skipped without a server.
 */
import { MongoClient, type AnyBulkWriteOperation, type Binary, type Document } from 'mongodb';
import { decodeCounters } from '../../src/store/aggregateCodec';
import { databaseFromUrl, openMongoStore } from '../../src/store/mongodb';
import { collections, ensureSchema } from '../../src/store/mongodb/collections';
import { MongoCounterNames } from '../../src/store/mongodb/counterNames';
import { AGGREGATE_MIGRATION, migrateAggregateCounters } from '../../src/store/mongodb/aggregateCompaction';
import type { AggregateRecord, Counters, StoreLog } from '../../src/store/types';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';

const target = mongoTarget();
const MINUTE = 60_000;
/** 601 documents: a first run of one 100-document batch, then batches of 500 (the default). */
const MINUTES = 300;

/** The counters of minute m, different per minute so a record read from the wrong document shows. */
type Groups = { sums: Counters; min: Counters; max: Counters };
const columns = (m: number): Groups => ({
  sums: { 'f:0:n': 600 + m, 'f:0:sum': 181.93270000000004 + m, 'f:0:sq': 652.1, 'f:0:h:3': 41 },
  min: { 'f:0': -2.9731 - m },
  max: { 'f:0': 3.5 },
});
const ops = (m: number): Groups => ({
  sums: { n: 600 + m, err: 2, 'lat:sum': 6_012_345, 'lat:b:7': 12 },
  min: {},
  max: {},
});

/** Exactly the update the previous version sent for one delta (named paths under sums/min/max). */
function legacyUpsert(key: Document, groups: Groups): AnyBulkWriteOperation<Document> {
  const paths = (group: string, counters: Counters) =>
    Object.fromEntries(Object.entries(counters).map(([name, v]) => [`${group}.${name}`, v]));
  const update: Document = {};
  if (Object.keys(groups.sums).length) update.$inc = paths('sums', groups.sums);
  if (Object.keys(groups.min).length) update.$min = paths('min', groups.min);
  if (Object.keys(groups.max).length) update.$max = paths('max', groups.max);
  if (!Object.keys(update).length) update.$setOnInsert = { sums: {}, min: {}, max: {} };
  return { updateOne: { filter: key, update, upsert: true } };
}

const minuteKey = (family: string, m: number) => ({
  endpointId: 'e1',
  family,
  resolution: 'minute',
  start: m * MINUTE,
  referenceVersion: 1,
});

if (target) {
  describe('mongodb aggregates in counter ids', () => {
    let client: MongoClient;
    beforeAll(async () => {
      client = new MongoClient(target.url, { serverSelectionTimeoutMS: 5000 });
      await client.connect();
    });
    afterAll(() => client.close());

    test('documents of the earlier encoding are converted in place, in resumable batches, keeping every value', async () => {
      const url = freshDatabaseUrl(target, 'migration');
      const db = client.db(databaseFromUrl(url));
      await ensureSchema(db);
      const ops1: AnyBulkWriteOperation<Document>[] = [];
      for (let m = 0; m < MINUTES; m++) {
        ops1.push(legacyUpsert(minuteKey('columns', m), columns(m)));
        ops1.push(legacyUpsert(minuteKey('ops', m), ops(m)));
      }
      ops1.push(
        legacyUpsert(
          { ...minuteKey('ops', 0), resolution: 'hour', referenceVersion: 0 },
          { sums: {}, min: {}, max: {} },
        ),
      );
      await db.collection('aggregates').bulkWrite(ops1, { ordered: true });
      const total = 2 * MINUTES + 1;

      // A first run stops after one batch, as if the process died there.
      const c = collections(db);
      const crash = new Error('process died');
      let batches = 0;
      const dying: StoreLog = (fields) => {
        if (fields.batch !== undefined && ++batches === 1) throw crash;
      };
      await expect(
        migrateAggregateCounters(c, new MongoCounterNames(c), { batchSize: 100, log: dying }),
      ).rejects.toBe(crash);
      const legacy = {
        $or: [{ sums: { $exists: true } }, { min: { $exists: true } }, { max: { $exists: true } }],
      };
      expect(await db.collection('aggregates').countDocuments(legacy)).toBe(total - 100);
      expect(await db.collection('migrations').findOne({ name: AGGREGATE_MIGRATION })).toMatchObject({
        converted: 100,
        done: false,
      });

      // Opening the store finishes it from there, logging its progress.
      const logged: { fields: Record<string, unknown>; message: string }[] = [];
      const store = await openMongoStore(url, {
        serverSelectionTimeoutMS: 5000,
        log: (fields, message) => logged.push({ fields, message }),
      });
      try {
        expect(logged[0].fields).toEqual({
          migration: AGGREGATE_MIGRATION,
          converted: 100,
          remaining: total - 100,
          resumed: true,
        });
        expect(logged.filter((l) => l.fields.batch !== undefined).map((l) => l.fields.converted)).toEqual([
          600,
          total,
        ]);
        expect(logged[logged.length - 1]).toEqual({
          fields: { migration: AGGREGATE_MIGRATION, converted: total },
          message: 'aggregates: every document uses the compact encoding',
        });
        expect(await db.collection('aggregates').countDocuments(legacy)).toBe(0);
        expect(await db.collection('aggregates').countDocuments()).toBe(total);

        const query = { endpointId: 'e1', resolution: 'minute' as const, from: 0, to: MINUTES * MINUTE };
        const expected = (family: string, m: number, groups: Groups): AggregateRecord => ({
          key: { ...minuteKey(family, m), resolution: 'minute' },
          ...groups,
        });
        const cols = await store.listAggregates({ ...query, family: 'columns' });
        expect(cols).toEqual(Array.from({ length: MINUTES }, (_, m) => expected('columns', m, columns(m))));
        const opRecords = await store.listAggregates({ ...query, family: 'ops' });
        expect(opRecords).toEqual(Array.from({ length: MINUTES }, (_, m) => expected('ops', m, ops(m))));
        expect(await store.listAggregates({ ...query, resolution: 'hour', family: 'ops' })).toEqual([
          {
            key: { ...minuteKey('ops', 0), resolution: 'hour', referenceVersion: 0 },
            sums: {},
            min: {},
            max: {},
          },
        ]);

        // Sealed: one binary field of counter ids that the shared dictionary names.
        const raw = await db.collection('aggregates').findOne(minuteKey('columns', 7));
        const dictionary = new Map(
          (await db.collection('counterNames').find().toArray()).map((d) => [d.id as number, String(d.name)]),
        );
        expect(Object.keys(raw ?? {}).sort()).toEqual(
          ['_id', 'c', 'endpointId', 'family', 'referenceVersion', 'resolution', 'start'].sort(),
        );
        const sealed = decodeCounters((raw?.c as Binary).buffer, {
          idOf: () => 0,
          nameOf: (id) => dictionary.get(id) ?? '?',
        });
        expect(sealed).toEqual(columns(7));

        // Writes after the migration add to the migrated values, from this version ...
        await store.applyAggregates([
          { key: cols[0].key, add: { 'f:0:n': 1, 'f:0:h:9': 1 }, min: { 'f:0': -3 }, max: { 'f:0': 3 } },
        ]);
        // ... and from a replica of the previous version not upgraded yet.
        await db
          .collection('aggregates')
          .bulkWrite([
            legacyUpsert(minuteKey('columns', 0), { sums: { 'f:0:n': 10 }, min: {}, max: { 'f:0': 8 } }),
          ]);
        const [updated] = await store.listAggregates({ ...query, family: 'columns', to: MINUTE });
        expect(updated.sums).toEqual({ ...columns(0).sums, 'f:0:n': 611, 'f:0:h:9': 1 });
        expect(updated.min).toEqual({ 'f:0': -3 });
        expect(updated.max).toEqual({ 'f:0': 8 });
      } finally {
        await store.close();
      }
      // Once done, opening again does not migrate (nothing is logged).
      logged.length = 0;
      const again = await openMongoStore(url, {
        serverSelectionTimeoutMS: 5000,
        log: (fields, message) => logged.push({ fields, message }),
      });
      await again.close();
      expect(logged).toEqual([]);
    });

    test('two replicas adding the same new counters at once: every delta counts, every id names one counter', async () => {
      const url = freshDatabaseUrl(target, 'replicas');
      const [a, b] = await Promise.all([
        openMongoStore(url, { serverSelectionTimeoutMS: 5000 }),
        openMongoStore(url, { serverSelectionTimeoutMS: 5000 }),
      ]);
      try {
        const key = { ...minuteKey('columns', 0), resolution: 'minute' as const };
        const bins = Array.from({ length: 30 }, (_, k) => `f:0:h:${k}`);
        const delta = (w: number) => ({
          key,
          add: Object.fromEntries(bins.map((name) => [name, 1])),
          min: { 'f:0': -w },
          max: { 'f:0': w },
        });
        const writers = Array.from({ length: 10 }, (_, w) => (w % 2 ? a : b).applyAggregates([delta(w)]));
        await Promise.all(writers);
        for (const store of [a, b]) {
          const [record] = await store.listAggregates({
            endpointId: 'e1',
            family: 'columns',
            resolution: 'minute',
            from: 0,
            to: MINUTE,
          });
          expect(record.sums).toEqual(Object.fromEntries(bins.map((name) => [name, 10])));
          expect(record.min).toEqual({ 'f:0': -9 });
          expect(record.max).toEqual({ 'f:0': 9 });
        }
        const entries = await client.db(databaseFromUrl(url)).collection('counterNames').find().toArray();
        const ids = entries.map((e) => e.id as number);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(entries.map((e) => e.name as string))).toEqual(new Set([...bins, 'f:0']));
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    test('sealing while two replicas write the same records: every delta counts, and closed records end sealed', async () => {
      const url = freshDatabaseUrl(target, 'sealing');
      const [a, b] = await Promise.all([
        openMongoStore(url, { serverSelectionTimeoutMS: 5000 }),
        openMongoStore(url, { serverSelectionTimeoutMS: 5000 }),
      ]);
      try {
        const keyOf = (m: number) => ({ ...minuteKey('ops', m), resolution: 'minute' as const });
        // Rounds of: 4 writers on each of 3 minutes (both replicas), and both replicas sealing.
        for (let round = 0; round < 5; round++) {
          await Promise.all([
            ...Array.from({ length: 12 }, (_, k) =>
              (k % 2 ? a : b).applyAggregates([
                {
                  key: keyOf(k % 3),
                  add: { n: 1, 'lat:sum': 0.5 },
                  min: { lat: round * 10 + k },
                  max: { lat: round * 10 + k },
                },
              ]),
            ),
            a.compactAggregates(10 * MINUTE),
            b.compactAggregates(10 * MINUTE),
          ]);
        }
        const records = await a.listAggregates({
          endpointId: 'e1',
          family: 'ops',
          resolution: 'minute',
          from: 0,
          to: 3 * MINUTE,
        });
        // Per minute m: 4 writers a round (k ≡ m mod 3) x 5 rounds; lat from k = m in round 0 to 40 + (9 + m) in round 4.
        expect(records.map((r) => [r.sums, r.min, r.max])).toEqual(
          [0, 1, 2].map((m) => [{ n: 20, 'lat:sum': 10 }, { lat: m }, { lat: 49 + m }]),
        );
        await b.compactAggregates(10 * MINUTE);
        const docs = await client.db(databaseFromUrl(url)).collection('aggregates').find().toArray();
        expect(docs.map((d) => Object.keys(d).sort())).toEqual(
          [0, 1, 2].map(() => [
            '_id',
            'c',
            'endpointId',
            'family',
            'referenceVersion',
            'resolution',
            'start',
            'w',
          ]),
        );
        expect(
          await b.listAggregates({
            endpointId: 'e1',
            family: 'ops',
            resolution: 'minute',
            from: 0,
            to: 3 * MINUTE,
          }),
        ).toEqual(records);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    test('the dictionary gives an id only to names it recorded', async () => {
      const db = client.db(databaseFromUrl(freshDatabaseUrl(target, 'names')));
      await ensureSchema(db);
      const names = new MongoCounterNames(collections(db));
      expect(() => names.idOf('n')).toThrow(RangeError);
      await names.resolveNames(['n', 'err', 'n']);
      expect([names.idOf('n'), names.idOf('err')]).toEqual([0, 1]);
      // Another replica's dictionary reads the same ids, and draws the next ones.
      const other = new MongoCounterNames(collections(db));
      await other.resolveNames(['err', 'lat:n']);
      expect([other.idOf('err'), other.idOf('lat:n')]).toEqual([1, 2]);
      await names.resolveIds([2]);
      expect(names.nameOf(2)).toBe('lat:n');
      expect(() => names.nameOf(3)).toThrow(RangeError);
    });
  });
} else {
  describe.skip('mongodb aggregates in counter ids', () => {
    test('runs in the MongoDB run (npm test → scripts/test-mongodb.mjs)', () => undefined);
  });
}

/**
 * The MongoDB store. The contract suite needs a real server (a replica set: the store uses
 * transactions), so it runs only when MONGODB_URL is set, each test on a fresh database that is
 * dropped afterwards. What needs no server (open failures, pure helpers) always runs.
 */
import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { InvalidInputError } from '../../src/errors';
import { labelTerm, plainStrings } from '../../src/store/mongodb/codec';
import { decodeEventCursor, encodeEventCursor } from '../../src/store/eventCursor';
import { fromJsonText, toJsonText } from '../../src/store/jsonText';
import { redactUrl } from '../../src/store/storeLocation';
import { databaseFromUrl, openMongoStore } from '../../src/store/mongodb';
import { describeStoreContract } from './storeContract';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';

const target = mongoTarget();

/** Contract tests the stand-in cannot pass: it keeps unique index definitions but never enforces them. */
const STANDIN_SKIPS: readonly string[] = [
  // Each relies on a duplicate-key error from a unique index to tell the first writer from the rest.
  'appendEventsOnce appends a batch id once per experiment and replays its first receipt',
  'concurrent commits of one batch id apply it once',
  'one of two holders wins; same holder renews; expiry allows takeover; release frees',
  'concurrent acquisition: exactly one holder wins',
  'documents: insert once, compare-and-set updates, list by kind and project, delete',
];

if (target) {
  const databases: string[] = [];
  const openFresh = (): ReturnType<typeof openMongoStore> => {
    const url = freshDatabaseUrl(target, 'store');
    databases.push(databaseFromUrl(url) ?? '');
    return openMongoStore(url, { serverSelectionTimeoutMS: 5000 });
  };

  describeStoreContract(
    target.kind === 'standin' ? 'mongodb (wire-level stand-in)' : 'mongodb',
    openFresh,
    target.kind === 'standin' ? STANDIN_SKIPS : [],
  );

  describe('mongodb specifics', () => {
    test('a failed artifact stream leaves no GridFS files or chunks', async () => {
      const store = await openFresh();
      const client = new MongoClient(target.url, { serverSelectionTimeoutMS: 5000 });
      try {
        async function* failing(): AsyncGenerator<Buffer> {
          yield Buffer.alloc(700 * 1024, 1); // more than two 255 kB chunks already written
          throw new Error('client went away');
        }
        const meta = {
          project: 'p',
          name: 'x',
          run: 1,
          artifact: 'a',
          contentType: 'application/octet-stream',
          createdAt: new Date(),
        };
        await expect(store.putArtifact(meta, Readable.from(failing()))).rejects.toThrow('client went away');
        const db = client.db(databases[databases.length - 1]);
        expect(await db.collection('artifactFiles.files').countDocuments()).toBe(0);
        expect(await db.collection('artifactFiles.chunks').countDocuments()).toBe(0);
        expect(await db.collection('artifacts').countDocuments()).toBe(0);
      } finally {
        await client.close();
        await store.close();
      }
    });

    test('labels in batches: a bounded number of commands per batch of 1000, not per label', async () => {
      const commands: string[] = [];
      const store = await openMongoStore(freshDatabaseUrl(target, 'labels'), {
        serverSelectionTimeoutMS: 5000,
        onCommand: (name) => commands.push(name),
      });
      try {
        const now = new Date(Date.UTC(2024, 0, 1));
        const ids = Array.from({ length: 1000 }, (_, i) => `req-${i}`);
        await store.commitIngest({
          batchId: null,
          newEndpoints: [],
          activity: [],
          aggregates: [],
          samples: [],
          predictionKeys: ids.map((requestId) => ({
            requestId,
            endpointId: 'e1',
            time: now,
            referenceVersion: 1,
            prediction: 1,
            expiresAt: new Date(now.getTime() + 86_400_000),
            labelledAt: null,
          })),
          receipt: null,
          now,
        });
        await store.insertPendingLabels(
          ids.map((requestId) => ({
            requestId,
            endpointId: null,
            label: 'a',
            receivedAt: now,
            expiresAt: new Date(now.getTime() + 86_400_000),
          })),
        );

        commands.length = 0;
        const claimed = await store.claimPendingLabels(ids);
        expect(claimed).toHaveLength(1000);
        expect(commands).toEqual(['update', 'find', 'delete']);
        expect(await store.claimPendingLabels(ids)).toEqual([]);

        commands.length = 0;
        expect((await store.markPredictionKeysLabelled(ids, now)).sort()).toEqual([...ids].sort());
        expect(commands).toEqual(['update', 'find']);
        // A second marker of the same keys marks none, in one command.
        commands.length = 0;
        expect(await store.markPredictionKeysLabelled(ids.slice(0, 10), now)).toEqual([]);
        expect(commands).toEqual(['update']);
      } finally {
        await store.close();
      }
    });

    test('opening twice is idempotent (indexes already there)', async () => {
      const first = await openFresh();
      const name = databases[databases.length - 1];
      const second = await openMongoStore(target.url, { dbName: name, serverSelectionTimeoutMS: 5000 });
      await second.ping();
      await Promise.all([first.close(), second.close()]);
    });
  });
} else {
  // The MongoDB run (scripts/test-mongodb.mjs, part of `npm test`) runs it; it says when it cannot.
  describe.skip('store contract: mongodb', () => {
    test('runs in the MongoDB run (npm test → scripts/test-mongodb.mjs)', () => undefined);
  });
}

describe('mongodb store without a server', () => {
  test('an unreachable server fails fast with a clear, redacted error', async () => {
    const started = Date.now();
    const error = await openMongoStore('mongodb://reader:s3cret@127.0.0.1:1/dw?directConnection=true', {
      serverSelectionTimeoutMS: 300,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('MongoDB store at mongodb://***@127.0.0.1:1/dw');
    expect(message).toContain('cannot be opened');
    expect(message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('database name from the URL path', () => {
    expect(databaseFromUrl('mongodb://h1:27017,h2:27017/monitoring?replicaSet=rs0')).toBe('monitoring');
    expect(databaseFromUrl('mongodb+srv://u:p@cluster.example.net/dw')).toBe('dw');
    expect(databaseFromUrl('mongodb://localhost:27017/?replicaSet=rs0')).toBeUndefined();
    expect(databaseFromUrl('mongodb://localhost')).toBeUndefined();
  });

  test('label terms keep key and value apart', () => {
    expect(labelTerm('team', 'ml')).toBe('team=ml');
    expect(labelTerm('k=v', 'w')).not.toBe(labelTerm('k', 'v=w'));
    expect(labelTerm('a%3Db', 'c')).not.toBe(labelTerm('a=b', 'c'));
  });

  test('event cursors round-trip and reject garbage', () => {
    const dt = new Date(Date.UTC(2024, 0, 1));
    expect(decodeEventCursor(encodeEventCursor(dt, 42))).toEqual({ dt, seq: 42 });
    expect(() => decodeEventCursor('not a cursor')).toThrow(InvalidInputError);
    expect(() => decodeEventCursor(Buffer.from('{"$gt":1}').toString('base64url'))).toThrow(
      InvalidInputError,
    );
    expect(() => decodeEventCursor(Buffer.from('[1.5,2]').toString('base64url'))).toThrow(InvalidInputError);
  });

  test('JSON values are text and filter lists are plain strings', () => {
    const value = { $gt: 1, 'a.b': [null, { c: true }] };
    expect(fromJsonText(toJsonText(value))).toEqual(value);
    expect(fromJsonText(toJsonText(undefined))).toBeNull();
    expect(() => plainStrings([{ $ne: null }], 'keys')).toThrow(TypeError);
    expect(redactUrl('mongodb://u:p@h/db')).toBe('mongodb://***@h/db');
  });
});

/**
 * The MongoDB store. The contract suite needs a real server (a replica set: the store uses
 * transactions), so it runs only when MONGODB_URL is set, each test on a fresh database that is
 * dropped afterwards. What needs no server (open failures, pure helpers) always runs.
 */
import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { InvalidInputError } from '../../src/errors';
import { openMongoStore } from '../../src/store/mongodb';
import {
  counterPath,
  decodeEventCursor,
  encodeEventCursor,
  fromJsonText,
  labelTerm,
  plainStrings,
  redactUrl,
  toJsonText,
} from '../../src/store/mongodb/codec';
import { databaseFromUrl } from '../../src/store/mongodb/mongoStore';
import { describeStoreContract } from './storeContract';

const url = process.env.MONGODB_URL;
const SKIP_MESSAGE = 'MongoDB contract suite SKIPPED: set MONGODB_URL=mongodb://... to run it';

if (url) {
  // One random prefix per file run; every opened store gets its own database under it.
  const prefix = `dw_test_${process.pid}_${Date.now().toString(36)}`;
  const databases: string[] = [];
  const openFresh = (): ReturnType<typeof openMongoStore> => {
    const dbName = `${prefix}_${databases.length}`;
    databases.push(dbName);
    return openMongoStore(url, { dbName, serverSelectionTimeoutMS: 5000 });
  };

  afterAll(async () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
    try {
      for (const name of databases) await client.db(name).dropDatabase();
    } finally {
      await client.close();
    }
  });

  describeStoreContract('mongodb', openFresh);

  describe('mongodb specifics', () => {
    test('a failed artifact stream leaves no GridFS files or chunks', async () => {
      const store = await openFresh();
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
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

    test('opening twice is idempotent (indexes already there)', async () => {
      const first = await openFresh();
      const name = databases[databases.length - 1];
      const second = await openMongoStore(url, { dbName: name, serverSelectionTimeoutMS: 5000 });
      await second.ping();
      await Promise.all([first.close(), second.close()]);
    });
  });
} else {
  console.warn(SKIP_MESSAGE);
  describe.skip('store contract: mongodb', () => {
    test(SKIP_MESSAGE, () => undefined);
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

  test('counter names never change a field path', () => {
    expect(counterPath('sums', 'f:3:h:7')).toBe('sums.f:3:h:7');
    expect(() => counterPath('sums', 'a.b')).toThrow(RangeError);
    expect(() => counterPath('min', '$inc')).toThrow(RangeError);
    expect(() => counterPath('max', '')).toThrow(RangeError);
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

/** Which driver errors are store faults (503) and which are bugs (500), on real driver errors. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoNetworkError, MongoServerError, MongoWriteConcernError } from 'mongodb';
import { UnavailableError } from '../../src/errors';
import { classifyMongoFault } from '../../src/store/mongodb/faults';
import { classifySqliteFault } from '../../src/store/sqlite/faults';
import { guardStore, RETRY_AFTER_SECONDS } from '../../src/store/storeFault';
import type { Store } from '../../src/store/types';

describe('SQLite fault classification', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-classify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('classifies a real SQLITE_READONLY and SQLITE_FULL, and leaves query errors alone', () => {
    const file = join(dir, 'a.db');
    const writer = new Database(file);
    writer.exec('CREATE TABLE t (x INTEGER)');
    const reader = new Database(file, { readonly: true });
    const readOnly = (() => {
      try {
        reader.exec('INSERT INTO t VALUES (1)');
      } catch (error) {
        return error;
      }
    })();
    expect((readOnly as { code: string }).code).toMatch(/^SQLITE_READONLY/);
    expect(classifySqliteFault(readOnly)).toBe('the store file is read-only');

    writer.pragma('max_page_count = 3');
    const full = (() => {
      try {
        writer.exec("INSERT INTO t SELECT value FROM json_each('[' || printf('%.*c', 40000, '1') || ']')");
        for (let i = 0; i < 1000; i++) writer.exec(`INSERT INTO t VALUES (${i})`);
      } catch (error) {
        return error;
      }
    })();
    expect((full as { code: string }).code).toBe('SQLITE_FULL');
    expect(classifySqliteFault(full)).toBe('the disk is full');

    const syntax = (() => {
      try {
        writer.exec('SELEKT 1');
      } catch (error) {
        return error;
      }
    })();
    expect(classifySqliteFault(syntax)).toBeNull();
    reader.close();
    writer.close();
  });

  it('classifies file-system faults met writing artifacts', () => {
    expect(classifySqliteFault(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('the disk is full');
    expect(classifySqliteFault(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe(
      'the file system is read-only',
    );
    expect(classifySqliteFault(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeNull();
    expect(classifySqliteFault(new TypeError('bug'))).toBeNull();
  });
});

describe('MongoDB fault classification', () => {
  it('treats unreachable servers, lost primaries and missing majorities as faults', () => {
    expect(classifyMongoFault(new MongoNetworkError('connection reset'))).toBe(
      'the connection to MongoDB failed',
    );
    expect(classifyMongoFault(new MongoServerError({ code: 10107, errmsg: 'not primary' }))).toBe(
      'the MongoDB node is not the primary',
    );
    expect(
      classifyMongoFault(new MongoServerError({ code: 50, errmsg: 'operation exceeded time limit' })),
    ).toBe('a MongoDB operation exceeded its time limit');
    expect(
      classifyMongoFault(
        new MongoWriteConcernError({
          writeConcernError: { errmsg: 'waiting for replication timed out', code: 64 },
        } as never),
      ),
    ).toBe('MongoDB could not confirm the write on a majority');
  });

  it('leaves errors of the query itself alone', () => {
    expect(classifyMongoFault(new MongoServerError({ code: 11000, errmsg: 'duplicate key' }))).toBeNull();
    expect(classifyMongoFault(new MongoServerError({ code: 2, errmsg: 'bad value' }))).toBeNull();
    expect(classifyMongoFault(new Error('plain'))).toBeNull();
    // The driver lets some socket errors through unwrapped (EPIPE after the server closed the connection).
    const epipe = Object.assign(new Error('This socket has been ended by the other party'), {
      code: 'EPIPE',
    });
    expect(classifyMongoFault(epipe)).toBe('the connection to MongoDB failed');
    expect(classifyMongoFault(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBeNull();
  });
});

describe('guardStore', () => {
  it('turns faults into UnavailableError with Retry-After and holds readiness off until quiet', async () => {
    let clock = 1_000_000;
    let failing = true;
    const fake = {
      kind: 'test',
      ping: async () => undefined,
      close: async () => undefined,
      getEndpoint: async () => {
        if (failing) throw Object.assign(new Error('disk'), { code: 'SQLITE_FULL' });
        return null;
      },
    } as unknown as Store;
    const store = guardStore(fake, { classify: classifySqliteFault, now: () => clock });
    const fault = await store.getEndpoint('x').catch((e: unknown) => e);
    expect(fault).toBeInstanceOf(UnavailableError);
    expect((fault as UnavailableError).retryAfterSeconds).toBe(RETRY_AFTER_SECONDS);
    expect((fault as UnavailableError).message).toBe('store unavailable: the disk is full; retry later');
    await expect(store.ping()).rejects.toBeInstanceOf(UnavailableError);
    failing = false;
    clock += RETRY_AFTER_SECONDS * 1000 - 1;
    await expect(store.ping()).rejects.toThrow(/recovering from a recent fault \(the disk is full\)/);
    clock += 1;
    await expect(store.ping()).resolves.toBeUndefined();
    await expect(store.getEndpoint('x')).resolves.toBeNull();
  });

  it('passes errors it does not recognise through unchanged', async () => {
    const bug = new TypeError('a bug');
    const fake = {
      kind: 'test',
      ping: async () => undefined,
      getEndpoint: async () => {
        throw bug;
      },
    } as unknown as Store;
    await expect(guardStore(fake, { classify: classifySqliteFault }).getEndpoint('x')).rejects.toBe(bug);
  });
});

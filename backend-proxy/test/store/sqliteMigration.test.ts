/** A store file written by an earlier schema version opens, is upgraded in place, and keeps its rows. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite';

describe('embedded store schema migration', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-migration-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('adds labelled_at to prediction keys of a version 1 file, keeping the keys unlabelled', async () => {
    const file = join(folder, 'old.db');
    const old = new Database(file);
    // prediction_keys and meta exactly as schema version 1 created them.
    old.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('schema_version', '1');
      CREATE TABLE prediction_keys (
        request_id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, time INTEGER NOT NULL,
        reference_version INTEGER NOT NULL, prediction TEXT, expires_at INTEGER NOT NULL
      );
      INSERT INTO prediction_keys VALUES ('r1', 'e1', 60000, 1, '"yes"', 9999999999999);
    `);
    old.close();

    const store = await openSqliteStore(file);
    try {
      expect(await store.findPredictionKeys(['r1'])).toEqual([
        {
          requestId: 'r1',
          endpointId: 'e1',
          time: new Date(60_000),
          referenceVersion: 1,
          prediction: 'yes',
          expiresAt: new Date(9_999_999_999_999),
          labelledAt: null,
        },
      ]);
      expect(await store.markPredictionKeysLabelled(['r1'], new Date(120_000))).toEqual(['r1']);
      expect((await store.findPredictionKeys(['r1']))[0].labelledAt).toEqual(new Date(120_000));
    } finally {
      await store.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: '3',
    });
    reopened.close();
    // Opening an up-to-date file again is a no-op.
    const again = await openSqliteStore(file);
    expect((await again.findPredictionKeys(['r1']))[0].labelledAt).toEqual(new Date(120_000));
    await again.close();
  });
});

/** A store file written by an earlier schema version opens, is upgraded in place, and keeps its rows. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema';
import { SEAL_BATCH } from '../../src/store/sqlite/aggregateBlocks';
import type { AggregateDelta } from '../../src/store/types';

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
      value: String(SCHEMA_VERSION),
    });
    reopened.close();
    // Opening an up-to-date file again is a no-op.
    const again = await openSqliteStore(file);
    expect((await again.findPredictionKeys(['r1']))[0].labelledAt).toEqual(new Date(120_000));
    await again.close();
  });

  it('rewrites version 3 aggregates (JSON maps) in the compact encoding, keeping every value', async () => {
    const file = join(folder, 'v3.db');
    const old = new Database(file);
    // aggregates and meta exactly as schema version 3 created them.
    old.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('schema_version', '3');
      CREATE TABLE aggregates (
        endpoint_id TEXT NOT NULL, family TEXT NOT NULL, resolution TEXT NOT NULL, start INTEGER NOT NULL,
        reference_version INTEGER NOT NULL, sums TEXT NOT NULL, mins TEXT NOT NULL, maxs TEXT NOT NULL,
        PRIMARY KEY (endpoint_id, family, resolution, start, reference_version)
      );
    `);
    const insert = old.prepare('INSERT INTO aggregates VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const columns = {
      sums: { 'f:0:n': 600, 'f:0:sum': 181.93270000000004, 'f:0:sq': 652.1, 'f:0:h:3': 41 },
      min: { 'f:0': -2.9731 },
      max: { 'f:0': 3.5 },
    };
    const ops = { sums: { n: 600, err: 2, 'lat:sum': 6_012_345, 'lat:b:7': 12 }, min: {}, max: {} };
    // More rows than one migration page (1,000), so paging is exercised.
    old.transaction(() => {
      for (let m = 0; m < 1_200; m++) {
        const start = m * 60_000;
        insert.run(
          'e1',
          'columns',
          'minute',
          start,
          1,
          ...[columns.sums, columns.min, columns.max].map((c) => JSON.stringify(c)),
        );
        insert.run(
          'e1',
          'ops',
          'minute',
          start,
          1,
          ...[ops.sums, ops.min, ops.max].map((c) => JSON.stringify(c)),
        );
      }
      insert.run('e1', 'ops', 'hour', 0, 0, JSON.stringify({}), JSON.stringify({}), JSON.stringify({}));
    })();
    old.close();

    const store = await openSqliteStore(file);
    try {
      const query = { endpointId: 'e1', resolution: 'minute' as const, from: 0, to: 1_200 * 60_000 };
      const cols = await store.listAggregates({ ...query, family: 'columns' });
      const opRecords = await store.listAggregates({ ...query, family: 'ops' });
      expect(cols).toHaveLength(1_200);
      expect(opRecords).toHaveLength(1_200);
      expect(cols[1_199]).toEqual({
        key: {
          endpointId: 'e1',
          family: 'columns',
          resolution: 'minute',
          start: 1_199 * 60_000,
          referenceVersion: 1,
        },
        ...columns,
      });
      expect(opRecords[0]).toEqual({
        key: { endpointId: 'e1', family: 'ops', resolution: 'minute', start: 0, referenceVersion: 1 },
        ...ops,
      });
      expect(await store.listAggregates({ ...query, resolution: 'hour', family: 'ops' })).toEqual([
        {
          key: { endpointId: 'e1', family: 'ops', resolution: 'hour', start: 0, referenceVersion: 0 },
          sums: {},
          min: {},
          max: {},
        },
      ]);
      // Writes after the migration add to the migrated values.
      await store.applyAggregates([
        { key: cols[0].key, add: { 'f:0:n': 1, 'f:0:h:9': 1 }, min: { 'f:0': -3 }, max: { 'f:0': 3 } },
      ]);
      const [updated] = await store.listAggregates({ ...query, family: 'columns', to: 60_000 });
      expect(updated.sums).toEqual({ ...columns.sums, 'f:0:n': 601, 'f:0:h:9': 1 });
      expect(updated.min).toEqual({ 'f:0': -3 });
      expect(updated.max).toEqual({ 'f:0': 3.5 });
    } finally {
      await store.close();
    }
    const reopened = new Database(file, { readonly: true });
    const aggregateColumns = reopened.prepare("SELECT name FROM pragma_table_info('aggregates')").all();
    expect(aggregateColumns.map((c) => (c as { name: string }).name)).toEqual([
      'endpoint_id',
      'family',
      'resolution',
      'start',
      'reference_version',
      'counters',
    ]);
    reopened.close();
  });

  it('seals the closed minutes and hours of a version 5 file into blocks at open, in logged batches', async () => {
    const file = join(folder, 'v5.db');
    const HOUR = 3_600_000;
    const hours = SEAL_BATCH + 50;
    const deltas: AggregateDelta[] = [];
    for (let h = 0; h < hours; h++)
      for (const m of [0, 37])
        deltas.push({
          key: {
            endpointId: 'e1',
            family: 'ops',
            resolution: 'minute',
            start: h * HOUR + m * 60_000,
            referenceVersion: 0,
          },
          add: { n: h + m, 'lat:sum': 0.1 + 0.2 * h },
          min: { m: -h },
          max: {},
        });
    deltas.push({
      key: { endpointId: 'e1', family: 'ops', resolution: 'hour', start: 5 * HOUR, referenceVersion: 0 },
      add: { n: 9 },
      min: {},
      max: {},
    });
    const query = { endpointId: 'e1', family: 'ops' as const, from: 0, to: hours * HOUR };
    const written = await openSqliteStore(file);
    await written.applyAggregates(deltas);
    const minutes = await written.listAggregates({ ...query, resolution: 'minute' });
    const hourRecords = await written.listAggregates({ ...query, resolution: 'hour' });
    await written.close();
    // Version 5 had no blocks: every record a row of the same aggregates table.
    const old = new Database(file);
    old.exec("DROP TABLE aggregate_blocks; UPDATE meta SET value = '5' WHERE key = 'schema_version';");
    old.close();

    const logged: Array<Record<string, unknown>> = [];
    const store = await openSqliteStore(file, (fields, message) => logged.push({ ...fields, message }));
    try {
      expect(minutes).toHaveLength(2 * hours);
      expect(await store.listAggregates({ ...query, resolution: 'minute' })).toEqual(minutes);
      expect(await store.listAggregates({ ...query, resolution: 'hour' })).toEqual(hourRecords);
      expect(logged.filter((l) => l.resolution === 'minute')).toEqual([
        {
          resolution: 'minute',
          blocks: SEAL_BATCH,
          rows: 2 * SEAL_BATCH,
          message: 'aggregates: sealed a batch of closed blocks',
        },
        {
          resolution: 'minute',
          blocks: hours,
          rows: 2 * hours,
          message: 'aggregates: sealed a batch of closed blocks',
        },
      ]);
    } finally {
      await store.close();
    }
    const reopened = new Database(file, { readonly: true });
    const count = (sql: string) => (reopened.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT COUNT(*) AS n FROM aggregates')).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM aggregate_blocks WHERE resolution = 'minute'")).toBe(hours);
    expect(count('SELECT SUM(records) AS n FROM aggregate_blocks')).toBe(2 * hours + 1);
    expect(reopened.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: String(SCHEMA_VERSION),
    });
    reopened.close();
  });
});

import type Database from 'better-sqlite3';
import { encodeCounters } from '../aggregateCodec';
import type { Counters } from '../types';
import { sqliteCounterNames } from './counterNames';

/**
 * DDL for the embedded store. Times are epoch milliseconds; JSON columns hold `JSON.stringify`
 * text; aggregate counters are one BLOB in the compact encoding (store/aggregateCodec.ts).
 */
export const SCHEMA_VERSION = 6;

function aggregatesTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  endpoint_id TEXT NOT NULL, family TEXT NOT NULL, resolution TEXT NOT NULL, start INTEGER NOT NULL,
  reference_version INTEGER NOT NULL, counters BLOB NOT NULL,
  PRIMARY KEY (endpoint_id, family, resolution, start, reference_version)
);`;
}

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row rewritten by readiness checks: proves the store can still commit.
CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS experiments (
  project TEXT NOT NULL, name TEXT NOT NULL, provider TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_activity INTEGER NOT NULL,
  last_run INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project, name)
);
CREATE TABLE IF NOT EXISTS runs (
  project TEXT NOT NULL, name TEXT NOT NULL, run INTEGER NOT NULL,
  status TEXT NOT NULL, started_at INTEGER NOT NULL, stopped_at INTEGER,
  PRIMARY KEY (project, name, run)
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  project TEXT NOT NULL, name TEXT NOT NULL, run INTEGER NOT NULL,
  event TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, step REAL,
  dt INTEGER NOT NULL, node TEXT NOT NULL, userid TEXT NOT NULL, event_name TEXT
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (project, name, dt, seq);
CREATE TABLE IF NOT EXISTS artifacts (
  project TEXT NOT NULL, name TEXT NOT NULL, run INTEGER NOT NULL, artifact TEXT NOT NULL,
  content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL, file TEXT NOT NULL,
  PRIMARY KEY (project, name, run, artifact)
);

CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL, projects TEXT, created_at INTEGER NOT NULL, revoked_at INTEGER
);

CREATE TABLE IF NOT EXISTS endpoints (
  id TEXT PRIMARY KEY, project TEXT NOT NULL, model TEXT NOT NULL, version TEXT NOT NULL,
  function TEXT NOT NULL, model_class TEXT NOT NULL, labels TEXT NOT NULL,
  features TEXT NOT NULL, prediction_columns TEXT NOT NULL, label_columns TEXT NOT NULL,
  thresholds TEXT, task TEXT, monitoring INTEGER NOT NULL, created_at INTEGER NOT NULL,
  first_request INTEGER, last_request INTEGER,
  prediction_count INTEGER NOT NULL DEFAULT 0, error_count INTEGER NOT NULL DEFAULT 0,
  accuracy REAL, drift_status TEXT NOT NULL, drift_measures TEXT, drift_evaluated_at INTEGER,
  reference_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS endpoints_by_name ON endpoints (project, model, version, id);
CREATE TABLE IF NOT EXISTS endpoint_labels (
  endpoint_id TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL,
  PRIMARY KEY (endpoint_id, k)
);
CREATE INDEX IF NOT EXISTS endpoint_labels_by_pair ON endpoint_labels (k, v);

CREATE TABLE IF NOT EXISTS reference_versions (
  endpoint_id TEXT NOT NULL, version INTEGER NOT NULL, created_at INTEGER NOT NULL,
  row_count INTEGER NOT NULL, statistics TEXT NOT NULL,
  PRIMARY KEY (endpoint_id, version)
);

${aggregatesTable('aggregates')}
-- Closed minutes (per hour) and hours (per day) of one series, sealed (store/aggregateBlock.ts);
-- first and last: the starts of its first and last record, records: how many it holds.
CREATE TABLE IF NOT EXISTS aggregate_blocks (
  endpoint_id TEXT NOT NULL, family TEXT NOT NULL, resolution TEXT NOT NULL, start INTEGER NOT NULL,
  reference_version INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
  records INTEGER NOT NULL, counters BLOB NOT NULL,
  PRIMARY KEY (endpoint_id, family, resolution, start, reference_version)
);
-- Counter names of the aggregates' compact encoding (store/aggregateCodec.ts).
CREATE TABLE IF NOT EXISTS counter_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS ingest_batches (
  batch_id TEXT PRIMARY KEY, receipt TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT, endpoint_id TEXT NOT NULL, time INTEGER NOT NULL,
  request_id TEXT, features TEXT NOT NULL, prediction TEXT, latency_us REAL, error TEXT
);
CREATE INDEX IF NOT EXISTS samples_by_time ON samples (endpoint_id, time);
CREATE TABLE IF NOT EXISTS tracking_batches (
  project TEXT NOT NULL, name TEXT NOT NULL, batch_id TEXT NOT NULL, receipt TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (project, name, batch_id)
);
CREATE INDEX IF NOT EXISTS tracking_batches_created ON tracking_batches (created_at);
CREATE TABLE IF NOT EXISTS prediction_keys (
  request_id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, time INTEGER NOT NULL,
  reference_version INTEGER NOT NULL, prediction TEXT, expires_at INTEGER NOT NULL,
  labelled_at INTEGER, segments TEXT
);
CREATE INDEX IF NOT EXISTS prediction_keys_expiry ON prediction_keys (expires_at);
CREATE TABLE IF NOT EXISTS pending_labels (
  id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, endpoint_id TEXT,
  label TEXT, received_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_labels_by_request ON pending_labels (request_id);

CREATE TABLE IF NOT EXISTS monitoring_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, project TEXT NOT NULL,
  endpoint_id TEXT, kind TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
  tags TEXT NOT NULL, data TEXT
);
CREATE INDEX IF NOT EXISTS monitoring_events_by_time ON monitoring_events (time);

CREATE TABLE IF NOT EXISTS project_settings (
  project TEXT PRIMARY KEY, thresholds TEXT, updated_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
  kind TEXT NOT NULL, id TEXT NOT NULL, project TEXT NOT NULL, version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);

CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL
);
`;

/**
 * Brings a store file written by an earlier version up to this schema (after SCHEMA_SQL ran);
 * returns the version the file had (0: a new file).
 */
export function migrateSchema(db: Database.Database): number {
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  const columns = db.prepare("SELECT name FROM pragma_table_info('prediction_keys')").all() as {
    name: string;
  }[];
  // Version 2: a prediction's label counts once (labelled_at).
  if (!columns.some((c) => c.name === 'labelled_at'))
    db.exec('ALTER TABLE prediction_keys ADD COLUMN labelled_at INTEGER');
  // Version 5: a prediction's segments, where its late label is counted too (JSON list; null: none).
  if (!columns.some((c) => c.name === 'segments'))
    db.exec('ALTER TABLE prediction_keys ADD COLUMN segments TEXT');
  const endpointColumns = db.prepare("SELECT name FROM pragma_table_info('endpoints')").all() as {
    name: string;
  }[];
  // Version 3: a registration may set the prediction task (null: inferred).
  if (!endpointColumns.some((c) => c.name === 'task')) db.exec('ALTER TABLE endpoints ADD COLUMN task TEXT');
  const aggregateColumns = db.prepare("SELECT name FROM pragma_table_info('aggregates')").all() as {
    name: string;
  }[];
  // Version 4: aggregate counters in the compact encoding instead of three JSON maps.
  if (aggregateColumns.some((c) => c.name === 'sums')) db.transaction(() => compactAggregates(db))();
  db.prepare(
    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(String(SCHEMA_VERSION));
  // Version 6: closed minutes and hours sealed into aggregate_blocks (the caller seals them).
  return stored ? Number(stored.value) : 0;
}

interface JsonAggregateRow {
  id: number;
  endpoint_id: string;
  family: string;
  resolution: string;
  start: number;
  reference_version: number;
  sums: string;
  mins: string;
  maxs: string;
}

/** Rewrites a version 3 `aggregates` table (JSON maps) in the compact encoding, row by row. */
function compactAggregates(db: Database.Database): void {
  const { names } = sqliteCounterNames(db);
  db.exec(aggregatesTable('aggregates_compact'));
  const insert = db.prepare('INSERT INTO aggregates_compact VALUES (?, ?, ?, ?, ?, ?)');
  // Pages by rowid: better-sqlite3 runs no other statement while an iterator is open.
  const page = db.prepare('SELECT rowid AS id, * FROM aggregates WHERE rowid > ? ORDER BY rowid LIMIT 1000');
  for (
    let rows = page.all(0) as JsonAggregateRow[];
    rows.length;
    rows = page.all(rows[rows.length - 1].id) as JsonAggregateRow[]
  )
    for (const r of rows) {
      const counters = encodeCounters(
        {
          sums: JSON.parse(r.sums) as Counters,
          min: JSON.parse(r.mins) as Counters,
          max: JSON.parse(r.maxs) as Counters,
        },
        names,
      );
      insert.run(r.endpoint_id, r.family, r.resolution, r.start, r.reference_version, counters);
    }
  db.exec('DROP TABLE aggregates; ALTER TABLE aggregates_compact RENAME TO aggregates;');
}

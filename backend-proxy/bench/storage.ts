/**
 * Storage benchmark: one endpoint with 20 numeric features and a registered reference, at 10
 * events/s over one simulated UTC day (yesterday), ingested through the services (IngestService,
 * the same fold and commit as HTTP ingest) in one batch per simulated minute (600 events), into
 * the embedded store (a file in a temp folder), compacting every simulated hour as the evaluator
 * does (closed hours of minutes and days of hours sealed into blocks). Then measures the file: bytes per table and index
 * (SQLite's dbstat), and per counter family and resolution the aggregate records' payload, as
 * stored and as the JSON encoding of the same records would be; then extrapolates to the steady
 * state of the default retention.
 *
 *   npm run bench:build && node dist-bench/bench/storage.js [--hours 24]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/demo/random';
import { COMPACT_AFTER_MS } from '../src/monitoring/evaluation/evaluator';
import { DEFAULT_RETENTION } from '../src/monitoring/evaluation/retention';
import { DEFAULT_INGEST_OPTIONS } from '../src/monitoring/ingest/ingestService';
import { RESOLUTION_MS, type Resolution } from '../src/store/types';
import { machineDescription, option } from './lib/benchArgs';
import { runBench } from './lib/benchProxy';
import { openBenchServices } from './lib/benchStore';
import { aggregatePayloads, type PayloadFigures } from './lib/aggregatePayloads';

const FEATURES = 20;
const PER_MINUTE = 600;
const RESOLUTIONS: Resolution[] = ['minute', 'hour', 'day'];
const DAY = RESOLUTION_MS.day;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const hours = option('hours', 24);
  const folder = mkdtempSync(join(tmpdir(), 'driftwatch-storage-'));
  const path = join(folder, 'bench.db');
  const services = await openBenchServices(path);
  const { store } = services;
  try {
    const random = new Random(11);
    const names = Array.from({ length: FEATURES }, (_, i) => `x${i}`);
    const { endpoint } = await services.endpoints.register({
      project: 'bench',
      model: 'storage',
      features: names.map((name) => ({ name, kind: 'numeric' as const })),
      predictionColumns: [{ name: 'prediction', kind: 'numeric' as const }],
    });
    const rows = Array.from({ length: 5_000 }, () =>
      Object.fromEntries([...names, 'prediction'].map((n) => [n, random.normal()])),
    );
    await services.references.register(endpoint.id, rows, {});

    const dayStart = Math.floor(Date.now() / DAY) * DAY - DAY;
    const minutes = hours * 60;
    const started = process.hrtime.bigint();
    for (let m = 0; m < minutes; m++) {
      const t0 = dayStart + m * 60_000;
      const events = Array.from({ length: PER_MINUTE }, (_, i) => ({
        endpoint: endpoint.id,
        timestamp: t0 + i * 100,
        features: Object.fromEntries(names.map((n) => [n, Math.round((random.normal() + 0.3) * 1e4) / 1e4])),
        prediction: Math.round(random.normal() * 1e4) / 1e4,
        latencyMs: Math.round(random.next() * 2e4) / 1e3,
      }));
      await services.ingest.ingest({ batchId: `m-${m}`, project: 'bench', events }, () => undefined);
      if (m % 60 === 59) await store.compactAggregates(t0 + 60_000 - COMPACT_AFTER_MS);
    }
    // The evaluator's next pass, once the simulated day is over.
    await store.compactAggregates(dayStart + minutes * 60_000 + RESOLUTION_MS.hour);
    const ingestSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const payloads = await aggregatePayloads(store, path, endpoint.id, dayStart, dayStart + DAY);
    await store.close();
    report(path, hours, ingestSeconds, payloads);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function report(path: string, hours: number, seconds: number, payloads: PayloadFigures): void {
  const db = new Database(path, { readonly: true });
  const tables = db
    .prepare(
      'SELECT name, SUM(pgsize) AS bytes, SUM(payload) AS payload, SUM(unused) AS unused FROM dbstat GROUP BY name ORDER BY bytes DESC',
    )
    .all() as { name: string; bytes: number; payload: number; unused: number }[];
  db.close();
  const aggregateBytes = tables
    .filter((t) => /^(sqlite_autoindex_)?aggregate(s|_blocks)(_\d+)?$/.test(t.name))
    .reduce((s, t) => s + t.bytes, 0);

  console.log(machineDescription());
  console.log(
    `storage: 1 endpoint x ${FEATURES} numeric features at 10 events/s, ${hours} simulated h ` +
      `(${hours * 60} batches of ${PER_MINUTE}), ingested in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `  store file: ${mb(statSync(path).size)}; pages per table/index (dbstat; one-page tables left out):`,
  );
  for (const t of tables.filter((x) => x.bytes > 4096))
    console.log(
      `    ${t.name.padEnd(36)} ${kb(t.bytes).padStart(12)}  (payload ${kb(t.payload)}, unused ${kb(t.unused)})`,
    );

  console.log('  aggregate payload per record (counters only), as stored and as JSON:');
  console.log('    family   resolution  records  stored/record  JSON/record');
  for (const f of payloads.rows)
    console.log(
      `    ${f.family.padEnd(8)} ${f.resolution.padEnd(11)} ${String(f.records).padStart(7)}  ` +
        `${kb(f.storedBytes / f.records).padStart(13)}  ${kb(f.jsonBytes / f.records).padStart(11)}`,
    );

  // Bytes per record of each resolution in the file: the aggregate table's pages shared out by payload.
  const scale = hours / 24;
  const perRecord = (resolution: Resolution, which: 'storedBytes' | 'jsonBytes') => {
    const rs = payloads.rows.filter((r) => r.resolution === resolution);
    const payload = rs.reduce((s, r) => s + r[which], 0);
    const stored = payloads.rows.reduce((s, r) => s + r.storedBytes, 0);
    const filePart = which === 'storedBytes' ? (aggregateBytes * payload) / stored : payload;
    // A record here is one endpoint-interval: both families together.
    const intervals = rs.length ? Math.max(...rs.map((r) => r.records)) : 1;
    return filePart / intervals;
  };
  const r = DEFAULT_RETENTION;
  const YEARS = 5;
  const kept: Record<Resolution, number> = {
    minute: r.minuteAggregatesMs / RESOLUTION_MS.minute,
    hour: r.hourAggregatesMs / RESOLUTION_MS.hour,
    // 0: day records are kept forever; shown for YEARS years
    day: r.dayAggregatesMs > 0 ? r.dayAggregatesMs / DAY : YEARS * 365,
  };
  // The retention before it was configurable (35 days of minutes), for comparison.
  const previous: Record<Resolution, number> = { ...kept, minute: 35 * 1440 };
  for (const which of ['storedBytes', 'jsonBytes'] as const) {
    const label = which === 'storedBytes' ? 'as stored (file pages)' : 'JSON payload only';
    const b = Object.fromEntries(RESOLUTIONS.map((r) => [r, perRecord(r, which)])) as Record<
      Resolution,
      number
    >;
    const perDay = b.minute * 1440 + b.hour * 24 + b.day;
    const steady = (k: Record<Resolution, number>) => RESOLUTIONS.reduce((s, x) => s + k[x] * b[x], 0);
    console.log(`  ${label}:`);
    console.log(
      `    per endpoint-minute ${kb(b.minute)} (goal <= 1 KB), per endpoint-hour ${kb(b.hour)}, per endpoint-day record ${kb(b.day)}`,
    );
    console.log(`    per endpoint-day (1440 minutes + 24 hours + 1 day record): ${mb(perDay)}`);
    for (const [name, k] of [
      ['default retention', kept],
      ['35 days of minutes', previous],
    ] as const)
      console.log(
        `    steady state, ${name}: ${k.minute} min x ${kb(b.minute)} + ${k.hour} h x ${kb(b.hour)} + ${k.day} d x ${kb(b.day)} = ${mb(steady(k))} per endpoint (goal <= 60 MB)`,
      );
  }
  const sampleBytes = tables
    .filter((t) => t.name === 'samples' || t.name === 'samples_by_time')
    .reduce((s, t) => s + t.bytes, 0);
  const perSample = sampleBytes / (hours * 60 * DEFAULT_INGEST_OPTIONS.samplesPerMinute);
  const samplesKept = Math.min(
    r.maxSamplesPerEndpoint,
    (r.samplesMs / RESOLUTION_MS.minute) * DEFAULT_INGEST_OPTIONS.samplesPerMinute,
  );
  console.log(
    `  raw samples: ${kb(perSample)} each, ${samplesKept} kept per endpoint = ${mb(samplesKept * perSample)} on top of the aggregates`,
  );
  if (scale !== 1)
    console.log(`  (simulated ${hours} h; the hour/day figures above are per record, not scaled)`);
}

runBench(main);

/**
 * Seeds an embedded store file for the query benchmarks, through the Store interface and the
 * monitoring layout: ingest's own fold (MinuteAccumulator)
 * and rollUp build the counters, so every record is what ingest would have written.
 *
 * What is seeded (SEEDED_DESCRIPTION says the same for RESULTS.md):
 * - project `bench`: `endpoints` endpoints (`model-000` ...), each with `features` numeric features
 *   and a numeric prediction, and a registered reference (500 rows) fixing the bins;
 * - aggregates for the `days` days before `end` (plus 3 hours, so a 30-day window's first edge has
 *   data), at `predictionsPerHour` predictions per endpoint and hour, in both counter families:
 *   every hour and day record of that span; minute records only for the first 3 hours and the last
 *   2 hours of the span, which is all a 30-day query reads at minute resolution (tile edges and the
 *   rolling 5m/1h windows). Hour records are the roll-up of their minutes where minutes are kept,
 *   so all resolutions agree. Every fifth endpoint drifts (half its features shift by 0.8 std)
 *   during the last 7 days;
 * - per endpoint: activity totals, 2,000 raw samples over the last day, and an evaluation
 *   (the evaluator's pass), which records drift status changes as monitoring events;
 * - experiment `training` in `bench`: 20 runs x 100 steps of loss/accuracy/val_loss, 5 params,
 *   50 profiling (`system`) events per run.
 */
import { COMPACT_AFTER_MS } from '../../src/monitoring/evaluation/evaluator';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { Binning } from '../../src/monitoring/aggregates/binning';
import type { CounterSet } from '../../src/monitoring/aggregates/counterSet';
import { MinuteAccumulator, planFor } from '../../src/monitoring/aggregates/foldPlan';
import { rollUp, type MinuteCounters } from '../../src/monitoring/aggregates/rollUp';
import { alignDown } from '../../src/monitoring/aggregates/tiling';
import { createServices, type Services } from '../../src/services';
import { openStore } from '../../src/store';
import {
  RESOLUTION_MS,
  type AggregateDelta,
  type EndpointRecord,
  type MonitoringEventRecord,
  type SampleRecord,
} from '../../src/store/types';

export interface SeedOptions {
  path: string;
  endpoints: number;
  features: number;
  days: number;
  predictionsPerHour: number;
  /** Epoch ms the seeded span ends at (the bench's "now"). */
  end: number;
  log: (line: string) => void;
}

export interface SeedResult {
  project: string;
  endpointIds: string[];
  experiment: string;
  /** Seconds spent seeding (0 when an existing seed was reused). */
  seconds: number;
}

export const BENCH_PROJECT = 'bench';
export const BENCH_EXPERIMENT = 'training';
const HOUR = RESOLUTION_MS.hour;
const MINUTE = RESOLUTION_MS.minute;
const DAY = RESOLUTION_MS.day;
/** Minute records are kept for this long at both ends of the span. */
const HEAD_MINUTES_MS = 3 * HOUR;
const TAIL_MINUTES_MS = 2 * HOUR;

export function seededDescription(o: Omit<SeedOptions, 'path' | 'end' | 'log'>): string {
  return [
    `${o.endpoints} endpoints x ${o.features} numeric features, each with a registered reference (500 rows);`,
    `${o.days} days (+3 h) of aggregates at ${o.predictionsPerHour} predictions per endpoint-hour: all hour and day records,`,
    'minute records for the first 3 h and the last 2 h of the span (what 30-day queries read at minute resolution);',
    'every 5th endpoint drifts over the last 7 days; 2,000 raw samples per endpoint over the last day; one evaluator pass;',
    'closed hours of minutes and days of hours sealed into blocks, as the evaluator compacts;',
    'experiment with 20 runs x 100 steps x 3 metrics, 5 params and 50 profiling events per run.',
  ].join(' ');
}

/** A small deterministic PRNG (mulberry32), so every seed is the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

interface Generator {
  features: (drifted: boolean) => Record<string, number>;
  latencyUs: () => number;
  error: () => boolean;
}

function generator(endpointIndex: number, featureCount: number): Generator {
  const rand = random(1_000 + endpointIndex);
  const means = Array.from({ length: featureCount }, (_, j) => 10 * j + endpointIndex);
  const stds = Array.from({ length: featureCount }, (_, j) => 1 + (j % 5));
  return {
    features: (drifted) => {
      const out: Record<string, number> = {};
      for (let j = 0; j < featureCount; j++) {
        const shift = drifted && j % 2 === 0 ? 0.8 * stds[j] : 0;
        out[`f${j}`] = Math.round((means[j] + shift + stds[j] * normal(rand)) * 1_000) / 1_000;
      }
      return out;
    },
    latencyUs: () => Math.round(Math.exp(9 + 0.5 * normal(rand))), // about 8 ms median
    error: () => rand() < 0.01,
  };
}

/** Counters of `count` predictions, folded as ingest folds them. */
function fold(binning: Binning, gen: Generator, drifted: boolean, count: number): CounterSet {
  const accumulator = new MinuteAccumulator(planFor(binning));
  for (let k = 0; k < count; k++) {
    const features = gen.features(drifted);
    accumulator.fold({
      features,
      outputs: { prediction: features.f0 * 0.1 },
      latencyUs: gen.latencyUs(),
      error: gen.error(),
    });
  }
  return accumulator.toCounterSet();
}

function readMeta(path: string): { description: string; end: number; endpointIds: string[] } | null {
  try {
    return JSON.parse(readFileSync(`${path}.seed.json`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Seeds `path` (deleting what was there), or reuses it when `reuseWithinMs` > 0 and an identical
 * seed ended less than that long ago.
 */
export async function seedBenchStore(
  options: SeedOptions,
  reuseWithinMs = 0,
): Promise<SeedResult & { end: number }> {
  const description = seededDescription(options);
  const meta = readMeta(options.path);
  if (
    reuseWithinMs > 0 &&
    meta &&
    meta.description === description &&
    options.end - meta.end < reuseWithinMs &&
    existsSync(options.path)
  ) {
    options.log(
      `reusing the seed in ${options.path} (ended ${Math.round((options.end - meta.end) / 60_000)} min ago)`,
    );
    return {
      project: BENCH_PROJECT,
      endpointIds: meta.endpointIds,
      experiment: BENCH_EXPERIMENT,
      seconds: 0,
      end: meta.end,
    };
  }
  for (const suffix of ['', '-wal', '-shm', '.seed.json'])
    rmSync(`${options.path}${suffix}`, { force: true });
  rmSync(`${options.path}.artifacts`, { recursive: true, force: true });

  const started = Date.now();
  const store = await openStore(options.path);
  const services = createServices(
    loadConfig({}, { store: options.path, evaluationIntervalMs: 0 }),
    createLogger('silent'),
    store,
  );
  try {
    const endpointIds = await seedEndpoints(services, options);
    await seedExperiment(services, options);
    const compacting = Date.now();
    const sealed = await store.compactAggregates(options.end - COMPACT_AFTER_MS);
    options.log(
      `compacted as the evaluator does (closed hours and days sealed into blocks): ${sealed} records in ${((Date.now() - compacting) / 1_000).toFixed(1)} s`,
    );
    options.log('evaluating every endpoint once (drift status, measures, accuracy)');
    await services.evaluator.evaluateAll();
    writeFileSync(
      `${options.path}.seed.json`,
      JSON.stringify({ description, end: options.end, endpointIds }),
    );
    const seconds = (Date.now() - started) / 1_000;
    options.log(`seeded in ${seconds.toFixed(1)} s`);
    return { project: BENCH_PROJECT, endpointIds, experiment: BENCH_EXPERIMENT, seconds, end: options.end };
  } finally {
    await store.close();
  }
}

async function seedEndpoints(services: Services, o: SeedOptions): Promise<string[]> {
  const { store } = services;
  const end = alignDown(o.end, MINUTE);
  const start = alignDown(end - o.days * DAY - HEAD_MINUTES_MS, HOUR);
  const keepMinutes = (t: number) => t < start + HEAD_MINUTES_MS || t >= end - TAIL_MINUTES_MS;
  const driftFrom = end - 7 * DAY;
  const featureSpecs = Array.from({ length: o.features }, (_, j) => ({
    name: `f${j}`,
    kind: 'numeric' as const,
  }));
  const ids: string[] = [];
  let written = 0;

  for (let i = 0; i < o.endpoints; i++) {
    const { endpoint } = await services.endpoints.register({
      project: BENCH_PROJECT,
      model: `model-${String(i).padStart(3, '0')}`,
      version: 'v1',
      modelClass: 'bench.Regressor',
      labels: { tier: i % 2 ? 'gold' : 'free' },
      features: featureSpecs,
      predictionColumns: [{ name: 'prediction', kind: 'numeric' }],
    });
    ids.push(endpoint.id);
    const gen = generator(i, o.features);
    const rows = Array.from({ length: 500 }, () => {
      const f = gen.features(false);
      return { ...f, prediction: f.f0 * 0.1 };
    });
    await services.references.register(endpoint.id, rows, {});
    const registered = (await store.getEndpoint(endpoint.id)) as EndpointRecord;
    const binning = await services.references.binningFor(registered);
    const drifts = i % 5 === 0;

    // One day's worth of hour counters per regime, reused for every day: folding is the slow part.
    const hourTemplate = (drifted: boolean) =>
      Array.from({ length: 24 }, () => fold(binning, gen, drifted, o.predictionsPerHour));
    const normalHours = hourTemplate(false);
    const driftedHours = drifts ? hourTemplate(true) : normalHours;

    let predictions = 0;
    let errors = 0;
    for (let dayStart = alignDown(start, DAY); dayStart < end; dayStart += DAY) {
      const minutes: MinuteCounters[] = [];
      for (let hour = Math.max(dayStart, start); hour < Math.min(dayStart + DAY, end); hour += HOUR) {
        const drifted = hour >= driftFrom;
        if (keepMinutes(hour) || keepMinutes(hour + HOUR - MINUTE)) {
          // Hours at the edges: real minute records (one per minute), rolled up like ingest does.
          const perMinute = Math.max(1, Math.round(o.predictionsPerHour / 60));
          for (let m = hour; m < hour + HOUR && m < end; m += MINUTE) {
            minutes.push({
              endpointId: endpoint.id,
              start: m,
              version: binning.referenceVersion,
              counters: fold(binning, gen, drifted && drifts, perMinute),
            });
          }
        } else {
          const template = (drifted ? driftedHours : normalHours)[new Date(hour).getUTCHours()];
          minutes.push({
            endpointId: endpoint.id,
            start: hour,
            version: binning.referenceVersion,
            counters: template,
          });
        }
      }
      for (const m of minutes) {
        predictions += m.counters.get('n');
        errors += m.counters.get('err');
      }
      // A whole-hour template lands on its hour's first minute: keep its hour and day roll-ups, drop that minute.
      const deltas: AggregateDelta[] = rollUp(minutes).filter(
        (d) => d.key.resolution !== 'minute' || keepMinutes(d.key.start),
      );
      await store.applyAggregates(deltas);
      written += deltas.length;
    }

    const samples: SampleRecord[] = Array.from({ length: 2_000 }, (_, k) => ({
      endpointId: endpoint.id,
      time: new Date(end - DAY + Math.floor((k * DAY) / 2_000)),
      requestId: null,
      features: gen.features(drifts),
      prediction: 0,
      latencyUs: gen.latencyUs(),
      error: null,
    }));
    await store.commitIngest({
      batchId: null,
      newEndpoints: [],
      activity: [
        {
          endpointId: endpoint.id,
          predictions,
          errors,
          firstRequest: new Date(start),
          lastRequest: new Date(end - MINUTE),
        },
      ],
      aggregates: [],
      samples,
      predictionKeys: [],
      receipt: null,
      now: new Date(end),
    });
    const events: MonitoringEventRecord[] = Array.from({ length: 10 }, (_, k) => ({
      time: new Date(start + (k + 1) * ((end - start) / 11)),
      project: BENCH_PROJECT,
      endpointId: endpoint.id,
      kind: 'drift_status',
      title: `${endpoint.model}:${endpoint.version} ${k % 2 ? 'POSSIBLE_DRIFT -> NO_DRIFT' : 'NO_DRIFT -> POSSIBLE_DRIFT'}`,
      text: 'seeded drift status change',
      tags: ['drift', BENCH_PROJECT, endpoint.model],
      data: null,
    }));
    await store.appendMonitoringEvents(events);
    if ((i + 1) % 10 === 0 || i + 1 === o.endpoints)
      o.log(`endpoints ${i + 1}/${o.endpoints}: ${written} aggregate records written`);
  }
  return ids;
}

async function seedExperiment(services: Services, o: SeedOptions): Promise<void> {
  const ref = { project: BENCH_PROJECT, name: BENCH_EXPERIMENT };
  const origin = { node: 'bench', userid: 'bench' };
  const rand = random(7);
  const base = o.end - DAY;
  for (let r = 0; r < 20; r++) {
    const { run } = await services.experiments.startRun(ref, 'profiling', origin);
    const events = [];
    for (let step = 0; step < 100; step++) {
      const dt = new Date(base + r * 3_600_000 + step * 30_000);
      const loss = Math.exp(-step / 30) * (1 + 0.1 * rand()) + r * 0.01;
      events.push({ event: 'metric', key: 'loss', value: loss, step, dt, run: run.run });
      events.push({ event: 'metric', key: 'val_loss', value: loss * 1.1, step, dt, run: run.run });
      events.push({ event: 'metric', key: 'accuracy', value: 1 - loss / 2, step, dt, run: run.run });
    }
    for (const [key, value] of Object.entries({
      lr: 0.001 * (r + 1),
      batch: 32,
      epochs: 100,
      optimizer: 'adam',
      seed: r,
    })) {
      events.push({ event: 'param', key, value, run: run.run });
    }
    for (let k = 0; k < 50; k++) {
      events.push({
        event: 'system',
        key: 'stats',
        value: { cpu: 20 + 60 * rand(), memory_mb: 500 + 100 * rand() },
        dt: new Date(base + r * 3_600_000 + k * 60_000),
        run: run.run,
      });
    }
    await services.experiments.logEvents(ref, events, origin);
    await services.experiments.stopRun(ref, run.run, origin);
  }
}

/**
 * The "which segments drift most" query over 30 days for one endpoint with 3 keys x 20 segments
 * (goal: p95 < 100 ms on the embedded store), over HTTP (GET /api/v1/endpoints/:id/segments/drift).
 *
 * Seeded through the Store interface with ingest's own fold and roll-up (as bench/lib/seedAggregates.ts
 * does for endpoints): 10 numeric features, a 500-row reference, 3 tag keys x 20 values; per
 * segment 30 days (+3 h) of hour and day records at 60 predictions per segment-hour, minute records
 * up to the end of the hour the window starts in and for the last 2 h (every record a 30-day window
 * reads at minute resolution). One segment
 * drifts (half its features shift by 1 std) over the last 7 days.
 *
 *   npm run bench:build && node dist-bench/bench/segmentQueries.js [--runs 20] [--keep]
 *
 * Measured twice in one run: on the records as ingest wrote them, then after the compaction the
 * evaluator runs hourly (closed hours and days sealed into blocks), which is the steady state.
 *
 * `--keep` copies the seeded store to <tmpdir>/driftwatch-segments-kept.db (seeding takes ~50 s), for profiling the query on it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinuteAccumulator, planFor } from '../src/monitoring/aggregates/foldPlan';
import { rollUp, type MinuteCounters } from '../src/monitoring/aggregates/rollUp';
import { alignDown } from '../src/monitoring/aggregates/tiling';
import type { Binning } from '../src/monitoring/aggregates/binning';
import { keyScopes } from '../src/monitoring/segments/segmentScope';
import { COMPACT_AFTER_MS } from '../src/monitoring/evaluation/evaluator';
import { RESOLUTION_MS, type EndpointRecord } from '../src/store/types';
import { Random } from '../src/demo/random';
import { machineDescription, option } from './lib/benchArgs';
import { runBench, withBenchProxy } from './lib/benchProxy';
import { openBenchServices } from './lib/benchStore';
import { fetchOk } from './lib/http';
import { time } from './lib/timing';

const FEATURES = 10;
const KEYS = ['country', 'tier', 'shop'];
const VALUES = 20;
const PER_HOUR = 60;
const { minute: MINUTE, hour: HOUR, day: DAY } = RESOLUTION_MS;

function fold(binning: Binning, random: Random, shifted: boolean, count: number) {
  const accumulator = new MinuteAccumulator(planFor(binning));
  for (let k = 0; k < count; k++) {
    const features: Record<string, number> = {};
    for (let j = 0; j < FEATURES; j++) features[`f${j}`] = random.normal() + (shifted && j % 2 === 0 ? 1 : 0);
    accumulator.fold({ features, outputs: { prediction: features.f0 }, latencyUs: 5_000, error: false });
  }
  return accumulator.toCounterSet();
}

async function seed(path: string, end: number): Promise<string> {
  const services = await openBenchServices(path);
  const { store } = services;
  try {
    const random = new Random(5);
    const names = Array.from({ length: FEATURES }, (_, j) => `f${j}`);
    const { endpoint } = await services.endpoints.register({
      project: 'bench',
      model: 'segmented',
      features: names.map((name) => ({ name, kind: 'numeric' })),
    });
    const rows = Array.from({ length: 500 }, () =>
      Object.fromEntries(names.map((n) => [n, random.normal()])),
    );
    await services.references.register(endpoint.id, rows, {});
    const registered = (await store.getEndpoint(endpoint.id)) as EndpointRecord;
    await services.segments.declare(
      registered,
      KEYS.map((key) => ({ key, source: { tag: key }, budget: VALUES })),
    );
    const values = Array.from({ length: VALUES }, (_, v) => `v${v}`);
    const state = await services.segments.assign(registered, () => new Map(KEYS.map((k) => [k, values])));
    const binning = await services.references.binningFor(registered);
    const start = alignDown(end - 30 * DAY - 3 * HOUR, HOUR);
    // Minutes up to the end of the hour the 30-day window starts in, and in the last 2 hours.
    const headEnd = alignDown(end - 30 * DAY, HOUR) + HOUR;
    const keepMinutes = (t: number) => t < headEnd || t >= end - 2 * HOUR;
    const normal = Array.from({ length: 24 }, () => fold(binning, random, false, PER_HOUR));
    const shifted = Array.from({ length: 24 }, () => fold(binning, random, true, PER_HOUR));
    const perMinute = fold(binning, random, false, 1);
    const perMinuteShifted = fold(binning, random, true, 1);
    for (const key of state.keys)
      for (const scope of keyScopes(endpoint.id, key).filter((s) => s.value !== 'other')) {
        const drifts = key.key === 'tier' && scope.value === 'v3';
        for (let dayStart = alignDown(start, DAY); dayStart < end; dayStart += DAY) {
          const minutes: MinuteCounters[] = [];
          for (let hour = Math.max(dayStart, start); hour < Math.min(dayStart + DAY, end); hour += HOUR) {
            const late = drifts && hour >= end - 7 * DAY;
            const version = binning.referenceVersion;
            if (keepMinutes(hour) || keepMinutes(hour + HOUR - MINUTE)) {
              for (let m = hour; m < hour + HOUR && m < end; m += MINUTE)
                minutes.push({
                  endpointId: scope.aggregatesId,
                  start: m,
                  version,
                  counters: late ? perMinuteShifted : perMinute,
                });
            } else {
              const counters = (late ? shifted : normal)[new Date(hour).getUTCHours()];
              minutes.push({ endpointId: scope.aggregatesId, start: hour, version, counters });
            }
          }
          await store.applyAggregates(
            rollUp(minutes).filter((d) => d.key.resolution !== 'minute' || keepMinutes(d.key.start)),
          );
        }
      }
    return endpoint.id;
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const runs = option('runs', 20);
  const folder = mkdtempSync(join(tmpdir(), 'driftwatch-segments-'));
  try {
    const path = join(folder, 'segments.db');
    const end = alignDown(Date.now(), MINUTE) - 7 * MINUTE;
    const seeded = Date.now();
    const id = await seed(path, end);
    if (process.argv.includes('--keep')) copyFileSync(path, join(tmpdir(), 'driftwatch-segments-kept.db'));
    const seedSeconds = (Date.now() - seeded) / 1_000;
    console.log(machineDescription());
    console.log(
      `segment ranking: 1 endpoint, ${FEATURES} numeric features, ${KEYS.length} keys x ${VALUES} segments, 30 days at ${PER_HOUR} predictions per segment-hour (seeded in ${seedSeconds.toFixed(1)} s)`,
    );
    const measure = (label: string) =>
      withBenchProxy({ store: path }, async (proxy) => {
        const url = `${proxy.url}/api/v1/endpoints/${id}/segments/drift?from=${end - 30 * DAY}&to=${end}&limit=10`;
        let top: { segmentKey: string; segment: string; status: string; n: number } | undefined;
        const timing = await time('top-10 segments, 30 days', runs, async () => {
          const body = (await (await fetchOk(url, { method: 'GET' })).json()) as { segments: (typeof top)[] };
          top = body.segments[0];
        });
        console.log(
          `  ${label}: GET .../segments/drift (30 days, limit 10): p50 ${timing.p50.toFixed(1)} ms, p95 ${timing.p95.toFixed(1)} ms, max ${timing.max.toFixed(1)} ms over ${runs} runs (goal p95 < 100 ms)`,
        );
        console.log(
          `    worst segment: ${top?.segmentKey}=${top?.segment} ${top?.status} (n ${top?.n}); seeded drift: tier=v3`,
        );
      });
    await measure('records as ingest wrote them (rows)');
    // What the evaluator's hourly compaction leaves: closed hours and days sealed into blocks.
    const services = await openBenchServices(path);
    const sealing = Date.now();
    const sealed = await services.store.compactAggregates(end - COMPACT_AFTER_MS);
    await services.store.close();
    console.log(`  sealed ${sealed} records into blocks in ${((Date.now() - sealing) / 1_000).toFixed(1)} s`);
    await measure('after compaction (sealed blocks)');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

runBench(main);

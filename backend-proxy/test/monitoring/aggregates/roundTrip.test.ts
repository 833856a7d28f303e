/**
 * Fold -> roll-up -> window, through a real (embedded) store: events are folded per minute as
 * ingest folds them, rolled up into minute, hour and day aggregates, stored, and read back as
 * windows over minutes, hours and a day. Every expected figure is worked out by hand from the
 * four events below and the bins of ./fixtures.ts.
 */
import {
  FoldPlan,
  MinuteAccumulator,
  type FoldablePrediction,
} from '../../../src/monitoring/aggregates/foldPlan';
import { readWindow } from '../../../src/monitoring/aggregates/layout';
import { rollUp, type MinuteCounters } from '../../../src/monitoring/aggregates/rollUp';
import { WindowService } from '../../../src/monitoring/windows/windowService';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { Store } from '../../../src/store/types';
import { referenceBinning } from './fixtures';

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** 2024-01-01T00:00Z. */
const D0 = Date.UTC(2024, 0, 1);
const hm = (h: number, m: number): number => D0 + h * HOUR + m * MINUTE;

const event = (
  x: unknown,
  c: unknown,
  label: unknown,
  latencyUs: number | null,
  error = false,
): FoldablePrediction => ({
  features: { x, c },
  outputs: { label },
  latencyUs,
  error,
});

/** Minute start -> its events. */
const EVENTS: Array<[number, FoldablePrediction[]]> = [
  [hm(10, 59), [event(5, 'a', 'yes', 60), event(25, 'b', 'no', 200, true)]],
  [hm(11, 0), [event(-3, 'z', 'yes', 50)]],
  [hm(11, 1), [event(null, 'a', 'yes', null)]],
];

describe('fold -> roll-up -> window round trip', () => {
  const binning = referenceBinning();
  let store: Store;
  let windows: WindowService;

  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
    windows = new WindowService(store);
    const plan = new FoldPlan(binning);
    const minutes: MinuteCounters[] = EVENTS.map(([start, events]) => {
      const minute = new MinuteAccumulator(plan);
      for (const e of events) minute.fold(e);
      return { endpointId: 'e1', start, version: binning.referenceVersion, counters: minute.toCounterSet() };
    });
    await store.applyAggregates(rollUp(minutes));
  });

  afterAll(async () => {
    await store.close();
  });

  const read = async (from: number, to: number, referenceVersion = binning.referenceVersion) =>
    readWindow(
      await windows.counters('e1', from, to, { families: ['ops', 'columns'], referenceVersion }),
      binning,
    );

  /** All four events: x = 5, 25, -3, missing; c = a, b, z, a; label = yes, no, yes, yes. */
  const wholeWindow = {
    predictions: 4,
    errors: 1,
    latency: { count: 3, sumUs: 60 + 200 + 50 },
    x: {
      count: 3,
      missing: 1,
      sum: 5 + 25 - 3,
      sumSquares: 25 + 625 + 9,
      min: -3,
      max: 25,
      // -3 below the first edge, 25 above the last.
      outOfRange: 2,
      histogram: [1, 1, 0, 1],
    },
    c: { count: 4, missing: 0, outOfRange: 1, histogram: [2, 1, 1] },
    label: { count: 4, missing: 0, outOfRange: 0, histogram: [3, 1, 0] },
  };

  const expectWindow = (window: Awaited<ReturnType<typeof read>>, expected: typeof wholeWindow) => {
    expect(window.predictions).toBe(expected.predictions);
    expect(window.errors).toBe(expected.errors);
    expect({ count: window.latency.count, sumUs: window.latency.sumUs }).toEqual(expected.latency);
    expect(window.features[0]).toMatchObject(expected.x);
    expect(window.features[1]).toMatchObject(expected.c);
    expect(window.outputs[0]).toMatchObject(expected.label);
  };

  it('10:00-12:00 (two hour aggregates) holds every event', async () => {
    const window = await read(hm(10, 0), hm(12, 0));
    expectWindow(window, wholeWindow);
    // 50 us in the first latency bucket (<= 50), 60 in (50, 63], 200 in (160, 200].
    expect(window.latency.buckets.slice(0, 7)).toEqual([1, 1, 0, 0, 0, 0, 1]);
  });

  it('the whole day (one day aggregate) and 10:59-11:02 (three minutes) agree with it', async () => {
    expectWindow(await read(D0, D0 + 24 * HOUR), wholeWindow);
    expectWindow(await read(hm(10, 59), hm(11, 2)), wholeWindow);
  });

  it('10:30-11:01 (minutes across the hour) holds the first three events only', async () => {
    // Without the fourth event (x missing, c = a, label = yes).
    expectWindow(await read(hm(10, 30), hm(11, 1)), {
      ...wholeWindow,
      predictions: 3,
      x: { ...wholeWindow.x, missing: 0 },
      c: { ...wholeWindow.c, count: 3, histogram: [1, 1, 1] },
      label: { ...wholeWindow.label, count: 3, histogram: [2, 1, 0] },
    });
  });

  it('11:00-11:01 is the one event of that minute', async () => {
    expectWindow(await read(hm(11, 0), hm(11, 1)), {
      predictions: 1,
      errors: 0,
      latency: { count: 1, sumUs: 50 },
      x: {
        count: 1,
        missing: 0,
        sum: -3,
        sumSquares: 9,
        min: -3,
        max: -3,
        outOfRange: 1,
        histogram: [1, 0, 0, 0],
      },
      c: { count: 1, missing: 0, outOfRange: 1, histogram: [0, 0, 1] },
      label: { count: 1, missing: 0, outOfRange: 0, histogram: [1, 0, 0] },
    });
  });

  it('another reference version reads nothing', async () => {
    const window = await read(hm(10, 0), hm(12, 0), binning.referenceVersion + 1);
    expect(window.predictions).toBe(0);
    expect(window.features[0].histogram).toEqual([0, 0, 0, 0]);
  });
});

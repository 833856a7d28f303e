/** Retention per resolution: read from DRIFTWATCH_RETENTION_*, enforced by the evaluator's pruning, logged. */
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../src/config';
import { DEFAULT_RETENTION } from '../../../src/monitoring/evaluation/retention';
import { createServices } from '../../../src/services';
import { openStore } from '../../../src/store';
import { RESOLUTION_MS, type Resolution, type Store } from '../../../src/store/types';

const DAY = RESOLUTION_MS.day;
const HOUR = RESOLUTION_MS.hour;

describe('retention configuration', () => {
  it('defaults to DEFAULT_RETENTION and reads each variable in its unit', () => {
    expect(loadConfig({}).retention).toEqual(DEFAULT_RETENTION);
    expect(
      loadConfig({
        DRIFTWATCH_RETENTION_MINUTES_DAYS: '7',
        DRIFTWATCH_RETENTION_HOURS_DAYS: '90',
        DRIFTWATCH_RETENTION_DAYS_DAYS: '730',
        DRIFTWATCH_RETENTION_SAMPLES_HOURS: '6',
        DRIFTWATCH_RETENTION_SAMPLES_MAX: '100',
        DRIFTWATCH_RETENTION_BATCH_IDS_HOURS: '48',
      }).retention,
    ).toEqual({
      minuteAggregatesMs: 7 * DAY,
      hourAggregatesMs: 90 * DAY,
      dayAggregatesMs: 730 * DAY,
      samplesMs: 6 * HOUR,
      maxSamplesPerEndpoint: 100,
      idempotencyMs: 48 * HOUR,
    });
  });

  it('refuses a retention that is not a whole number of its unit, naming the variable', () => {
    expect(() => loadConfig({ DRIFTWATCH_RETENTION_MINUTES_DAYS: '0' })).toThrow(
      'DRIFTWATCH_RETENTION_MINUTES_DAYS must be an integer >= 1',
    );
    expect(() => loadConfig({ DRIFTWATCH_RETENTION_HOURS_DAYS: '1.5' })).toThrow(
      'DRIFTWATCH_RETENTION_HOURS_DAYS',
    );
  });
});

describe('retention enforcement', () => {
  let store: Store;
  afterEach(async () => store.close());

  const seed = async (resolution: Resolution, starts: number[]) =>
    store.applyAggregates(
      starts.map((start) => ({
        key: { endpointId: 'e1', family: 'ops', resolution, start, referenceVersion: 0 },
        add: { n: 1 },
        min: {},
        max: {},
      })),
    );
  const startsOf = async (resolution: Resolution) =>
    (await store.listAggregates({ endpointId: 'e1', family: 'ops', resolution, from: 0, to: 1e15 })).map(
      (r) => r.key.start,
    );

  it('prunes each resolution at its own retention, once an hour, and logs what went', async () => {
    store = await openStore(':memory:');
    const now = 1_000 * DAY;
    let clock = now;
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const config = loadConfig({
      DRIFTWATCH_RETENTION_MINUTES_DAYS: '2',
      DRIFTWATCH_RETENTION_HOURS_DAYS: '10',
      DRIFTWATCH_RETENTION_DAYS_DAYS: '100',
    });
    const services = createServices(config, logger, store, () => new Date(clock));
    await seed('minute', [now - 3 * DAY, now - 2 * DAY - 60_000, now - 2 * DAY + 60_000, now - 60_000]);
    await seed('hour', [now - 11 * DAY, now - 9 * DAY]);
    await seed('day', [now - 101 * DAY, now - 99 * DAY]);

    await services.evaluator.tick();
    expect(await startsOf('minute')).toEqual([now - 2 * DAY + 60_000, now - 60_000]);
    expect(await startsOf('hour')).toEqual([now - 9 * DAY]);
    expect(await startsOf('day')).toEqual([now - 99 * DAY]);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; removed?: Record<string, number> });
    expect(logged.find((l) => l.msg === 'retention pruned records')?.removed).toEqual({
      expired: 0,
      minutes: 2,
      hours: 1,
      days: 1,
    });

    // Within the hour, aggregates are not scanned again; an hour later they are.
    clock = now + 10 * 60_000;
    await seed('minute', [now - 3 * DAY]);
    await services.evaluator.tick();
    expect(await startsOf('minute')).toHaveLength(3);
    clock = now + HOUR;
    await services.evaluator.tick();
    // now - 2 d + 1 min is now older than 2 days too.
    expect(await startsOf('minute')).toEqual([now - 60_000]);
  });
});

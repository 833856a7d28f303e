import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import {
  BadRequestError,
  ConflictError,
  DriftwatchClient,
  DriftwatchError,
  DriftwatchNetworkError,
  DriftwatchServerError,
  NotFoundError,
  PROFILE_EVENT,
  type TrackingEvent,
} from '../src';
import { getJson, startFrontDoor } from './helpers';

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('experiments and runs against a real proxy', () => {
  let proxy: RunningProxy;
  let client: DriftwatchClient;
  beforeAll(async () => {
    proxy = await startTestProxy();
    client = new DriftwatchClient({ url: proxy.url, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
  });
  afterAll(() => proxy.close());

  it('logs metrics, params, data and an artifact in a scoped run and reads them back', async () => {
    const exp = client.experiment('team/churn');
    const model = randomBytes(64 * 1024);
    const returned = await exp.run(async (run) => {
      expect(run.number).toBe(1);
      for (let step = 0; step < 5; step++) run.logMetric('accuracy', 0.5 + step / 10, { step });
      run.logParam('batchsize', 1);
      run.logData('data', {
        rows: [
          [1, 2],
          [3, 4],
        ],
      });
      const artifact = await run.logArtifact(model, 'model.pkl', {
        contentType: 'application/x-python-pickle',
      });
      expect(artifact).toMatchObject({ size: model.length, run: 1 });
      return 'trained';
    });
    expect(returned).toBe('trained');

    const info = await exp.info();
    expect(info.runs).toEqual([expect.objectContaining({ run: 1, status: 'STOPPED' })]);
    const metrics = (await collect(exp.data({ run: -1, event: 'metric', since: '5h' }))).flat();
    expect(metrics.map((e) => [e.run, e.step, e.value])).toEqual(
      [0, 1, 2, 3, 4].map((s) => [1, s, 0.5 + s / 10]),
    );
    const params = (await collect(exp.data({ event: 'param' }))).flat();
    expect(params.map((e) => [e.key, e.value])).toEqual([['batchsize', 1]]);
    const data = (await collect(exp.data({ event: 'data', key: 'data' }))).flat();
    expect(data[0].value).toEqual({
      rows: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(Buffer.compare(await exp.restoreArtifact('model.pkl'), model)).toBe(0);
    const [summary] = await exp.summary();
    expect(summary.metrics.accuracy).toMatchObject({ last: 0.9, count: 5 });
    expect(summary.params).toEqual({ batchsize: 1 });
  });

  it('stops the run as FAILED when the callback throws, after sending what it logged, and rethrows', async () => {
    const exp = client.experiment('fails');
    const boom = new Error('training diverged');
    await expect(
      exp.run((run) => {
        run.logMetric('loss', Number.NaN, { step: 1 });
        throw boom;
      }),
    ).rejects.toBe(boom);
    const info = await exp.info();
    expect(info.runs[0].status).toBe('FAILED');
    const stops = (await collect(exp.data({ event: 'stop' }))).flat();
    expect(stops.map((e) => e.value)).toEqual([{ status: 'FAILED', error: 'training diverged' }]);
    const metrics = (await collect(exp.data({ event: 'metric' }))).flat();
    // JSON has no NaN: it travels as text.
    expect(metrics.map((e) => e.value)).toEqual(['NaN']);
  });

  it('starts and stops runs explicitly and refuses logging on a stopped run', async () => {
    const exp = client.experiment('explicit');
    const first = await exp.start();
    first.logMetric('m', 1);
    expect(exp.currentRun).toBe(first);
    await expect(exp.stop()).resolves.toMatchObject({ run: 1, status: 'STOPPED' });
    expect(exp.currentRun).toBeUndefined();
    expect(() => first.logMetric('m', 2)).toThrow(DriftwatchError);
    const second = await exp.start();
    second.logMetric('m', 3);
    await second.stop();
    await expect(second.stop()).resolves.toMatchObject({ run: 2 });
    const latest = (await collect(exp.data({ run: -1, event: 'metric' }))).flat();
    expect(latest.map((e) => e.value)).toEqual([3]);
    const all = (await collect(exp.data({ run: 'all', event: 'metric' }))).flat();
    expect(all.map((e) => e.run).sort()).toEqual([1, 2]);
  });

  it('sends a large run in requests of at most 10,000 events and pages it back with the cursor', async () => {
    const front = await startFrontDoor(proxy.url);
    try {
      const viaFront = new DriftwatchClient({ url: front.url });
      const exp = viaFront.experiment('batched');
      await exp.run((run) => {
        for (let i = 0; i < 25_000; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
      });
      const posts = front.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/events'));
      expect(posts.map((r) => (JSON.parse(r.body.toString()) as unknown[]).length)).toEqual([
        10_000, 10_000, 5_000,
      ]);
      const pages = await collect(exp.data({ event: 'metric', pageSize: 10_000 }));
      expect(pages.map((p) => p.length)).toEqual([10_000, 10_000, 5_000]);
      const steps = pages.flat().map((e) => e.step);
      expect(steps[0]).toBe(0);
      expect(steps[24_999]).toBe(24_999);
      let count = 0;
      for await (const event of exp.events({ event: 'metric', step: [3, 4], pageSize: 1 }))
        count += event.step === 3 || event.step === 4 ? 1 : 0;
      expect(count).toBe(2);
    } finally {
      await front.close();
    }
  });

  it('sends buffered events in the background without an explicit flush', async () => {
    const exp = client.experiment('background', { flushIntervalMs: 20 });
    const run = await exp.start();
    run.logParam('lr', 0.01);
    await sleep(300);
    const seen = await getJson<{ events: TrackingEvent[] }>(
      `${proxy.url}/api/v1/experiments/background/data?event=param`,
    );
    expect(seen.events.map((e) => e.value)).toEqual([0.01]);
    await run.stop();
  });

  it('keeps events the server could not take (503) and sends them once on the next flush', async () => {
    let refuse = true;
    const front = await startFrontDoor(proxy.url, (req) =>
      refuse && req.path.endsWith('/events') ? 'unavailable' : 'forward',
    );
    try {
      const exp = new DriftwatchClient({
        url: front.url,
        retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
      }).experiment('kept');
      const run = await exp.start();
      run.logMetric('a', 1);
      run.logMetric('a', 2);
      await expect(run.flush()).rejects.toBeInstanceOf(DriftwatchServerError);
      refuse = false;
      await run.flush();
      await run.stop();
      const events = (await collect(exp.data({ event: 'metric' }))).flat();
      expect(events.map((e) => e.value)).toEqual([1, 2]);
    } finally {
      await front.close();
    }
  });

  it('resends events whose answer was lost with the same idempotency key: stored once, later events kept apart', async () => {
    let drops = 2;
    const front = await startFrontDoor(proxy.url, (req) =>
      drops > 0 && req.path.endsWith('/events') ? (drops--, 'forwardThenDrop') : 'forward',
    );
    try {
      const exp = new DriftwatchClient({
        url: front.url,
        retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
      }).experiment('answer-lost');
      const run = await exp.start();
      run.logMetric('a', 1);
      run.logMetric('a', 2);
      // The proxy stored the batch, but the connection broke twice before its answer came back.
      await expect(run.flush()).rejects.toBeInstanceOf(DriftwatchNetworkError);
      // Logged after the failure: a batch of its own, never folded into the retried one.
      run.logMetric('a', 3);
      await run.flush();
      await run.stop();
      const events = (await collect(exp.data({ event: 'metric' }))).flat();
      expect(events.map((e) => e.value)).toEqual([1, 2, 3]);
      const sent = front.seen
        .filter((r) => r.path.endsWith('/events'))
        .map((r) => JSON.parse(r.body.toString()) as Array<{ value: number }>);
      expect(sent.map((batch) => batch.map((e) => e.value))).toEqual([[1, 2], [1, 2], [1, 2], [3]]);
    } finally {
      await front.close();
    }
  });

  it('stops the run on the server even when its last events are refused, then throws the refusal', async () => {
    const exp = client.experiment('refused');
    const run = await exp.start();
    run.logEvent('stop', 'run', 'not allowed');
    await expect(run.stop()).rejects.toBeInstanceOf(BadRequestError);
    expect((await exp.info()).runs[0].status).toBe('STOPPED');
    await expect(run.stop()).resolves.toMatchObject({ status: 'STOPPED' });
  });

  it('uploads artifacts from a file, a stream and text, and restores by run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dw-artifacts-'));
    const file = path.join(dir, 'weights.bin');
    const bytes = randomBytes(300_000);
    writeFileSync(file, bytes);
    const exp = client.experiment('artifacts');
    await exp.run(async (run) => {
      await run.logArtifact({ path: file }, 'weights.bin');
      await run.logArtifact(Readable.from([Buffer.from('chunk-1;'), Buffer.from('chunk-2')]), 'stream.txt');
      await run.logArtifact('v1', 'notes.txt');
    });
    await exp.run(async (run) => {
      await run.logArtifact('v2', 'notes.txt');
    });
    expect(Buffer.compare(await exp.restoreArtifact('weights.bin'), bytes)).toBe(0);
    expect((await exp.restoreArtifact('stream.txt')).toString()).toBe('chunk-1;chunk-2');
    expect((await exp.restoreArtifact('notes.txt')).toString()).toBe('v2');
    expect((await exp.restoreArtifact('notes.txt', { run: 1 })).toString()).toBe('v1');
    const opened = await exp.openArtifact('weights.bin');
    expect(opened.size).toBe(bytes.length);
    let streamed = 0;
    for await (const chunk of opened.body) streamed += (chunk as Buffer).length;
    expect(streamed).toBe(bytes.length);
    await expect(exp.restoreArtifact('absent.bin')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to lose artifact bytes silently', async () => {
    const front = await startFrontDoor(proxy.url, (req) =>
      req.method === 'PUT' ? 'forwardEmptyBody' : 'forward',
    );
    try {
      const exp = new DriftwatchClient({ url: front.url }).experiment('short-artifact');
      const run = await exp.start();
      await expect(run.logArtifact(Buffer.from('twelve bytes'), 'a.bin')).rejects.toThrow(
        /sent 12 bytes but the server stored 0/,
      );
      await run.stop();
    } finally {
      await front.close();
    }
  });

  it('clears an experiment only with force', async () => {
    const exp = client.experiment('clearme');
    await exp.run((run) => run.logMetric('a', 1));
    const refused = await exp.clear().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).serverMessage).toMatch(/force=true/);
    await exp.clear({ force: true });
    await expect(exp.info()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('samples cpu, memory and load in the background with the profiling provider', async () => {
    const exp = client.experiment('profiled', { provider: 'profiling', profiling: { intervalMs: 50 } });
    await exp.run(async (run) => {
      expect(run.provider).toBe('profiling');
      // Some CPU work so that the samples have something to see.
      const until = Date.now() + 250;
      while (Date.now() < until) Math.sqrt(Math.random());
      await sleep(100);
    });
    const samples = (await collect(exp.data({ event: PROFILE_EVENT }))).flat();
    const keys = new Set(samples.map((e) => e.key));
    for (const key of [
      'cpu_percent',
      'process_cpu_percent',
      'memory_load',
      'memory_total',
      'process_rss',
      'load_1m',
      'cpu_count',
    ]) {
      expect(keys).toContain(key);
    }
    const steps = new Set(samples.map((e) => e.step));
    expect(steps.size).toBeGreaterThanOrEqual(2);
    expect(samples.every((e) => typeof e.value === 'number' && Number.isFinite(e.value))).toBe(true);
    const processCpu = samples.filter((e) => e.key === 'process_cpu_percent').map((e) => e.value as number);
    expect(Math.max(...processCpu)).toBeGreaterThan(0);

    const quiet = client.experiment('unprofiled');
    await quiet.run((run) => run.logMetric('a', 1));
    expect((await collect(quiet.data({ event: PROFILE_EVENT }))).flat()).toEqual([]);
  });
});

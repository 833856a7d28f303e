import { createHash, randomBytes } from 'node:crypto';
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

interface EventOut {
  run: number;
  event: string;
  key: string;
  value: unknown;
  step: number | null;
  dt: string;
  seq: number;
}

describe('experiment tracking API', () => {
  let proxy: RunningProxy;
  let url: string;
  beforeAll(async () => {
    proxy = await startTestProxy({ maxArtifactBytes: 8 * 1024 * 1024 });
    url = proxy.url;
  });
  afterAll(() => proxy.close());

  const exp = (name: string) => `/api/v1/experiments/${encodeURIComponent(name)}`;

  it('creates an experiment on the first run and numbers runs from 1', async () => {
    const first = await call<{ run: number; status: string; provider: string }>(
      url,
      'POST',
      `${exp('team/churn')}/runs`,
      { body: {} },
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      run: 1,
      status: 'STARTED',
      provider: 'default',
      name: 'team/churn',
      project: 'default',
    });
    const second = await call<{ run: number }>(url, 'POST', `${exp('team/churn')}/runs`);
    expect(second.body.run).toBe(2);
    const list = await call<{ experiments: Array<{ name: string; runCount: number; provider: string }> }>(
      url,
      'GET',
      '/api/v1/experiments',
    );
    expect(list.body.experiments).toEqual([
      expect.objectContaining({ name: 'team/churn', runCount: 2, provider: 'default' }),
    ]);
  });

  it('numbers 60 concurrent run starts 1..60 without duplicates or gaps', async () => {
    const replies = await Promise.all(
      Array.from({ length: 60 }, () => call<{ run: number }>(url, 'POST', `${exp('parallel')}/runs`)),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const numbers = replies.map((r) => r.body.run).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('logs events, filters them every documented way and pages to the last item', async () => {
    const name = 'filters';
    await call(url, 'POST', `${exp(name)}/runs`);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const run1 = Array.from({ length: 25 }, (_, i) => ({
      event: 'metric',
      key: i % 2 ? 'loss' : 'accuracy',
      value: i / 100,
      step: i,
      dt: new Date(t0 + i * 60_000).toISOString(),
    }));
    expect((await call(url, 'POST', `${exp(name)}/events`, { body: run1 })).body).toEqual({
      accepted: 25,
      stored: 25,
      duplicate: false,
    });
    await call(url, 'POST', `${exp(name)}/runs/1/stop`);
    await call(url, 'POST', `${exp(name)}/runs`);
    await call(url, 'POST', `${exp(name)}/events`, {
      body: {
        events: [
          { event: 'param', key: 'batchsize', value: 32 },
          { event: 'metric', key: 'accuracy', value: 0.9, step: 1 },
        ],
      },
    });
    await call(url, 'POST', `${exp(name)}/events`, {
      body: { event: 'data', key: 'sample', value: { rows: [1, 2] } },
    });

    const data = (q: string) =>
      call<{ events: EventOut[]; cursor: string | null }>(url, 'GET', `${exp(name)}/data?${q}`);
    const latest = await data('run=-1&event=metric');
    expect(latest.body.events).toHaveLength(1);
    expect(latest.body.events[0]).toMatchObject({ run: 2, key: 'accuracy', value: 0.9, step: 1 });
    expect((await data('run=1&key=loss')).body.events.map((e) => e.step)).toEqual([
      1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23,
    ]);
    expect((await data('run=1&step=3,4')).body.events.map((e) => e.step)).toEqual([3, 4]);
    expect((await data('run=1-2&event=param')).body.events.map((e) => e.value)).toEqual([32]);
    expect((await data('run=-2&event=start')).body.events).toHaveLength(1);
    const since = await data(
      `run=1&event=metric&since=${new Date(t0 + 20 * 60_000).toISOString()}&end=${new Date(t0 + 22 * 60_000).toISOString()}`,
    );
    expect(since.body.events.map((e) => e.step)).toEqual([20, 21, 22]);
    // Relative `since`: run 2's events were logged just now, run 1's are dated in January.
    expect((await data('event=metric&since=5m')).body.events.map((e) => e.run)).toEqual([2]);
    expect((await data('event=data&run=all')).body.events[0].value).toEqual({ rows: [1, 2] });

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { events: EventOut[]; cursor: string | null } } = await data(
        `run=1&event=metric&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.body.events.map((e) => e.step as number));
      cursor = page.body.cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const ndjson = await fetch(`${url}${exp(name)}/data?run=1&event=metric`, {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await ndjson.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EventOut);
    expect(lines.map((e) => e.step)).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const summary = await call<{
      runs: Array<{
        run: number;
        metrics: Record<string, { last: number; min: number; max: number; count: number }>;
        params: Record<string, unknown>;
      }>;
    }>(url, 'GET', `${exp(name)}/summary`);
    expect(summary.body.runs[0].metrics.loss).toEqual({
      last: 0.23,
      min: 0.01,
      max: 0.23,
      count: 12,
      lastStep: 23,
    });
    expect(summary.body.runs[1].params).toEqual({ batchsize: 32 });
  });

  it('never edits or deletes single events: there is no such route', async () => {
    await call(url, 'POST', `${exp('immutable')}/runs`);
    await call(url, 'POST', `${exp('immutable')}/events`, { body: { event: 'metric', key: 'a', value: 1 } });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const reply = await call<{ error: string }>(url, method, `${exp('immutable')}/events`, {
        body: { event: 'metric', key: 'a', value: 2 },
      });
      expect(reply.status).toBe(404);
      expect(reply.body.error).toMatch(/no route/);
    }
    const events = await call<{ events: EventOut[] }>(url, 'GET', `${exp('immutable')}/data?event=metric`);
    expect(events.body.events.map((e) => e.value)).toEqual([1]);
    const reserved = await call<{ error: string }>(url, 'POST', `${exp('immutable')}/events`, {
      body: { event: 'stop', key: 'run', value: 1 },
    });
    expect(reserved.status).toBe(400);
  });

  it('applies a batch with an Idempotency-Key once: a retry gets the first answer and stores nothing', async () => {
    const name = 'retried';
    await call(url, 'POST', `${exp(name)}/runs`);
    const batch = [
      { event: 'metric', key: 'loss', value: 0.5, step: 1 },
      { event: 'metric', key: 'loss', value: 0.4, step: 2 },
    ];
    const headers = { 'idempotency-key': 'sdk-batch-1' };
    const first = await call(url, 'POST', `${exp(name)}/events`, { body: batch, headers });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ accepted: 2, stored: 2, duplicate: false });
    const [again, concurrent] = await Promise.all([
      call(url, 'POST', `${exp(name)}/events`, { body: batch, headers }),
      call(url, 'POST', `${exp(name)}/events`, { body: batch, headers }),
    ]);
    for (const reply of [again, concurrent]) {
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ accepted: 2, stored: 2, duplicate: true });
    }
    // The key is per experiment: another experiment's batch with the same key is its own.
    await call(url, 'POST', `${exp('retried-other')}/runs`);
    expect((await call(url, 'POST', `${exp('retried-other')}/events`, { body: batch, headers })).status).toBe(
      201,
    );
    const events = await call<{ events: EventOut[] }>(url, 'GET', `${exp(name)}/data?event=metric`);
    expect(events.body.events.map((e) => e.value)).toEqual([0.5, 0.4]);

    const tooLong = await call<{ error: string; details: Array<{ path: string }> }>(
      url,
      'POST',
      `${exp(name)}/events`,
      {
        body: batch,
        headers: { 'idempotency-key': 'k'.repeat(257) },
      },
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details[0].path).toBe('header');
    // A failed batch commits nothing, its key included: the corrected retry is applied.
    const badRun = await call(url, 'POST', `${exp(name)}/events`, {
      body: [{ ...batch[0], run: 9 }],
      headers: { 'idempotency-key': 'sdk-batch-2' },
    });
    expect(badRun.status).toBe(404);
    expect(
      (
        await call(url, 'POST', `${exp(name)}/events`, {
          body: batch,
          headers: { 'idempotency-key': 'sdk-batch-2' },
        })
      ).status,
    ).toBe(201);
    // Clearing the experiment forgets its keys.
    expect((await call(url, 'DELETE', `${exp(name)}?force=true`)).status).toBe(204);
    await call(url, 'POST', `${exp(name)}/runs`);
    expect((await call(url, 'POST', `${exp(name)}/events`, { body: batch, headers })).status).toBe(201);
  });

  it('round-trips a 5 MB artifact byte for byte and logs an artifact event', async () => {
    await call(url, 'POST', `${exp('artifacts')}/runs`);
    const bytes = randomBytes(5 * 1024 * 1024);
    const put = await call<{ size: number; sha256: string }>(
      url,
      'PUT',
      `${exp('artifacts')}/runs/1/artifacts/model.pkl`,
      {
        rawBody: bytes,
        headers: { 'content-type': 'application/x-pickle' },
      },
    );
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const got = await fetch(`${url}${exp('artifacts')}/runs/1/artifacts/model.pkl`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/x-pickle');
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    const events = await call<{ events: EventOut[] }>(url, 'GET', `${exp('artifacts')}/data?event=artifact`);
    expect(events.body.events[0]).toMatchObject({ key: 'model.pkl', value: { size: bytes.length } });
  });

  it('stores a JSON artifact as bytes too (the JSON body parser leaves uploads alone)', async () => {
    await call(url, 'POST', `${exp('json-artifact')}/runs`);
    const text = '{"weights": [1, 2, 3]}';
    const put = await call<{ size: number }>(
      url,
      'PUT',
      `${exp('json-artifact')}/runs/1/artifacts/model.json`,
      {
        rawBody: text,
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(put.status).toBe(201);
    expect(put.body.size).toBe(Buffer.byteLength(text));
    const got = await fetch(`${url}${exp('json-artifact')}/runs/1/artifacts/model.json`);
    expect(got.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await got.text()).toBe(text);
  });

  it('stops a run as FAILED with the error the client reports', async () => {
    await call(url, 'POST', `${exp('failing')}/runs`);
    const stopped = await call<{ status: string }>(url, 'POST', `${exp('failing')}/runs/1/stop`, {
      body: { status: 'FAILED', error: 'ValueError: nan loss' },
    });
    expect(stopped.body.status).toBe('FAILED');
    const events = await call<{ events: EventOut[] }>(url, 'GET', `${exp('failing')}/data?event=stop`);
    expect(events.body.events[0].value).toEqual({ status: 'FAILED', error: 'ValueError: nan loss' });
    expect(
      (await call(url, 'POST', `${exp('failing')}/runs/1/stop`, { body: { status: 'STARTED' } })).status,
    ).toBe(400);
  });

  it('refuses an artifact over the limit with 413 and keeps nothing', async () => {
    await call(url, 'POST', `${exp('big')}/runs`);
    const tooBig = await call<{ error: string }>(url, 'PUT', `${exp('big')}/runs/1/artifacts/huge.bin`, {
      rawBody: randomBytes(9 * 1024 * 1024),
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatch(/limit/);
    expect((await call(url, 'GET', `${exp('big')}/runs/1/artifacts/huge.bin`)).status).toBe(404);
    const missingRun = await call(url, 'PUT', `${exp('big')}/runs/9/artifacts/x.bin`, {
      rawBody: Buffer.from('x'),
    });
    expect(missingRun.status).toBe(404);
  });

  it('clears an experiment only when forced', async () => {
    await call(url, 'POST', `${exp('clearme')}/runs`);
    await call(url, 'PUT', `${exp('clearme')}/runs/1/artifacts/a.txt`, { rawBody: 'hello' });
    const refused = await call<{ error: string }>(url, 'DELETE', exp('clearme'));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/force=true/);
    expect((await call(url, 'GET', exp('clearme'))).status).toBe(200);
    expect((await call(url, 'DELETE', `${exp('clearme')}?force=true`)).status).toBe(204);
    expect((await call(url, 'GET', exp('clearme'))).status).toBe(404);
    expect((await call(url, 'GET', `${exp('clearme')}/runs/1/artifacts/a.txt`)).status).toBe(404);
  });

  it('notrack experiments accept events and store none', async () => {
    const started = await call<{ provider: string }>(url, 'POST', `${exp('quiet')}/runs`, {
      body: { provider: 'notrack' },
    });
    expect(started.body.provider).toBe('notrack');
    const logged = await call(url, 'POST', `${exp('quiet')}/events`, {
      body: [{ event: 'metric', key: 'a', value: 1 }],
    });
    expect(logged.body).toEqual({ accepted: 1, stored: 0, duplicate: false });
    expect((await call<{ events: unknown[] }>(url, 'GET', `${exp('quiet')}/data`)).body.events).toEqual([]);
  });

  it('profiling experiments keep system statistics', async () => {
    await call(url, 'POST', `${exp('profiled')}/runs`, { body: { provider: 'profiling' } });
    await call(url, 'POST', `${exp('profiled')}/events`, {
      body: { event: 'system', key: 'cpu_percent', value: 12.5 },
    });
    const events = await call<{ events: EventOut[] }>(url, 'GET', `${exp('profiled')}/data?event=system`);
    expect(events.body.events.map((e) => e.value)).toEqual([12.5]);
  });
});

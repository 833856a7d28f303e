import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

interface ErrorReply {
  error: string;
  details?: Array<{ path: string; message: string }>;
}

describe('bad input gets a clear error and changes nothing', () => {
  let proxy: RunningProxy;
  let url: string;
  beforeAll(async () => {
    proxy = await startTestProxy({ maxBodyBytes: 64 * 1024 });
    url = proxy.url;
    await call(url, 'POST', '/api/v1/experiments/v/runs');
    await call(url, 'POST', '/api/v1/experiments/v/events', {
      body: { event: 'metric', key: 'k', value: 1 },
    });
  });
  afterAll(() => proxy.close());

  const eventCount = async () =>
    (await call<{ events: unknown[] }>(url, 'GET', '/api/v1/experiments/v/data?run=all&limit=10000')).body
      .events.length;

  it('a body without a Content-Type gets 415 naming the expected types, and changes nothing', async () => {
    const before = await eventCount();
    // A Buffer body makes fetch send no Content-Type at all.
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/experiments/v/events', {
      rawBody: Buffer.from('{"event": "metric", "key": "k", "value": 2}'),
    });
    expect(reply.status).toBe(415);
    expect(reply.body).toEqual({
      error: 'the request body has no Content-Type',
      details: {
        expected: [
          'application/json',
          'text/csv (references, compare reports)',
          'application/x-ndjson (references)',
        ],
      },
    });
    expect(await eventCount()).toBe(before);
  });

  it.each([
    [
      'malformed JSON',
      { rawBody: '{"event": "metric",', headers: { 'content-type': 'application/json' } },
      400,
      /malformed JSON/,
    ],
    ['missing value', { body: { event: 'metric', key: 'k' } }, 400, /invalid body/],
    ['unknown field', { body: { event: 'metric', key: 'k', value: 1, extra: true } }, 400, /invalid body/],
    ['bad event kind', { body: { event: '$set', key: 'k', value: 1 } }, 400, /invalid body/],
    [
      'non-numeric step',
      { body: { event: 'metric', key: 'k', value: 1, step: 'three' } },
      400,
      /invalid body/,
    ],
    ['bad time', { body: { event: 'metric', key: 'k', value: 1, dt: 'yesterday' } }, 400, /invalid body/],
    ['empty batch', { body: [] }, 400, /invalid body/],
    [
      'one bad event in a batch',
      {
        body: [
          { event: 'metric', key: 'a', value: 1 },
          { event: 'metric', value: 2 },
        ],
      },
      400,
      /invalid body/,
    ],
    ['unknown run', { body: { event: 'metric', key: 'k', value: 1, run: 99 } }, 404, /run 99 does not exist/],
    [
      'oversized body',
      { body: { event: 'metric', key: 'k', value: 'x'.repeat(70 * 1024) } },
      413,
      /exceeds the limit/,
    ],
  ])('%s', async (_label, options, status, message) => {
    const before = await eventCount();
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/experiments/v/events', options);
    expect(reply.status).toBe(status);
    expect(reply.body.error).toMatch(message);
    expect(await eventCount()).toBe(before);
  });

  it('names the invalid field inside an {events: [...]} envelope too', async () => {
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/experiments/v/events', {
      body: { events: [{ event: 'metric', key: 'a' }] },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.details).toEqual([expect.objectContaining({ path: 'body.events.0.value' })]);
  });

  it('reports the path of each invalid field', async () => {
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/experiments/v/events', {
      body: [
        { event: 'metric', key: 'a', value: 1 },
        { event: 'metric', key: '', value: 2 },
      ],
    });
    expect(reply.body.details).toEqual([expect.objectContaining({ path: 'body.1.key' })]);
  });

  it.each([
    ['/api/v1/experiments/v/data?event[$ne]=metric', /invalid query/],
    ['/api/v1/experiments/v/data?run=latest', /invalid run selector/],
    ['/api/v1/experiments/v/data?step=NaN', /invalid query/],
    ['/api/v1/experiments/v/data?since=tomorrow', /since "tomorrow"/],
    ['/api/v1/experiments/v/data?limit=0', /invalid query/],
    ['/api/v1/experiments/v/data?cursor=bm9wZQ', /invalid cursor|cursor/],
    ['/api/v1/experiments/v/data?project=$where', /invalid query/],
    ['/api/v1/experiments/$where/data', /invalid path/],
    ['/api/v1/experiments/v/data?run=1&run=2', /invalid query/],
  ])('GET %s is a 400', async (path, message) => {
    const reply = await call<ErrorReply>(url, 'GET', path);
    expect(reply.status).toBe(400);
    expect(`${reply.body.error} ${JSON.stringify(reply.body.details ?? '')}`).toMatch(message);
  });

  it('unknown experiments and routes are 404 with a JSON error', async () => {
    const missing = await call<ErrorReply>(url, 'GET', '/api/v1/experiments/nope/data');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/experiment "nope" does not exist/);
    const route = await call<ErrorReply>(url, 'GET', '/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error).toBe('no route for GET /api/v1/nothing-here');
  });

  it('an unknown provider is refused and creates nothing', async () => {
    const reply = await call<ErrorReply & { details: { known: string[] } }>(
      url,
      'POST',
      '/api/v1/experiments/newone/runs',
      {
        body: { provider: 'mlflow' },
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.details.known).toEqual(['default', 'notrack', 'profiling']);
    expect((await call(url, 'GET', '/api/v1/experiments/newone')).status).toBe(404);
  });

  it('stopping an unknown run is a 404', async () => {
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/experiments/v/runs/42/stop');
    expect(reply.status).toBe(404);
  });
});

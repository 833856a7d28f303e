/**
 * The edge rules the hostile suite once excluded instead of exercising: each gets its exact status
 * and body, and changes nothing.
 */
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

interface ErrorReply {
  error: string;
  details?: unknown;
}

describe('edge rules: numbers, operators, charsets, unread bodies', () => {
  let proxy: RunningProxy;
  let url: string;
  let endpoint: string;
  beforeAll(async () => {
    proxy = await startTestProxy({});
    url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'edge', model: 'm', features: [{ name: 'x', kind: 'numeric' }] },
    });
    endpoint = created.body.id;
    await call(url, 'POST', '/api/v1/experiments/e/runs');
  });
  afterAll(() => proxy.close());

  const runCount = async () =>
    (await call<{ runs: unknown[] }>(url, 'GET', '/api/v1/experiments/e/summary')).body.runs.length;
  const json = { 'content-type': 'application/json' };

  it.each([
    [
      '1e400',
      'body.0.label',
      'a scalar or an array or object of numbers, strings (max 1,000 characters), booleans or null',
    ],
    [
      '{"$gt":""}',
      'body.0.label',
      'a scalar or an array or object of numbers, strings (max 1,000 characters), booleans or null',
    ],
  ])('a label of %s gets 400 naming %s', async (value, path, message) => {
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/labels', {
      rawBody: Buffer.from(`[{"requestId":"r1","label":${value}}]`),
      headers: json,
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid body', details: [{ path, message }] });
  });

  it.each([
    ['1e400', 'body.rows.1.x', 'a number out of range (not finite)'],
    ['-1e400', 'body.rows.1.x', 'a number out of range (not finite)'],
    ['{"$gt":""}', 'body.rows.1.x.$gt', 'a key starting with "$" (an operator)'],
  ])('a reference cell of %s gets 400 naming %s and stores nothing', async (value, path, message) => {
    const reply = await call<ErrorReply>(url, 'PUT', `/api/v1/endpoints/${endpoint}/reference`, {
      rawBody: Buffer.from(`{"rows":[{"x":1},{"x":${value}}]}`),
      headers: json,
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid body', details: [{ path, message }] });
    expect((await call(url, 'GET', `/api/v1/endpoints/${endpoint}/reference`)).status).toBe(404);
  });

  it.each(['0x1F', '1e3', '%2012', '0b11', 'Infinity', '%2B5', '1.'])(
    'limit=%s is not a plain decimal: 400',
    async (value) => {
      const reply = await call<ErrorReply>(url, 'GET', `/api/v1/endpoints?limit=${value}`);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        error: 'invalid query',
        details: [
          { path: 'query.limit', message: `"${decodeURIComponent(value)}" is not a plain decimal number` },
        ],
      });
    },
  );

  it('limit=31 is read as 31', async () => {
    expect((await call(url, 'GET', '/api/v1/endpoints?limit=31')).status).toBe(200);
  });

  it.each(['utf-7', 'utf-16le', 'latin1'])('charset=%s gets 415 asking for UTF-8', async (charset) => {
    const before = await runCount();
    const reply = await call<ErrorReply>(url, 'POST', '/api/v1/experiments/e/runs', {
      rawBody: Buffer.from('{}'),
      headers: { 'content-type': `application/json; charset=${charset}` },
    });
    expect(reply.status).toBe(415);
    expect(reply.body).toEqual({
      error: `unsupported charset "${charset}": send the body in UTF-8`,
      details: { expected: 'charset=utf-8' },
    });
    expect(await runCount()).toBe(before);
  });

  it('charset=UTF-8 and utf8 are read', async () => {
    for (const charset of ['UTF-8', 'utf8', '"utf-8"']) {
      const reply = await call(url, 'POST', '/api/v1/experiments/e/runs', {
        rawBody: Buffer.from('{}'),
        headers: { 'content-type': `application/json; charset=${charset}` },
      });
      expect(reply.status).toBe(201);
    }
  });

  it.each([
    ['POST', '/api/v1/experiments/e/runs'],
    ['POST', '/grafana/search'],
    ['POST', '/grafana/tag-keys'],
  ])('%s %s with a text/csv body gets 415 naming JSON, and changes nothing', async (method, path) => {
    const before = await runCount();
    const reply = await call<ErrorReply>(url, method, path, {
      rawBody: Buffer.from('provider\ndefault\n'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(reply.status).toBe(415);
    expect(reply.body).toEqual({
      error: `unsupported Content-Type "text/csv" for ${method} ${path}: send application/json or application/*+json`,
      details: { expected: ['application/json', 'application/*+json'] },
    });
    expect(await runCount()).toBe(before);
  });

  it('an empty body with no Content-Type still starts a run', async () => {
    const before = await runCount();
    expect((await call(url, 'POST', '/api/v1/experiments/e/runs')).status).toBe(201);
    expect(await runCount()).toBe(before + 1);
  });
});

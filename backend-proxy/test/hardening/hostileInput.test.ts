/**
 * Thousands of generated hostile requests across every route (hostileRequests.ts): each must be
 * answered with a 4xx and a JSON `{error}` body, and the store's observable state must not change.
 */
import { request as httpRequest } from 'node:http';
import { call, startTestProxy } from '../helpers/proxy';
import type { RunningProxy } from '../../src/server';
import { hostileRequests, type HostileRequest, type Seed } from './hostileRequests';

const minute = 60_000;
/** A fixed window, so reading it twice gives the same answer when nothing changed. */
const WINDOW = `from=${Date.now() - 3_600_000}&to=${Date.now() + minute}`;

async function seedStore(url: string): Promise<Seed> {
  const endpoint = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
    body: { project: 'hostile', model: 'm', features: [{ name: 'x', kind: 'numeric' }] },
  });
  expect(endpoint.status).toBe(201);
  const id = endpoint.body.id;
  const rows = Array.from({ length: 50 }, (_, i) => ({ x: i }));
  expect((await call(url, 'PUT', `/api/v1/endpoints/${id}/reference`, { body: rows })).status).toBe(201);
  const now = Date.now();
  const events = Array.from({ length: 30 }, (_, i) => ({
    endpoint: id,
    timestamp: now - 10 * minute + i * 1_000,
    features: { x: i },
    requestId: `seed-${i}`,
  }));
  expect((await call(url, 'POST', '/api/v1/predictions', { body: { batchId: 'seed', events } })).status).toBe(
    201,
  );
  expect((await call(url, 'POST', '/api/v1/experiments/seeded/runs')).status).toBe(201);
  expect(
    (
      await call(url, 'POST', '/api/v1/experiments/seeded/events', {
        body: [{ event: 'metric', key: 'accuracy', value: 0.9, step: 1 }],
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call(url, 'PUT', '/api/v1/experiments/seeded/runs/1/artifacts/model.bin', {
        rawBody: Buffer.from('model bytes'),
        headers: { 'content-type': 'application/octet-stream' },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call(url, 'POST', '/api/v1/monitors', {
        body: { name: 'mon', project: 'hostile', experiment: 'mon-exp', endpoint: id },
      })
    ).status,
  ).toBe(201);
  return { endpoint: id, experiment: 'seeded', run: 1, artifact: 'model.bin', monitor: 'mon' };
}

/** Everything a client can read back about the seeded state. */
async function observableState(url: string, seed: Seed): Promise<unknown> {
  const paths = [
    '/api/v1/endpoints?limit=10000',
    `/api/v1/endpoints/${seed.endpoint}/reference/versions`,
    `/api/v1/endpoints/${seed.endpoint}/metrics?${WINDOW}`,
    '/api/v1/experiments',
    '/api/v1/experiments/seeded/data?limit=10000',
    '/api/v1/experiments/seeded/summary',
    '/api/v1/experiments/seeded/runs/1/artifacts/model.bin',
    '/api/v1/monitors?project=hostile',
    '/api/v1/alerts/rules',
    '/api/v1/jobs',
    '/api/v1/keys',
    '/api/v1/projects',
    '/api/v1/projects/hostile/settings',
  ];
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const reply = await call(url, 'GET', path);
    out[path] = { status: reply.status, body: reply.body };
  }
  return out;
}

interface Outcome {
  request: HostileRequest;
  status: number;
  body: string;
  contentType: string;
}

/** node:http rather than fetch: fetch refuses a body on GET, and hostile clients do not. */
function send(url: string, request: HostileRequest): Promise<Outcome> {
  const length = request.body === undefined ? 0 : Buffer.byteLength(request.body);
  const headers = { ...request.headers, 'content-length': String(length) };
  return new Promise((resolve) => {
    const req = httpRequest(
      `${url}${request.path}`,
      { method: request.method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            request,
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
          }),
        );
      },
    );
    req.on('error', (error) => resolve({ request, status: 0, body: String(error), contentType: '' }));
    req.end(request.body);
  });
}

const isJsonError = (o: Outcome) => {
  if (!o.contentType.includes('application/json')) return false;
  try {
    const body = JSON.parse(o.body) as { error?: unknown };
    return typeof body.error === 'string' && body.error.length > 0;
  } catch {
    return false;
  }
};

describe('hostile input', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy({ maxBodyBytes: 1024 * 1024 });
  });
  afterAll(() => proxy.close());

  it('answers every hostile request with a 4xx JSON error and changes nothing', async () => {
    const seed = await seedStore(proxy.url);
    const before = await observableState(proxy.url, seed);
    const requests = hostileRequests(seed);
    expect(requests.length).toBeGreaterThanOrEqual(2_000);

    const outcomes: Outcome[] = [];
    const queue = [...requests];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) outcomes.push(await send(proxy.url, next));
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, worker));
    const elapsed = Date.now() - started;

    const serverErrors = outcomes.filter((o) => o.status >= 500 || o.status === 0);
    const wrong = outcomes.filter((o) => o.status < 400 || o.status >= 500 || !isJsonError(o));
    console.log(
      `hostile input: ${outcomes.length} requests in ${elapsed} ms, ${serverErrors.length} answered 5xx or dropped, ` +
        `${wrong.length} not a 4xx JSON error`,
    );
    expect(
      wrong.slice(0, 200).map((o) => `${o.request.name} -> ${o.status} ${o.body.slice(0, 200)}`),
    ).toEqual([]);
    expect(await observableState(proxy.url, seed)).toEqual(before);
  }, 120_000);
});

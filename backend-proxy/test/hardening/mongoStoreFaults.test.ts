/**
 * Store faults on MongoDB over HTTP (the MongoDB run): the server goes away (a loopback TCP proxy
 * in front of it cuts every connection and refuses new ones), then comes back with its data. While
 * it is away, writes and reads answer 503 with Retry-After within the time limit and /readyz is
 * not ready; nothing of the refused batch is written; once it is back, readiness returns and the
 * client's retry of the refused batch counts once.
 */
import type { RunningProxy } from '../../src/server';
import { RETRY_AFTER_SECONDS } from '../../src/store/storeFault';
import { databaseFromUrl } from '../../src/store/mongodb';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';
import { call, startTestProxy } from '../helpers/proxy';
import { startStallingProxy, type StallingProxy } from '../helpers/stallingProxy';

const target = mongoTarget();
const LIMIT_MS = 1000;

(target ? describe : describe.skip)('MongoDB server stopped and restarted', () => {
  let forwarder: StallingProxy;
  let proxy: RunningProxy;
  beforeAll(async () => {
    const [host, port] = (/^mongodb:\/\/([^/?,]+)/.exec(target!.url)?.[1] ?? '').split(':');
    forwarder = await startStallingProxy(host, Number(port || 27017));
    const db = databaseFromUrl(freshDatabaseUrl(target!, 'faults'));
    const limits = `socketTimeoutMS=${LIMIT_MS}&serverSelectionTimeoutMS=${LIMIT_MS}&waitQueueTimeoutMS=${LIMIT_MS}`;
    proxy = await startTestProxy({
      store: `mongodb://127.0.0.1:${forwarder.port}/${db}?directConnection=true&${limits}`,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await forwarder.close();
  });

  it('answers 503 and not-ready while it is away, recovers after, and counts the retried batch once', async () => {
    const url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'faults', model: 'm', features: [{ name: 'x', kind: 'numeric' }] },
    });
    expect(created.status).toBe(201);
    const batch = (id: string) => ({
      batchId: id,
      events: Array.from({ length: 10 }, (_, i) => ({
        endpoint: created.body.id,
        timestamp: Date.now() - 60_000 + i,
        features: { x: i },
        requestId: `${id}-${i}`,
      })),
    });
    expect((await call(url, 'POST', '/api/v1/predictions', { body: batch('before') })).status).toBe(201);

    await forwarder.down();
    const timings: string[] = [];
    for (const [method, path, body] of [
      ['POST', '/api/v1/predictions', batch('during')],
      ['GET', `/api/v1/endpoints/${created.body.id}`, undefined],
      ['GET', '/readyz', undefined],
    ] as const) {
      const started = Date.now();
      const reply = await call<{ error: string }>(url, method, path, { body });
      const elapsed = Date.now() - started;
      timings.push(`${method} ${path.replace(created.body.id, '{id}')} ${reply.status} in ${elapsed} ms`);
      expect({ path, status: reply.status, body: reply.body }).toMatchObject({ path, status: 503 });
      expect(reply.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
      expect(elapsed).toBeLessThan(LIMIT_MS + 3_000);
      if (path !== '/readyz') expect(reply.body.error).toMatch(/^store unavailable: .*; retry later$/);
    }

    await forwarder.up();
    const recovering = Date.now();
    let ready = 0;
    while (Date.now() - recovering < 30_000) {
      ready = (await call(url, 'GET', '/readyz')).status;
      if (ready === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready).toBe(200);
    // The figures for RESULTS.md.
    console.log(
      `MongoDB stopped: ${timings.join('; ')} (limit ${LIMIT_MS} ms); ready ${Date.now() - recovering} ms after it was back`,
    );

    const retried = await call<{ duplicate: boolean }>(url, 'POST', '/api/v1/predictions', {
      body: batch('during'),
    });
    expect(retried.status).toBe(201);
    expect(retried.body.duplicate).toBe(false);
    expect((await call(url, 'POST', '/api/v1/predictions', { body: batch('before') })).status).toBe(200);
    const endpoint = await call<{ predictionCount: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${created.body.id}`,
    );
    expect(endpoint.body.predictionCount).toBe(20);
  }, 120_000);
});

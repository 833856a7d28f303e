/**
 * Time limits on MongoDB operations: a server that stops answering fails the operation within
 * its limit as UnavailableError, and the HTTP API answers 503 (not a hanging request). Runs in
 * the MongoDB run (scripts/test-mongodb.mjs) through a loopback TCP proxy that stops forwarding.
 */
import { PayloadTooLargeError, UnavailableError } from '../../src/errors';
import { databaseFromUrl, openMongoStore } from '../../src/store/mongodb';
import { call, startTestProxy } from '../helpers/proxy';
import { freshDatabaseUrl, mongoTarget } from '../helpers/mongoTarget';
import { startStallingProxy, type StallingProxy } from '../helpers/stallingProxy';

const target = mongoTarget();
const LIMIT_MS = 1000;

/** The fresh database's URL, through the proxy, one host only (no discovery around the proxy). */
function throughProxy(proxy: StallingProxy): string {
  const direct = freshDatabaseUrl(target!, 'limits');
  const host = /^mongodb:\/\/([^/?,]+)/.exec(direct);
  if (!host) throw new Error(`time-limit tests need a single-host mongodb:// URL, got ${direct}`);
  const dbName = databaseFromUrl(direct) ?? '';
  return `mongodb://127.0.0.1:${proxy.port}/${dbName}?directConnection=true&socketTimeoutMS=${LIMIT_MS}`;
}

(target ? describe : describe.skip)('mongodb operation time limits', () => {
  let proxy: StallingProxy;

  beforeEach(async () => {
    const [host, port] = (/^mongodb:\/\/([^/?,]+)/.exec(target!.url)?.[1] ?? '').split(':');
    proxy = await startStallingProxy(host, Number(port || 27017));
  });

  afterEach(async () => {
    await proxy.close();
  });

  test('a stalled server fails a store operation as UnavailableError within the limit', async () => {
    const store = await openMongoStore(throughProxy(proxy), { serverSelectionTimeoutMS: 5000 });
    try {
      expect(await store.getEndpoint('nope')).toBeNull();
      proxy.stall();
      const started = Date.now();
      const error = await store.getEndpoint('nope').then(
        () => null,
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as Error).message).toContain('did not answer in time');
      expect(elapsed).toBeGreaterThanOrEqual(LIMIT_MS - 50);
      expect(elapsed).toBeLessThan(LIMIT_MS + 2000);
    } finally {
      await store.close();
    }
  });

  test('a stalled server answers 503 over HTTP within the limit', async () => {
    const running = await startTestProxy({ store: throughProxy(proxy) });
    try {
      expect((await call(running.url, 'GET', '/api/v1/endpoints')).status).toBe(200);
      proxy.stall();
      const started = Date.now();
      const reply = await call<{ error?: unknown }>(running.url, 'GET', '/api/v1/endpoints');
      const elapsed = Date.now() - started;
      expect(reply.status).toBe(503);
      expect(JSON.stringify(reply.body)).toContain('did not answer in time');
      expect(elapsed).toBeLessThan(LIMIT_MS + 2000);
    } finally {
      await running.close();
    }
  });
});

(target ? describe : describe.skip)('mongodb document size guard', () => {
  test('a document over 16 MB is refused as PayloadTooLargeError (413), and nothing is written', async () => {
    const store = await openMongoStore(freshDatabaseUrl(target!, 'size'), { serverSelectionTimeoutMS: 5000 });
    try {
      const doc = {
        kind: 'report',
        id: 'huge',
        project: 'p',
        version: 1,
        updatedAt: new Date(Date.UTC(2024, 0, 1)),
        body: { text: 'x'.repeat(17 * 1024 * 1024) },
      };
      const error = await store.putDocument(doc, 0, new Date(Date.UTC(2024, 0, 1))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect((error as Error).message).toContain('16 MB');
      expect(await store.getDocument('report', 'huge')).toBeNull();
    } finally {
      await store.close();
    }
  });
});

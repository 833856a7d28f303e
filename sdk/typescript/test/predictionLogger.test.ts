import path from 'node:path';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import { BadRequestError, DriftwatchClient, NotFoundError, type EndpointInfo } from '../src';
import { getJson, startFrontDoor, runTypeScript } from './helpers';

const FAST_RETRY = { attempts: 5, initialDelayMs: 5, maxDelayMs: 20 };

describe('prediction logger against a real proxy', () => {
  let proxy: RunningProxy;
  let client: DriftwatchClient;
  let modelCounter = 0;

  beforeAll(async () => {
    proxy = await startTestProxy();
    client = new DriftwatchClient({ url: proxy.url, retry: FAST_RETRY });
  });
  afterAll(() => proxy.close());

  /** A fresh endpoint with features x (numeric) and c (categorical), and a reference. */
  async function newEndpoint(): Promise<EndpointInfo> {
    const endpoint = await client.registerEndpoint({
      model: `churn-${++modelCounter}`,
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'c', kind: 'categorical' },
      ],
      predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
      labelColumns: ['label'],
    });
    const rows = Array.from({ length: 100 }, (_, i) => ({
      x: i,
      c: i < 50 ? 'a' : 'b',
      prediction: i % 2 ? 'yes' : 'no',
      label: i % 2 ? 'yes' : 'no',
    }));
    const reference = await client.registerReference(endpoint.id, rows);
    expect(reference.version).toBe(1);
    return endpoint;
  }

  const predictionCount = async (id: string) =>
    (await getJson<EndpointInfo>(`${proxy.url}/api/v1/endpoints/${id}`)).predictionCount;
  const event = (i: number) => ({
    features: { x: i % 100, c: i % 3 ? 'a' : 'b' },
    prediction: i % 2 ? 'yes' : 'no',
    latencyMs: 3 + (i % 5),
  });

  it('sends events in batches and counts them', async () => {
    const endpoint = await newEndpoint();
    const front = await startFrontDoor(proxy.url);
    try {
      const logger = new DriftwatchClient({ url: front.url }).predictionLogger({
        endpoint: endpoint.id,
        batchSize: 100,
        flushOnExit: false,
      });
      for (let i = 0; i < 250; i++) expect(logger.log(event(i))).toBe(true);
      await logger.close();
      expect(logger.stats).toMatchObject({ sent: 250, dropped: 0, failed: 0, errors: 0, queued: 0 });
      const batches = front.seen
        .filter((r) => r.path === '/api/v1/predictions')
        .map((r) => JSON.parse(r.body.toString()) as { batchId: string; events: unknown[] });
      expect(batches.map((b) => b.events.length)).toEqual([100, 100, 50]);
      expect(new Set(batches.map((b) => b.batchId)).size).toBe(3);
      expect(await predictionCount(endpoint.id)).toBe(250);
    } finally {
      await front.close();
    }
  });

  it('drops and counts events past the queue bound instead of growing or blocking', async () => {
    const endpoint = await newEndpoint();
    const logger = client.predictionLogger({
      endpoint: endpoint.id,
      maxQueue: 50,
      batchSize: 1_000,
      flushIntervalMs: 60_000,
      flushOnExit: false,
    });
    const accepted = Array.from({ length: 80 }, (_, i) => logger.log(event(i)));
    expect(accepted.filter(Boolean)).toHaveLength(50);
    expect(logger.stats).toMatchObject({ queued: 50, dropped: 30 });
    await logger.close();
    expect(logger.stats).toMatchObject({ sent: 50, dropped: 30, queued: 0 });
    expect(logger.log(event(0))).toBe(false);
    expect(logger.stats.dropped).toBe(31);
    expect(await predictionCount(endpoint.id)).toBe(50);
  });

  it('retries 503 with the same batch id', async () => {
    const endpoint = await newEndpoint();
    const front = await startFrontDoor(proxy.url, (req, i) =>
      req.path === '/api/v1/predictions' && i < 2 ? 'unavailable' : 'forward',
    );
    try {
      const logger = new DriftwatchClient({ url: front.url, retry: FAST_RETRY }).predictionLogger({
        endpoint: endpoint.id,
        flushOnExit: false,
      });
      for (let i = 0; i < 10; i++) logger.log(event(i));
      await logger.close();
      const ids = front.seen.map((r) => (JSON.parse(r.body.toString()) as { batchId: string }).batchId);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      expect(logger.stats).toMatchObject({ sent: 10, retries: 2, failed: 0 });
      expect(await predictionCount(endpoint.id)).toBe(10);
    } finally {
      await front.close();
    }
  });

  it('counts a batch once when the connection dies after the server committed it', async () => {
    const endpoint = await newEndpoint();
    const front = await startFrontDoor(proxy.url, (req, i) =>
      req.path === '/api/v1/predictions' && i === 0 ? 'forwardThenDrop' : 'forward',
    );
    try {
      const logger = new DriftwatchClient({ url: front.url, retry: FAST_RETRY }).predictionLogger({
        endpoint: endpoint.id,
        flushOnExit: false,
      });
      for (let i = 0; i < 40; i++) logger.log(event(i));
      await logger.close();
      // Both tries reached the server with one batch id; the second was answered as a duplicate.
      expect(front.seen).toHaveLength(2);
      expect(logger.stats).toMatchObject({ sent: 40, retries: 1, failed: 0 });
      expect(await predictionCount(endpoint.id)).toBe(40);
    } finally {
      await front.close();
    }
  });

  it('drops only the event the server names as bad and reports it, never throwing', async () => {
    const endpoint = await newEndpoint();
    const errors: Array<[Error, number]> = [];
    const logger = client.predictionLogger({
      endpoint: endpoint.id,
      flushOnExit: false,
      onError: (e, lost) => errors.push([e, lost]),
    });
    for (let i = 0; i < 10; i++)
      logger.log(i === 4 ? { features: { x: 'forty' as unknown as number, c: 'a' } } : event(i));
    await logger.close();
    expect(logger.stats).toMatchObject({ sent: 9, failed: 1, errors: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBeInstanceOf(BadRequestError);
    expect(errors[0][0].message).toMatch(/event 4: feature "x" is numeric but got "forty"/);
    expect(errors[0][1]).toBe(1);
    expect(await predictionCount(endpoint.id)).toBe(9);
  });

  it('reports a batch the server refuses whole (unknown endpoint) in the error count', async () => {
    const logger = client.predictionLogger({ endpoint: 'f'.repeat(40), flushOnExit: false });
    for (let i = 0; i < 5; i++) logger.log(event(i));
    await logger.close();
    expect(logger.stats).toMatchObject({ sent: 0, failed: 5, errors: 1 });
    expect(logger.stats.lastError).toBeInstanceOf(NotFoundError);
  });

  it('gives up on an unresponsive server after bounded retries, without blocking log()', async () => {
    const front = await startFrontDoor(proxy.url, () => 'hang');
    try {
      const logger = new DriftwatchClient({
        url: front.url,
        timeoutMs: 100,
        retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
      }).predictionLogger({
        model: 'stalled',
        batchSize: 10,
        maxQueue: 100,
        flushOnExit: false,
      });
      const started = performance.now();
      for (let i = 0; i < 1_000; i++) logger.log(event(i));
      expect(performance.now() - started).toBeLessThan(200);
      await logger.close();
      const stats = logger.stats;
      expect(stats.sent).toBe(0);
      expect(stats.dropped + stats.failed).toBe(1_000);
      expect(stats.dropped).toBeGreaterThanOrEqual(890);
      expect(stats.retries).toBeGreaterThan(0);
    } finally {
      await front.close();
    }
  });

  it('logs ground truth by request id and registers endpoints by model name', async () => {
    const logger = client.predictionLogger({ model: 'by-name', version: 'v3', flushOnExit: false });
    for (let i = 0; i < 6; i++)
      logger.log({ features: { x: i }, prediction: i % 2 ? 'yes' : 'no', requestId: `req-${i}` });
    await logger.flush();
    for (let i = 0; i < 6; i++) logger.logLabel(`req-${i}`, 'yes');
    await logger.close();
    expect(logger.stats).toMatchObject({ sent: 6, labelsSent: 6, labelsFailed: 0 });
    const listed = await getJson<{ endpoints: EndpointInfo[] }>(
      `${proxy.url}/api/v1/endpoints?model=by-name`,
    );
    expect(listed.endpoints).toEqual([
      expect.objectContaining({ model: 'by-name', version: 'v3', predictionCount: 6 }),
    ]);
    const metrics = await client.endpointMetrics<{ total: { labeled: number; accuracy: number } }>(
      listed.endpoints[0].id,
      { from: 'now-1h' },
    );
    expect(metrics.total.labeled).toBe(6);
    expect(metrics.total.accuracy).toBeCloseTo(0.5, 12);
  });

  it('sends a batch directly, counting a repeated batch id once', async () => {
    const endpoint = await newEndpoint();
    const events = [0, 1, 2].map(event);
    const first = await client.logPredictions(events, { endpoint: endpoint.id }, 'direct-batch-1');
    const again = await client.logPredictions(events, { endpoint: endpoint.id }, 'direct-batch-1');
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(await predictionCount(endpoint.id)).toBe(3);
  });

  it('registers a reference through the logger and the predictions show up in drift', async () => {
    const endpoint = await client.registerEndpoint({
      model: 'drifting',
      features: [{ name: 'x', kind: 'numeric' }],
    });
    const logger = client.predictionLogger({ endpoint: endpoint.id, flushOnExit: false });
    await logger.registerReference(
      Array.from({ length: 200 }, (_, i) => ({ x: i % 100, prediction: i % 2 })),
    );
    for (let i = 0; i < 100; i++) logger.log({ features: { x: 150 + i }, prediction: 1 });
    await logger.close();
    const report = await client.drift(endpoint.id, { from: 'now-1h', to: 'now' });
    expect(report.window.predictions).toBe(100);
    expect(report.features[0].quality.outOfRangeShare).toBe(1);
    expect(report.overall.status).toBe('DRIFT_DETECTED');
  });

  describe('flush on exit (a real child process)', () => {
    const fixture = path.join(__dirname, 'fixtures', 'logAndExit.ts');

    it('sends the queue when the script simply ends', async () => {
      const endpoint = await newEndpoint();
      const result = await runTypeScript(fixture, ['ends', endpoint.id, '137'], {
        env: { DRIFTWATCH_URL: proxy.url },
      });
      expect(result).toMatchObject({ code: 0 });
      expect(await predictionCount(endpoint.id)).toBe(137);
    });

    it('sends the queue on SIGTERM, then dies of the signal as it would have', async () => {
      const endpoint = await newEndpoint();
      let signalled = false;
      const result = await runTypeScript(fixture, ['waits', endpoint.id, '55'], {
        env: { DRIFTWATCH_URL: proxy.url },
        onOutput: (text, kill) => {
          if (!signalled && text.includes('ready')) {
            signalled = true;
            kill('SIGTERM');
          }
        },
      });
      expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
      expect(await predictionCount(endpoint.id)).toBe(55);
    });
  });
});

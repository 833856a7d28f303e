import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import { DriftwatchClient, monitorBatchPredictions, monitorPredictions, type EndpointInfo } from '../src';
import { getJson, startFrontDoor } from './helpers';

interface Flower {
  sepalLength: number;
  petalLength: number;
}

/** A stand-in model: classifies by petal length, refuses negative input. */
function classify(flower: Flower): string {
  if (flower.petalLength < 0) throw new RangeError('petal length cannot be negative');
  return flower.petalLength < 2.5 ? 'setosa' : 'versicolor';
}

describe('serving helper against a real proxy', () => {
  let proxy: RunningProxy;
  let client: DriftwatchClient;
  let endpoint: EndpointInfo;
  beforeAll(async () => {
    proxy = await startTestProxy();
    client = new DriftwatchClient({ url: proxy.url });
    endpoint = await client.registerEndpoint({
      model: 'iris-rule',
      features: [
        { name: 'sepalLength', kind: 'numeric' },
        { name: 'petalLength', kind: 'numeric' },
      ],
      predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
    });
  });
  afterAll(() => proxy.close());

  const endpointNow = () => getJson<EndpointInfo>(`${proxy.url}/api/v1/endpoints/${endpoint.id}`);

  it('logs inputs, outputs, latency and errors, and passes results and errors through unchanged', async () => {
    const logger = client.predictionLogger({ endpoint: endpoint.id, flushOnExit: false });
    const predict = monitorPredictions(classify, { logger });
    await expect(predict({ sepalLength: 5.1, petalLength: 1.4 }, 'r-1')).resolves.toBe('setosa');
    await expect(predict({ sepalLength: 6.2, petalLength: 4.3 }, 'r-2')).resolves.toBe('versicolor');
    await expect(predict({ sepalLength: 6.0, petalLength: -1 })).rejects.toThrow(RangeError);
    await logger.close();
    expect(logger.stats).toMatchObject({ sent: 3, failed: 0 });
    const after = await endpointNow();
    expect(after.predictionCount).toBe(3);
    expect(after.errorCount).toBe(1);

    const labels = await client.logLabels([
      { requestId: 'r-1', label: 'setosa' },
      { requestId: 'r-2', label: 'virginica' },
    ]);
    expect(labels).toEqual({ accepted: 2, joined: 2, pending: 0, alreadyLabelled: 0 });
    const metrics = await client.endpointMetrics<{
      total: { labeled: number; accuracy: number; latencyMeanMs: number | null };
    }>(endpoint.id);
    expect(metrics.total).toMatchObject({ labeled: 2, accuracy: 0.5 });
  });

  it('never lets logging break the prediction: unreadable features are counted, not thrown', async () => {
    const logger = client.predictionLogger({ endpoint: endpoint.id, flushOnExit: false });
    const shout = monitorPredictions((text: string) => text.toUpperCase(), { logger });
    await expect(shout('hello')).resolves.toBe('HELLO');
    await logger.close();
    expect(logger.stats).toMatchObject({ sent: 0, failed: 1, errors: 1 });
    expect(logger.stats.lastError?.message).toMatch(/pass a `features` function/);
  });

  it('keeps predicting at full speed while the server does not answer', async () => {
    const front = await startFrontDoor(proxy.url, () => 'hang');
    try {
      const logger = new DriftwatchClient({
        url: front.url,
        timeoutMs: 50,
        retry: { attempts: 1 },
      }).predictionLogger({
        endpoint: endpoint.id,
        batchSize: 50,
        maxQueue: 200,
        flushOnExit: false,
      });
      const predict = monitorPredictions(classify, { logger });
      const started = performance.now();
      for (let i = 0; i < 2_000; i++) await predict({ sepalLength: 5, petalLength: i % 5 });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(logger.stats.dropped).toBeGreaterThan(0);
      await logger.close();
      expect(logger.stats.sent).toBe(0);
    } finally {
      await front.close();
    }
  });

  it('logs one event per row for batch predictions, with custom feature and request id extraction', async () => {
    const logger = client.predictionLogger({ endpoint: endpoint.id, flushOnExit: false });
    const before = (await endpointNow()).predictionCount;
    const predictMany = monitorBatchPredictions(
      (rows: Array<{ id: string; values: [number, number] }>) => rows.map((r) => (r.values[1] < 2.5 ? 0 : 1)),
      {
        logger,
        features: (row) => ({ sepalLength: row.values[0], petalLength: row.values[1] }),
        prediction: (output) => (output === 0 ? 'setosa' : 'versicolor'),
        requestId: (row) => row.id,
      },
    );
    const rows = Array.from({ length: 10 }, (_, i) => ({
      id: `batch-${i}`,
      values: [5 + i / 10, i / 2] as [number, number],
    }));
    await expect(predictMany(rows)).resolves.toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    await logger.close();
    expect((await endpointNow()).predictionCount).toBe(before + 10);
    const labels = await client.logLabels([{ requestId: 'batch-9', label: 'versicolor' }]);
    expect(labels.joined).toBe(1);
  });
});

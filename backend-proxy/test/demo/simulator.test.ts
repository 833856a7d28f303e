import { gaussianNaiveBayes, kNearestNeighbours, nearestCentroid } from '../../src/demo/classifiers';
import { irisRows } from '../../src/demo/iris';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator } from '../../src/demo/simulator';
import { createLogger } from '../../src/logger';
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

describe('demo classifiers', () => {
  const rows = irisRows();
  const training = rows.filter((_, i) => i % 3 !== 0);
  const testing = rows.filter((_, i) => i % 3 === 0);
  it.each([nearestCentroid, kNearestNeighbours, gaussianNaiveBayes])(
    '%p classifies held-out iris rows well',
    (train) => {
      const model = train(training);
      const accuracy = testing.filter((r) => model.predict(r.features) === r.species).length / testing.length;
      expect(rows).toHaveLength(150);
      expect(accuracy).toBeGreaterThan(0.85);
    },
  );
});

describe('demo simulator against a real proxy', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(() => proxy.close());

  it('registers three models, backfills traffic with injected drift and late labels', async () => {
    const simulator = new Simulator(
      {
        ...DEFAULT_SIMULATOR_OPTIONS,
        url: proxy.url,
        backfillMs: 20 * 60_000,
        ratePerSecond: 1,
        durationMs: 1_500,
        tickMs: 500,
      },
      createLogger('silent'),
    );
    await simulator.setUp();
    await simulator.run();
    const { items } = await proxy.services.endpoints.list({ projects: ['demo'] }, { offset: 0, limit: 10 });
    expect(items.map((e) => e.model)).toEqual(['iris-bayes', 'iris-centroid', 'iris-knn']);
    const total = items.reduce((sum, e) => sum + e.predictionCount, 0);
    expect(total).toBe(simulator.predictionsSent);
    // About 1/s per model for 20 minutes.
    expect(total).toBeGreaterThan(3 * 1_000);
    expect(items.every((e) => e.referenceVersion === 1)).toBe(true);

    await proxy.services.evaluator.evaluateAll();
    const evaluated = await proxy.services.endpoints.list({ projects: ['demo'] }, { offset: 0, limit: 10 });
    const status = Object.fromEntries(evaluated.items.map((e) => [e.model, e.driftStatus]));
    expect(status).toEqual({
      'iris-centroid': 'NO_DRIFT',
      'iris-knn': 'DRIFT_DETECTED',
      'iris-bayes': 'POSSIBLE_DRIFT',
    });
    const centroid = evaluated.items.find((e) => e.model === 'iris-centroid');
    // Late labels joined: the healthy model is accurate on its own traffic.
    expect(centroid?.accuracy).toBeGreaterThan(0.8);
    const experiments = await proxy.services.experiments.list(['demo']);
    // Three training runs and one tracked with the profiling provider.
    expect(experiments.map((e) => [e.name, e.runCount])).toEqual([['iris/training', 4]]);

    // The Experiments dashboard's two profiling panels (its targets, through the Grafana API) have data.
    const range = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() };
    const target = 'project=demo;experiment=iris/training;target_endpoint=';
    const table = await call<Array<{ columns: Array<{ text: string }>; rows: unknown[][] }>>(
      proxy.url,
      'POST',
      '/grafana/query',
      { body: { range, targets: [{ refId: 'A', target: `${target}profiling` }] } },
    );
    expect(table.status).toBe(200);
    const columns = table.body[0].columns.map((c) => c.text);
    const rows = table.body[0].rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
    expect(rows.map((r) => r.stat).sort()).toEqual([
      'cpu_count',
      'cpu_percent',
      'memory_load',
      'process_cpu_percent',
      'process_rss',
    ]);
    // Ten minutes of samples, one every 30 s, all in run 4.
    for (const r of rows)
      expect({ stat: r.stat, run: r.run, count: r.count }).toEqual({ stat: r.stat, run: 4, count: 20 });
    const cpu = rows.find((r) => r.stat === 'cpu_percent') as Record<string, number>;
    expect(cpu.min).toBeGreaterThanOrEqual(5);
    expect(cpu.max).toBeLessThanOrEqual(95);
    const series = await call<Array<{ target: string; datapoints: Array<[number, number]> }>>(
      proxy.url,
      'POST',
      '/grafana/query',
      { body: { range, targets: [{ refId: 'B', target: `${target}profiling_series` }] } },
    );
    expect(series.status).toBe(200);
    expect(series.body).toHaveLength(5);
    for (const s of series.body) expect(s.datapoints).toHaveLength(20);

    // Every model declares the region segments; regions take turns, so each holds a third of the traffic.
    for (const e of items) {
      const segments = await call<{
        segments: Array<{ key: string; values: string[]; overflowPredictions: number }>;
      }>(proxy.url, 'GET', `/api/v1/endpoints/${e.id}/segments`);
      expect(segments.body.segments.map((k) => ({ ...k, values: [...k.values].sort() }))).toEqual([
        expect.objectContaining({ key: 'region', values: ['apac', 'eu', 'us'], overflowPredictions: 0 }),
      ]);
    }
    const ranking = await call<{ segments: Array<{ segment: string; n: number }> }>(
      proxy.url,
      'GET',
      `/api/v1/endpoints/${items[0].id}/segments/drift?from=${range.from}&to=${new Date(Date.now() + 60_000).toISOString()}&limit=10`,
    );
    const counts = ranking.body.segments.map((r) => r.n);
    expect(ranking.body.segments.map((r) => r.segment).sort()).toEqual(['apac', 'eu', 'us']);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(items[0].predictionCount);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(items[0].predictionCount / 10);
  });
});

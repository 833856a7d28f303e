import { gaussianNaiveBayes, kNearestNeighbours, nearestCentroid } from '../../src/demo/classifiers';
import { irisRows } from '../../src/demo/iris';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator } from '../../src/demo/simulator';
import { createLogger } from '../../src/logger';
import type { RunningProxy } from '../../src/server';
import { startTestProxy } from '../helpers/proxy';

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
    expect(experiments.map((e) => [e.name, e.runCount])).toEqual([['iris/training', 3]]);
  });
});

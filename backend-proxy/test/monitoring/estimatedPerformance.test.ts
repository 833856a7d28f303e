/**
 * Estimated performance over real HTTP: a reference with scores and labels calibrates the score;
 * a production window's scores give the estimate, its joined labels the realized accuracy beside it.
 */
import type { RunningProxy } from '../../src/server';
import { calibrateBins } from '../../src/monitoring/performance/calibration';
import { estimateAccuracy } from '../../src/monitoring/performance/estimateBand';
import { correctnessByBin, positiveShareOfBins } from '../../src/monitoring/performance/scoreBins';
import { queryBody } from '../grafana/fixture';
import { call, startTestProxy } from '../helpers/proxy';

const MINUTE = 60_000;
/** Score value -> positives per 10 rows: P(label = yes | score) fixed in reference and production. */
const RATES: Array<[number, number]> = [
  [0.1, 1],
  [0.3, 3],
  [0.7, 7],
  [0.9, 9],
];
const rows = (perScore: number) =>
  RATES.flatMap(([score, positives]) =>
    Array.from({ length: perScore }, (_, i) => ({
      x: score,
      class: score >= 0.5 ? 'yes' : 'no',
      score,
      label: i % 10 < positives ? 'yes' : 'no',
    })),
  );

interface ScoreLabels {
  column: string;
  totals: number[];
  agreeing: number[];
  labels: Array<{ value: string; counts: number[] }>;
}
interface Report {
  task: string;
  scoreColumn: string;
  positiveClass: string;
  predictions: number;
  estimated: {
    accuracy: { estimate: number; lower: number; upper: number };
    precision: number;
    recall: number;
  };
  realized: { labeled: number; accuracy: number } | null;
  gap: number | null;
  reliable: boolean;
  reasons: string[];
  error?: string;
}

describe('GET /api/v1/endpoints/:id/estimated-performance', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;
  let scoreLabels: ScoreLabels;
  let edges: number[];
  const t0 = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
  const estimate = (query: string) =>
    call<Report>(url, 'GET', `/api/v1/endpoints/${id}/estimated-performance?${query}`);
  const send = (events: ReturnType<typeof rows>, at: number, withLabels: boolean) =>
    call(url, 'POST', '/api/v1/predictions', {
      body: events.map((e, i) => ({
        endpoint: id,
        timestamp: at + i,
        features: { x: e.x },
        prediction: { class: e.class, score: e.score },
        ...(withLabels ? { label: e.label } : {}),
      })),
    });

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'shop',
        model: 'scored',
        features: [{ name: 'x', kind: 'numeric' }],
        predictionColumns: [
          { name: 'class', kind: 'categorical' },
          { name: 'score', kind: 'numeric' },
        ],
        labelColumns: ['label'],
      },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    const reference = await call<{
      statistics: { scoreLabels: ScoreLabels[]; predictions: Array<{ name: string; edges?: number[] }> };
    }>(url, 'PUT', `/api/v1/endpoints/${id}/reference`, { body: { rows: rows(500) } });
    expect(reference.status).toBe(201);
    [scoreLabels] = reference.body.statistics.scoreLabels;
    edges = reference.body.statistics.predictions.find((p) => p.name === 'score')?.edges ?? [];
    expect((await send(rows(20), t0, true)).status).toBe(201);
    expect((await send([{ x: 2, class: 'yes', score: 2, label: 'yes' }], t0 + MINUTE, false)).status).toBe(
      201,
    );
  });
  afterAll(() => proxy.close());

  it('counts the reference score per bin jointly with the label', () => {
    expect(scoreLabels.column).toBe('score');
    expect(scoreLabels.totals.filter((n) => n > 0)).toEqual([500, 500, 500, 500]);
    const positives = scoreLabels.labels.find((l) => l.value === 'yes')?.counts ?? [];
    expect(positives.filter((_, b) => scoreLabels.totals[b] > 0)).toEqual([50, 150, 350, 450]);
    // class = score >= 0.5 agrees with the label 450, 350, 350, 450 times.
    expect(scoreLabels.agreeing.filter((_, b) => scoreLabels.totals[b] > 0)).toEqual([450, 350, 350, 450]);
  });

  it('estimates accuracy from the window’s scores, beside the realized accuracy of its labels', async () => {
    const reply = await estimate(`from=${t0}&to=${t0 + MINUTE}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      task: 'binary',
      scoreColumn: 'score',
      positiveClass: 'yes',
      predictions: 80,
    });
    // Expected from the numpy-checked functions on the reference's counts and the window's 20 per score.
    const window = scoreLabels.totals.map((n) => (n > 0 ? 20 : 0));
    const positives = scoreLabels.labels.find((l) => l.value === 'yes')?.counts ?? [];
    const p = calibrateBins(scoreLabels.totals, positives);
    const expected = estimateAccuracy(
      window,
      correctnessByBin(p, positiveShareOfBins(edges, 0.5)),
      scoreLabels.totals,
    );
    expect(reply.body.estimated.accuracy.estimate).toBeCloseTo(expected?.estimate ?? NaN, 12);
    expect(reply.body.estimated.accuracy.lower).toBeCloseTo(expected?.lower ?? NaN, 12);
    // Realized: 18 + 14 + 14 + 18 of 80 right; the estimate is near it and its band holds it.
    expect(reply.body.realized).toEqual({ labeled: 80, accuracy: 0.8 });
    expect(Math.abs(reply.body.estimated.accuracy.estimate - 0.8)).toBeLessThan(0.01);
    expect(reply.body.estimated.accuracy.lower).toBeLessThan(0.8);
    expect(reply.body.estimated.accuracy.upper).toBeGreaterThan(0.8);
    expect(reply.body.gap).toBeCloseTo(0.8 - reply.body.estimated.accuracy.estimate, 12);
    expect(reply.body.reliable).toBe(true);
    expect(reply.body.reasons).toEqual([]);
  });

  it('gives Grafana the same figures per step as series (estimated, band, realized, gap)', async () => {
    const api = (await estimate(`from=${t0}&to=${t0 + MINUTE}`)).body;
    const reply = await call<Array<{ target: string; datapoints: Array<[number | null, number]> }>>(
      url,
      'POST',
      '/grafana/query',
      {
        body: queryBody(t0, t0 + 2 * MINUTE, [
          { refId: 'A', target: `endpoint_id=${id};target_endpoint=estimated_accuracy;step=1m` },
        ]),
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.map((s) => s.target)).toEqual(
      ['estimated', 'lower', 'upper', 'realized', 'gap'].map((n) => `scored:latest ${n}`),
    );
    const first = reply.body.map((s) => s.datapoints[0]);
    expect(first).toEqual([
      [api.estimated.accuracy.estimate, t0],
      [api.estimated.accuracy.lower, t0],
      [api.estimated.accuracy.upper, t0],
      [0.8, t0],
      [api.gap, t0],
    ]);
    // The second minute: one score, no labels.
    expect(reply.body[3].datapoints[1]).toEqual([null, t0 + MINUTE]);
  });

  it('says the estimate is unreliable when scores fall outside the reference range', async () => {
    const reply = await estimate(`from=${t0 + MINUTE}&to=${t0 + 2 * MINUTE}`);
    expect(reply.status).toBe(200);
    expect(reply.body.predictions).toBe(1);
    expect(reply.body.realized).toEqual({ labeled: 0, accuracy: null });
    expect(reply.body.gap).toBeNull();
    expect(reply.body.reliable).toBe(false);
    expect(reply.body.reasons).toEqual(['scores outside the reference range: 100.0% of the window']);
  });

  it('takes the score, not a numeric predicted class, as the default score column', async () => {
    // Classes 0/1/2 predicted as a number in the first column, the top-class probability beside it.
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'shop',
        model: 'numeric-class',
        features: [{ name: 'x', kind: 'numeric' }],
        predictionColumns: [
          { name: 'class', kind: 'numeric' },
          { name: 'probability', kind: 'numeric' },
        ],
        labelColumns: ['label'],
      },
    });
    const numericId = created.body.id;
    const reference = Array.from({ length: 300 }, (_, i) => ({
      x: i,
      class: i % 3,
      probability: 0.5 + (i % 5) / 10,
      label: i % 4 === 0 ? (i + 1) % 3 : i % 3,
    }));
    const registered = await call(url, 'PUT', `/api/v1/endpoints/${numericId}/reference`, {
      body: { rows: reference },
    });
    expect(registered.status).toBe(201);
    const reply = await call<Report>(url, 'GET', `/api/v1/endpoints/${numericId}/estimated-performance`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ task: 'multiclass', scoreColumn: 'probability' });
  });

  it('refuses bad input with a 4xx and a message', async () => {
    expect((await estimate('score=nope')).status).toBe(400);
    expect((await estimate('positive=maybe')).status).toBe(400);
    expect((await estimate('threshold=abc')).status).toBe(400);
    const plain = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'shop', model: 'plain', features: [{ name: 'x', kind: 'numeric' }] },
    });
    const refused = await call<{ error: string }>(
      url,
      'GET',
      `/api/v1/endpoints/${plain.body.id}/estimated-performance`,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/reference/);
  });
});

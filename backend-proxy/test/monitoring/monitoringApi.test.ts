import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';
import { hellinger, tvd, xBin } from '../helpers/histogramMath';

interface Endpoint {
  id: string;
  predictionCount: number;
  errorCount: number;
  features: Array<{ name: string; kind: string }>;
  referenceVersion: number;
  firstRequest: string | null;
  lastRequest: string | null;
}
interface ColumnDrift {
  name: string;
  histograms: { expected: number[]; actual: number[] };
  measures: Record<string, { value: number; method: { metric: string; bins: string; epsilon?: number } }>;
  expected: { min: number | null; max: number | null; mean: number | null };
  actual: { min: number | null; max: number | null; mean: number | null; count: number; missing: number };
  quality: { missingShare: number | null; outOfRangeShare: number | null };
  n: { production: number; reference: number };
  decision?: { status: string; test: string | null; pValue: number | null; threshold: number };
}
interface DriftReport {
  window: { predictions: number };
  features: ColumnDrift[];
  predictions: ColumnDrift[];
  overall: {
    tvdMean: number;
    hellingerMean: number;
    kldMean: number;
    status: string;
    driftedShare: number;
    policy: string;
    n: { production: number; reference: number; minSample: number };
    explanation: {
      reason: string;
      measure: string;
      value: number | null;
      threshold: { possibleDrift: number };
    };
  };
  reason?: string;
}

describe('model monitoring over HTTP', () => {
  let proxy: RunningProxy;
  let url: string;
  let endpoint: Endpoint;
  const minute = 60_000;
  const t0 = Math.floor(Date.now() / minute) * minute - 10 * minute;

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    const created = await call<Endpoint>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'shop',
        model: 'churn',
        version: 'v1',
        modelClass: 'sklearn.LogisticRegression',
        labels: { team: 'growth' },
        features: [
          { name: 'x', kind: 'numeric' },
          { name: 'c', kind: 'categorical' },
        ],
        predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
        labelColumns: ['label'],
      },
    });
    expect(created.status).toBe(201);
    endpoint = created.body;
    const rows = Array.from({ length: 100 }, (_, i) => ({
      x: i,
      c: i < 50 ? 'a' : i < 80 ? 'b' : 'c',
      prediction: i % 2 ? 'yes' : 'no',
      label: i % 2 ? 'yes' : 'no',
    }));
    const reference = await call<{
      version: number;
      statistics: {
        features: Array<{ name: string; counts: number[]; edges?: number[]; categories?: string[] }>;
      };
    }>(url, 'PUT', `/api/v1/endpoints/${endpoint.id}/reference`, { body: { rows } });
    expect(reference.status).toBe(201);
    expect(reference.body.version).toBe(1);
    const [x, c] = reference.body.statistics.features;
    expect(x.counts).toEqual([0, ...new Array(20).fill(5), 0]);
    expect(x.edges?.[0]).toBe(0);
    expect(x.edges?.[20]).toBe(99);
    expect(c.categories).toEqual(['a', 'b', 'c']);
    expect(c.counts).toEqual([50, 30, 20, 0]);
  });
  afterAll(() => proxy.close());

  const xs = [0, 1, 2, 3, 4, 50, 99, -5, 120, null];
  const cs = ['a', 'a', 'b', 'z', 'a', 'c', null, 'b', 'a', 'a'];
  const batch = (offset: number) =>
    xs.map((x, i) => ({
      endpoint: endpoint.id,
      timestamp: t0 + offset + i * 1_000,
      features: { x, c: cs[i] },
      prediction: i % 3 ? 'yes' : 'no',
      latencyMs: 10 + i,
      error: i === 9 ? 'timeout' : null,
      requestId: `r-${offset}-${i}`,
    }));

  it('ingests a batch, folds it into counts and histograms, and is idempotent on retry', async () => {
    const first = await call<{ predictions: number; duplicate: boolean }>(
      url,
      'POST',
      '/api/v1/predictions',
      {
        body: { batchId: 'batch-1', events: batch(0) },
      },
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ predictions: 10, duplicate: false });
    const retry = await call<{ predictions: number; duplicate: boolean }>(
      url,
      'POST',
      '/api/v1/predictions',
      {
        body: { batchId: 'batch-1', events: batch(0) },
      },
    );
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ predictions: 10, duplicate: true });
    const viaHeader = await call(url, 'POST', '/api/v1/predictions', {
      body: batch(minute),
      headers: { 'idempotency-key': 'batch-2' },
    });
    expect(viaHeader.status).toBe(201);
    expect(
      (
        await call(url, 'POST', '/api/v1/predictions', {
          body: batch(minute),
          headers: { 'idempotency-key': 'batch-2' },
        })
      ).status,
    ).toBe(200);

    const after = await call<Endpoint>(url, 'GET', `/api/v1/endpoints/${endpoint.id}`);
    expect(after.body.predictionCount).toBe(20);
    expect(after.body.errorCount).toBe(2);
    expect(new Date(after.body.firstRequest as string).getTime()).toBe(t0);
    expect(new Date(after.body.lastRequest as string).getTime()).toBe(t0 + minute + 9_000);
  });

  it('computes drift exactly from the aggregates', async () => {
    const report = await call<DriftReport>(
      url,
      'GET',
      `/api/v1/endpoints/${endpoint.id}/drift?from=${t0}&to=${t0 + 5 * minute}`,
    );
    expect(report.status).toBe(200);
    expect(report.body.window.predictions).toBe(20);
    const [x, c] = report.body.features;
    const expectedX = new Array(22).fill(0);
    for (const v of xs) if (v !== null) expectedX[xBin(v)] += 2;
    expect(x.histograms.actual).toEqual(expectedX);
    expect(x.histograms.expected).toEqual([0, ...new Array(20).fill(5), 0]);
    expect(x.actual).toMatchObject({ count: 18, missing: 2, min: -5, max: 120 });
    expect(x.actual.mean).toBeCloseTo((0 + 1 + 2 + 3 + 4 + 50 + 99 - 5 + 120) / 9, 12);
    expect(x.expected).toMatchObject({ min: 0, max: 99, mean: 49.5 });
    expect(x.quality.missingShare).toBeCloseTo(2 / 20, 12);
    expect(x.quality.outOfRangeShare).toBeCloseTo(4 / 18, 12);
    expect(x.measures.tvd.value).toBeCloseTo(tvd(x.histograms.expected, expectedX), 12);
    expect(x.measures.hellinger.value).toBeCloseTo(hellinger(x.histograms.expected, expectedX), 12);
    expect(x.measures.tvd.method.bins).toMatch(/20 equal-width bins/);
    expect(x.measures.kld.method.epsilon).toBe(1e-4);

    // c: a,a,b,z,a,c,(missing),b,a,a twice -> a 10, b 4, c 2, other 2
    expect(c.histograms.actual).toEqual([10, 4, 2, 2]);
    expect(c.measures.tvd.value).toBeCloseTo(tvd([50, 30, 20, 0], [10, 4, 2, 2]), 12);
    expect(c.measures.hellinger.value).toBeCloseTo(hellinger([50, 30, 20, 0], [10, 4, 2, 2]), 12);
    // Present; its value is checked against scipy in the drift math tests.
    expect(c.measures.chi2).toBeDefined();
    expect(c.quality.outOfRangeShare).toBeCloseTo(2 / 18, 12);

    const tvdMean = (x.measures.tvd.value + c.measures.tvd.value) / 2;
    const hellingerMean = (x.measures.hellinger.value + c.measures.hellinger.value) / 2;
    expect(report.body.overall.tvdMean).toBeCloseTo(tvdMean, 12);
    expect(report.body.overall.hellingerMean).toBeCloseTo(hellingerMean, 12);
    const score = (tvdMean + hellingerMean) / 2;
    // The same, from figures computed by hand: TVD mean 0.5083, Hellinger mean 0.5417, score 0.525.
    expect(score).toBeCloseTo(0.525, 3);

    // 20 predictions are fewer than the default policy's minimum sample (100): no drift status,
    // though MLRun's score would say POSSIBLE_DRIFT.
    expect(report.body.overall).toMatchObject({
      status: 'INSUFFICIENT_DATA',
      policy: 'default',
      n: { production: 20, reference: 100, minSample: 100 },
      explanation: { reason: 'insufficient data: 20 predictions in the window, minimum 100' },
    });
    expect(x.n).toEqual({ production: 18, reference: 100 });
    expect(c.n).toEqual({ production: 18, reference: 100 });
    expect(x.decision).toMatchObject({ status: 'INSUFFICIENT_DATA', threshold: 100 });

    const drift = () =>
      call<DriftReport>(
        url,
        'GET',
        `/api/v1/endpoints/${endpoint.id}/drift?from=${t0}&to=${t0 + 5 * minute}`,
      );
    // The project chooses MLRun's rule without a minimum: MLRun's status, explained by its score.
    const project = await call(url, 'PUT', '/api/v1/projects/shop/settings', {
      body: { thresholds: { policy: 'mlrun', minSample: 1 } },
    });
    expect(project.status).toBe(200);
    const mlrun = await drift();
    expect(mlrun.body.overall).toMatchObject({ status: 'POSSIBLE_DRIFT', policy: 'mlrun' });
    expect(mlrun.body.overall.explanation).toMatchObject({
      measure: 'mlrun_score',
      threshold: { possibleDrift: 0.5 },
    });
    expect(mlrun.body.overall.explanation.value).toBeCloseTo(score, 12);

    // The endpoint's own settings override the project's field by field: the default policy with
    // the project's minimum sample of 1 decides per feature with a test, an effect size and n.
    const reRegistered = await call(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'shop',
        model: 'churn',
        version: 'v1',
        thresholds: { policy: 'default' },
      },
    });
    expect(reRegistered.status).toBe(200);
    const own = await drift();
    expect(own.body.overall.policy).toBe('default');
    expect(own.body.overall.n.minSample).toBe(1);
    for (const f of own.body.features) {
      expect(f.decision).toMatchObject({ test: f.name === 'x' ? 'ks' : 'chi2', n: f.n, alpha: 0.01 });
      expect(f.decision?.pValue).toEqual(expect.any(Number));
    }
    const invalid = await call(url, 'PUT', '/api/v1/projects/shop/settings', {
      body: { thresholds: { policy: 'evidently' } },
    });
    expect(invalid.status).toBe(400);
    await call(url, 'PUT', '/api/v1/projects/shop/settings', { body: { thresholds: null } });
    await call(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'shop', model: 'churn', version: 'v1', thresholds: null },
    });

    // The prediction column drifts too: no/yes over the reference's 50/50.
    expect(report.body.predictions[0].histograms.actual).toEqual([8, 12, 0]);
  });

  it('serves windows: counts per step, latency and error rate', async () => {
    const metrics = await call<{
      stepMs: number;
      points: Array<{
        time: number;
        predictions: number;
        errors: number;
        latencyMeanMs: number;
        latencyP50Ms: number;
        predictionsPerSecond: number;
      }>;
      total: { predictions: number; errors: number; errorRate: number };
    }>(url, 'GET', `/api/v1/endpoints/${endpoint.id}/metrics?from=${t0}&to=${t0 + 3 * minute}&step=1m`);
    expect(metrics.status).toBe(200);
    expect(metrics.body.stepMs).toBe(minute);
    expect(metrics.body.points.map((p) => [p.time, p.predictions, p.errors])).toEqual([
      [t0, 10, 1],
      [t0 + minute, 10, 1],
      [t0 + 2 * minute, 0, 0],
    ]);
    expect(metrics.body.points[0].latencyMeanMs).toBeCloseTo(14.5, 9);
    expect(metrics.body.points[0].predictionsPerSecond).toBeCloseTo(10 / 60, 12);
    expect(metrics.body.points[0].latencyP50Ms).toBeGreaterThanOrEqual(12.5);
    expect(metrics.body.points[0].latencyP50Ms).toBeLessThanOrEqual(16);
    expect(metrics.body.total).toMatchObject({ predictions: 20, errors: 2, errorRate: 0.1 });
  });

  it('joins labels that arrive after and before their prediction, once each', async () => {
    // After: labels for the first batch (predictions were i % 3 ? yes : no).
    const after = await call<{ joined: number; pending: number }>(url, 'POST', '/api/v1/labels', {
      body: xs.map((_, i) => ({ requestId: `r-0-${i}`, label: 'yes' })),
    });
    expect(after.body).toEqual({ accepted: 10, joined: 10, pending: 0, alreadyLabelled: 0 });
    // Before: labels for predictions that come later.
    const before = await call<{ joined: number; pending: number }>(url, 'POST', '/api/v1/labels', {
      body: {
        labels: [
          { requestId: 'late-1', label: 'no' },
          { requestId: 'late-2', label: 'no' },
        ],
      },
    });
    expect(before.body).toEqual({ accepted: 2, joined: 0, pending: 2, alreadyLabelled: 0 });
    await call(url, 'POST', '/api/v1/predictions', {
      body: [
        {
          endpoint: endpoint.id,
          timestamp: t0 + 2 * minute,
          features: { x: 1, c: 'a' },
          prediction: 'no',
          requestId: 'late-1',
        },
        {
          endpoint: endpoint.id,
          timestamp: t0 + 2 * minute,
          features: { x: 2, c: 'a' },
          prediction: 'yes',
          requestId: 'late-2',
        },
      ],
    });
    const metrics = await call<{ total: { labeled: number; accuracy: number } }>(
      url,
      'GET',
      `/api/v1/endpoints/${endpoint.id}/metrics?from=${t0}&to=${t0 + 3 * minute}`,
    );
    // First batch: 6 of 10 predicted yes; late ones: 1 of 2 right.
    expect(metrics.body.total.labeled).toBe(12);
    expect(metrics.body.total.accuracy).toBeCloseTo(7 / 12, 12);
    // Confusion: actual yes -> 6 yes, 4 no; actual no -> 1 no, 1 yes.
    const accuracy = await call<{
      task: string;
      accuracy: number;
      classes: Array<{ label: string; precision: number; recall: number; support: number }>;
    }>(url, 'GET', `/api/v1/endpoints/${endpoint.id}/accuracy?from=${t0}&to=${t0 + 3 * minute}`);
    expect(accuracy.body.task).toBe('classification');
    expect(accuracy.body.accuracy).toBeCloseTo(7 / 12, 12);
    const byLabel = Object.fromEntries(accuracy.body.classes.map((c) => [c.label, c]));
    expect(byLabel.yes).toMatchObject({ support: 10 });
    expect(byLabel.yes.precision).toBeCloseTo(6 / 7, 12);
    expect(byLabel.yes.recall).toBeCloseTo(6 / 10, 12);
    expect(byLabel.no.precision).toBeCloseTo(1 / 5, 12);
    expect(byLabel.no.recall).toBeCloseTo(1 / 2, 12);

    // A retried label post (the SDKs retry on network errors) and a label for a prediction that
    // came with its own label change nothing.
    await call(url, 'POST', '/api/v1/predictions', {
      body: [
        {
          endpoint: endpoint.id,
          timestamp: t0 + 2 * minute,
          features: { x: 3, c: 'a' },
          prediction: 'no',
          label: 'no',
          requestId: 'inline-1',
        },
      ],
    });
    const labelledAfterInline = (
      await call<{ total: { labeled: number } }>(
        url,
        'GET',
        `/api/v1/endpoints/${endpoint.id}/metrics?from=${t0}&to=${t0 + 3 * minute}`,
      )
    ).body.total.labeled;
    expect(labelledAfterInline).toBe(13);
    const retried = await call(url, 'POST', '/api/v1/labels', {
      body: [
        ...xs.map((_, i) => ({ requestId: `r-0-${i}`, label: 'no' })),
        { requestId: 'late-1', label: 'yes' },
        { requestId: 'inline-1', label: 'yes' },
      ],
    });
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual({ accepted: 12, joined: 0, pending: 0, alreadyLabelled: 12 });
    const unchanged = await call<{ total: { labeled: number; accuracy: number } }>(
      url,
      'GET',
      `/api/v1/endpoints/${endpoint.id}/metrics?from=${t0}&to=${t0 + 3 * minute}`,
    );
    expect(unchanged.body.total.labeled).toBe(13);
    expect(unchanged.body.total.accuracy).toBeCloseTo(8 / 13, 12);
  });

  it('rejects a batch with one bad event whole, naming it, and changes nothing', async () => {
    const before = (await call<Endpoint>(url, 'GET', `/api/v1/endpoints/${endpoint.id}`)).body
      .predictionCount;
    const bad = batch(3 * minute);
    bad[4] = { ...bad[4], features: { x: 'forty', c: 'a' } } as unknown as (typeof bad)[number];
    const reply = await call<{ error: string }>(url, 'POST', '/api/v1/predictions', {
      body: { events: bad },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('event 4: feature "x" is numeric but got "forty"');
    const unknownFeature = await call<{ error: string }>(url, 'POST', '/api/v1/predictions', {
      body: [{ endpoint: endpoint.id, features: { x: 1, c: 'a', extra: 3 } }],
    });
    expect(unknownFeature.status).toBe(400);
    expect(unknownFeature.body.error).toBe('event 0: unknown feature "extra"');
    const nan = await call<{ error: string; details: Array<{ path: string }> }>(
      url,
      'POST',
      '/api/v1/predictions',
      {
        rawBody: `[{"endpoint":"${endpoint.id}","features":{"x":NaN}}]`,
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(nan.status).toBe(400);
    const missingEndpoint = await call<{ error: string }>(url, 'POST', '/api/v1/predictions', {
      body: [{ endpoint: 'f'.repeat(40), features: [1] }],
    });
    expect(missingEndpoint.status).toBe(404);
    const shape = await call<{ error: string; details: Array<{ path: string }> }>(
      url,
      'POST',
      '/api/v1/predictions',
      {
        body: [
          { model: 'm', features: { a: 1 } },
          { model: 'm', features: { a: { $gt: 1 } } },
        ],
      },
    );
    expect(shape.status).toBe(400);
    expect(shape.body.error).toBe('event 1 is invalid');
    expect(shape.body.details[0].path).toMatch(/^events\.1\.features/);
    const after = await call<Endpoint>(url, 'GET', `/api/v1/endpoints/${endpoint.id}`);
    expect(after.body.predictionCount).toBe(before);
    const list = await call<{ total: number }>(url, 'GET', '/api/v1/endpoints?project=default');
    expect(list.body.total).toBe(0);
  });

  it('registers endpoints implicitly from MLRun serving events, one prediction per input row', async () => {
    const reply = await call<{ predictions: number; registered: string[] }>(
      url,
      'POST',
      '/api/v1/predictions',
      {
        body: {
          project: 'serving',
          events: [
            {
              model: 'iris:v2',
              class: 'ClassifierModel',
              function_uri: 'serving/iris-server:latest',
              when: new Date(t0).toISOString(),
              microsec: 2500,
              request: {
                id: 'req-1',
                inputs: [
                  [5.1, 3.5, 1.4, 0.2],
                  [6.2, 2.9, 4.3, 1.3],
                ],
              },
              resp: { outputs: [0, 1] },
              error: null,
            },
          ],
        },
      },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.predictions).toBe(2);
    expect(reply.body.registered).toHaveLength(1);
    const listed = await call<{
      endpoints: Array<Endpoint & { model: string; version: string; function: string; modelClass: string }>;
    }>(url, 'GET', '/api/v1/endpoints?project=serving');
    expect(listed.body.endpoints).toHaveLength(1);
    expect(listed.body.endpoints[0]).toMatchObject({
      model: 'iris',
      version: 'v2',
      function: 'iris-server',
      modelClass: 'ClassifierModel',
      predictionCount: 2,
      features: [
        { name: 'f0', kind: 'numeric' },
        { name: 'f1', kind: 'numeric' },
        { name: 'f2', kind: 'numeric' },
        { name: 'f3', kind: 'numeric' },
      ],
    });
  });

  it('learns features of an endpoint registered without them only from a committed batch, and resolves one endpoint named two ways once', async () => {
    const bare = await call<Endpoint & { features: unknown[] }>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'learn', model: 'bare' },
    });
    expect(bare.status).toBe(201);
    // Rejected (its second event names a missing endpoint): the first event's features are not learned.
    const rejected = await call(url, 'POST', '/api/v1/predictions', {
      body: [
        { endpoint: bare.body.id, features: { a: 1, b: 2 } },
        { endpoint: 'e'.repeat(40), features: [1] },
      ],
    });
    expect(rejected.status).toBe(404);
    expect(
      (await call<{ features: unknown[] }>(url, 'GET', `/api/v1/endpoints/${bare.body.id}`)).body.features,
    ).toEqual([]);
    // By id and by model (with and without the default version): one endpoint, registered by none, all counted.
    const accepted = await call<{ registered: string[]; endpoints: string[] }>(
      url,
      'POST',
      '/api/v1/predictions',
      {
        body: {
          project: 'learn',
          events: [
            { endpoint: bare.body.id, features: { a: 1, b: 2 } },
            { model: 'bare', features: { a: 3, b: 4 } },
            { model: 'bare', version: 'latest', features: { a: 5, b: 6 } },
          ],
        },
      },
    );
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ registered: [], endpoints: [bare.body.id] });
    const learned = await call<{ features: unknown[]; predictionCount: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${bare.body.id}`,
    );
    expect(learned.body.features).toEqual([
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'numeric' },
    ]);
    expect(learned.body.predictionCount).toBe(3);
    // Two spellings of one new model in one batch register it once.
    const fresh = await call<{ registered: string[] }>(url, 'POST', '/api/v1/predictions', {
      body: {
        project: 'learn',
        events: [
          { model: 'fresh', features: [1] },
          { model: 'fresh', version: 'latest', features: [2] },
        ],
      },
    });
    expect(fresh.body.registered).toHaveLength(1);
    const freshEndpoint = await call<{ predictionCount: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${fresh.body.registered[0]}`,
    );
    expect(freshEndpoint.body.predictionCount).toBe(2);
  });

  it('lists endpoints with filters and paging', async () => {
    for (let i = 0; i < 5; i++) {
      await call(url, 'POST', '/api/v1/endpoints', {
        body: { project: 'bulk', model: `m${i}`, labels: { tier: i % 2 ? 'gold' : 'free' } },
      });
    }
    const page = await call<{ endpoints: Array<{ model: string }>; total: number }>(
      url,
      'GET',
      '/api/v1/endpoints?project=bulk&limit=2&offset=2',
    );
    expect(page.body.total).toBe(5);
    expect(page.body.endpoints.map((e) => e.model)).toEqual(['m2', 'm3']);
    const gold = await call<{ endpoints: Array<{ model: string }> }>(
      url,
      'GET',
      '/api/v1/endpoints?project=bulk&label=tier=gold',
    );
    expect(gold.body.endpoints.map((e) => e.model)).toEqual(['m1', 'm3']);
    const team = await call<{ endpoints: Array<{ model: string }> }>(
      url,
      'GET',
      '/api/v1/endpoints?label=team:growth',
    );
    expect(team.body.endpoints.map((e) => e.model)).toEqual(['churn']);
    expect((await call(url, 'GET', '/api/v1/endpoints?label[$ne]=x')).status).toBe(400);
  });

  it('reports unknown drift before a reference and keeps replaced references as versions', async () => {
    const fresh = await call<Endpoint>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'shop', model: 'fresh', features: [{ name: 'a', kind: 'numeric' }] },
    });
    await call(url, 'POST', '/api/v1/predictions', {
      body: [{ endpoint: fresh.body.id, timestamp: t0, features: { a: 1 }, prediction: 1 }],
    });
    const unknown = await call<DriftReport>(
      url,
      'GET',
      `/api/v1/endpoints/${fresh.body.id}/drift?from=${t0}&to=${t0 + minute}`,
    );
    expect(unknown.body.overall.status).toBe('UNKNOWN');
    expect(unknown.body.reason).toMatch(/no reference/);
    await call(url, 'PUT', `/api/v1/endpoints/${fresh.body.id}/reference`, {
      rawBody: 'a,prediction\n1,1\n2,2\n3,3\n',
      headers: { 'content-type': 'text/csv' },
    });
    await call(url, 'PUT', `/api/v1/endpoints/${fresh.body.id}/reference`, {
      rawBody: 'a,prediction\n1,1\n5,2\n',
      headers: { 'content-type': 'text/csv' },
    });
    const versions = await call<{ versions: Array<{ version: number; rowCount: number }> }>(
      url,
      'GET',
      `/api/v1/endpoints/${fresh.body.id}/reference/versions`,
    );
    expect(versions.body.versions.map((v) => [v.version, v.rowCount])).toEqual([
      [1, 3],
      [2, 2],
    ]);
    const v1 = await call<{ statistics: { features: Array<{ max: number }> } }>(
      url,
      'GET',
      `/api/v1/endpoints/${fresh.body.id}/reference?version=1`,
    );
    expect(v1.body.statistics.features[0].max).toBe(3);
    const bad = await call<{ error: string }>(url, 'PUT', `/api/v1/endpoints/${fresh.body.id}/reference`, {
      rawBody: 'b\n1\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/lacks feature columns: a/);
  });
});

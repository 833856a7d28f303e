import { startFixture, type Fixture } from '../grafana/fixture';
import { freePort } from '../helpers/freePort';
import { call } from '../helpers/proxy';
import { parsePromText, sampleValue, type Sample } from '../helpers/promText';

const scrape = async (
  base: string,
  token?: string,
): Promise<{ status: number; type: string; samples: Sample[] }> => {
  const reply = await call<string>(base, 'GET', '/metrics', { token });
  return {
    status: reply.status,
    type: reply.headers.get('content-type') ?? '',
    samples: reply.status === 200 ? parsePromText(reply.body) : [],
  };
};

describe('Prometheus /metrics on the API port', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.close());

  it('counts ingested predictions, errors and latency per endpoint, with project/endpoint/model/version labels', async () => {
    const { status, type, samples } = await scrape(f.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const churn = { project: 'shop', endpoint: f.churn, model: 'churn', version: 'v1' };
    // Two batches of 10 and the recent 6; one error in each batch of 10.
    expect(sampleValue(samples, 'driftwatch_predictions_total', churn)).toBe(26);
    expect(sampleValue(samples, 'driftwatch_prediction_errors_total', churn)).toBe(2);
    expect(sampleValue(samples, 'driftwatch_predictions_total', { endpoint: f.fraud })).toBe(5);
    // Known endpoints start at 0, so rate() sees their first predictions.
    expect(sampleValue(samples, 'driftwatch_predictions_total', { endpoint: f.iris, project: 'other' })).toBe(
      0,
    );
    expect(sampleValue(samples, 'driftwatch_prediction_latency_seconds_count', churn)).toBe(26);
    expect(sampleValue(samples, 'driftwatch_prediction_latency_seconds_sum', churn)).toBeCloseTo(0.41, 9); // 2 x (10..19 ms) + 6 x 20 ms
    expect(
      sampleValue(samples, 'driftwatch_prediction_latency_seconds_bucket', { ...churn, le: '0.01' }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'driftwatch_prediction_latency_seconds_bucket', { ...churn, le: '0.025' }),
    ).toBe(26);
    expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('reads drift status and measures of the latest evaluation from the store', async () => {
    const { samples } = await scrape(f.url);
    const endpoint = await call<{ driftMeasures: { overall: { kldMean: number } } }>(
      f.url,
      'GET',
      `/api/v1/endpoints/${f.churn}`,
    );
    expect(sampleValue(samples, 'driftwatch_drift_status', { endpoint: f.churn })).toBe(2);
    expect(sampleValue(samples, 'driftwatch_drift_status', { endpoint: f.fraud })).toBe(-1);
    // n behind the status: the evaluated hour's 6 predictions, against the shop project's minimum of 5.
    expect(sampleValue(samples, 'driftwatch_drift_window_predictions', { endpoint: f.churn })).toBe(6);
    expect(sampleValue(samples, 'driftwatch_drift_min_sample', { endpoint: f.churn })).toBe(5);
    // The evaluated hour holds only the recent batch: every value outside the reference.
    expect(sampleValue(samples, 'driftwatch_drift_tvd_mean', { endpoint: f.churn })).toBe(1);
    expect(sampleValue(samples, 'driftwatch_drift_hellinger_mean', { endpoint: f.churn })).toBe(1);
    expect(sampleValue(samples, 'driftwatch_drift_kld_mean', { endpoint: f.churn })).toBeCloseTo(
      endpoint.body.driftMeasures.overall.kldMean,
      9,
    );
    expect(sampleValue(samples, 'driftwatch_drift_tvd_mean', { endpoint: f.fraud })).toBeUndefined();
    expect(sampleValue(samples, 'driftwatch_accuracy', { endpoint: f.churn })).toBeUndefined();
    // Label health of the evaluated hour: its 6 recent predictions unlabelled; the 10 labels of the
    // old batch were received within it (counted by arrival).
    expect(sampleValue(samples, 'driftwatch_label_coverage', { endpoint: f.churn })).toBe(0);
    expect(sampleValue(samples, 'driftwatch_labels_received', { endpoint: f.churn })).toBe(10);
    expect(sampleValue(samples, 'driftwatch_labels_unmatched', { endpoint: f.churn })).toBe(0);
    expect(sampleValue(samples, 'driftwatch_label_lag_p95_seconds', { endpoint: f.churn })).toBeUndefined();
    expect(
      sampleValue(samples, 'driftwatch_drift_evaluated_timestamp_seconds', { endpoint: f.churn }),
    ).toBeGreaterThan(Date.now() / 1_000 - 600);
    // Per-feature gauges are opt-in.
    expect(samples.some((s) => s.name.startsWith('driftwatch_feature_drift_'))).toBe(false);
  });

  it('does not count a replayed batch twice', async () => {
    const before = sampleValue((await scrape(f.url)).samples, 'driftwatch_predictions_total', {
      endpoint: f.fraud,
    });
    const body = {
      batchId: 'replayed',
      events: [{ endpoint: f.fraud, features: { amount: 1 }, latencyMs: 5 }],
    };
    expect((await call(f.url, 'POST', '/api/v1/predictions', { body })).status).toBe(201);
    expect((await call(f.url, 'POST', '/api/v1/predictions', { body })).status).toBe(200);
    const after = sampleValue((await scrape(f.url)).samples, 'driftwatch_predictions_total', {
      endpoint: f.fraud,
    });
    expect(after).toBe((before ?? 0) + 1);
  });

  it('needs a key with the read scope once keys exist', async () => {
    const reader = (await f.proxy.services.keys.create('prometheus', ['read'], null)).secret;
    expect((await scrape(f.url)).status).toBe(401);
    const ok = await scrape(f.url, reader);
    expect(ok.status).toBe(200);
    expect(sampleValue(ok.samples, 'driftwatch_drift_status', { endpoint: f.churn })).toBe(2);
  });
});

describe('Prometheus /metrics on a separate port, per-feature drift opted in', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ metricsPort: await freePort(), metricsPerFeature: true });
    await f.proxy.services.keys.create('someone', ['admin'], null);
  });
  afterAll(() => f.close());

  it('serves /metrics there without a key, and not on the API port', async () => {
    expect(f.proxy.metricsUrl).not.toBeNull();
    const { status, samples } = await scrape(f.proxy.metricsUrl as string);
    expect(status).toBe(200);
    expect(sampleValue(samples, 'driftwatch_predictions_total', { endpoint: f.churn })).toBe(26);
    expect((await call(f.url, 'GET', '/metrics')).status).toBe(404);
  });

  it('exports per-feature tvd, hellinger and kld when asked to', async () => {
    const { samples } = await scrape(f.proxy.metricsUrl as string);
    const x = { endpoint: f.churn, feature: 'x', project: 'shop', model: 'churn', version: 'v1' };
    expect(sampleValue(samples, 'driftwatch_feature_drift_tvd', x)).toBe(1);
    expect(
      sampleValue(samples, 'driftwatch_feature_drift_hellinger', { endpoint: f.churn, feature: 'c' }),
    ).toBe(1);
    expect(sampleValue(samples, 'driftwatch_feature_drift_kld', x)).toBeGreaterThan(0);
  });
});

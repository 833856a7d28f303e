import type { RunningProxy } from '../../../src/server';
import { call, startTestProxy } from '../../helpers/proxy';

interface Comparison {
  columns: Array<{
    name: string;
    kind: string;
    histograms: { expected: number[]; actual: number[] };
    measures: Record<string, { value: number; pValue?: number }>;
  }>;
  overall: { status: string; tvdMean: number; driftedShare: number };
}

describe('drift monitors over HTTP', () => {
  let proxy: RunningProxy;
  let url: string;
  let endpointId: string;
  const minute = 60_000;
  const t0 = Math.floor(Date.now() / minute) * minute - 30 * minute;

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    const endpoint = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'm',
        model: 'shop',
        features: [
          { name: 'amount', kind: 'numeric' },
          { name: 'country', kind: 'categorical' },
        ],
      },
    });
    endpointId = endpoint.body.id;
    const rows = Array.from({ length: 200 }, (_, i) => ({
      amount: i % 100,
      country: ['de', 'fr', 'it', 'es'][i % 4],
      prediction: i % 2,
    }));
    await call(url, 'PUT', `/api/v1/endpoints/${endpointId}/reference`, { body: { rows } });
  });
  afterAll(() => proxy.close());

  const send = (from: number, count: number, amount: (i: number) => number, country: (i: number) => string) =>
    call(url, 'POST', '/api/v1/predictions', {
      body: Array.from({ length: count }, (_, i) => ({
        endpoint: endpointId,
        timestamp: from + i * 1_000,
        features: { amount: amount(i), country: country(i) },
        prediction: i % 2,
      })),
    });

  it('snapshots endpoint windows (since=last), compares them, counts categorical drift, captures drift and alerts', async () => {
    const created = await call<{ name: string }>(url, 'POST', '/api/v1/monitors', {
      body: {
        name: 'shop-data',
        project: 'm',
        kind: 'data',
        experiment: 'monitoring/shop',
        endpoint: endpointId,
        alerts: [{ measure: 'drifted_share', comparison: '>=', threshold: 0.5 }],
      },
    });
    expect(created.status).toBe(201);
    // Baseline traffic looks like the reference; then only "de" customers with big amounts.
    await send(
      t0,
      200,
      (i) => i % 100,
      (i) => ['de', 'fr', 'it', 'es'][i % 4],
    );
    const first = await call<{ rows: number; source: { to: number } }>(
      url,
      'POST',
      '/api/v1/monitors/shop-data/snapshot?project=m',
      {
        body: { from: new Date(t0).toISOString(), to: new Date(t0 + 10 * minute).toISOString() },
      },
    );
    expect(first.status).toBe(201);
    expect(first.body.rows).toBe(200);
    await send(
      t0 + 12 * minute,
      100,
      (i) => 150 + i,
      () => 'de',
    );
    const second = await call<{ rows: number; source: { from: number } }>(
      url,
      'POST',
      '/api/v1/monitors/shop-data/snapshot?project=m',
      {
        body: { since: 'last' },
      },
    );
    expect(second.body.source.from).toBe(first.body.source.to);
    expect(second.body.rows).toBe(100);

    const compared = await call<Comparison>(url, 'POST', '/api/v1/monitors/shop-data/compare?project=m', {
      body: {},
    });
    expect(compared.status).toBe(200);
    const country = compared.body.columns.find((c) => c.name === 'country');
    // Categorical drift counts: 50/50/50/50 then 100 "de".
    expect(country?.kind).toBe('categorical');
    expect(country?.histograms.expected).toEqual([50, 50, 50, 50, 0]);
    expect(country?.histograms.actual).toEqual([100, 0, 0, 0, 0]);
    expect(country?.measures.tvd.value).toBeCloseTo(0.75, 12);
    expect(country?.measures.chi2.pValue).toBeLessThan(1e-10);
    const amount = compared.body.columns.find((c) => c.name === 'amount');
    expect(amount?.histograms.actual.at(-1)).toBe(100);
    expect(compared.body.overall.driftedShare).toBe(1);

    const captured = await call<{ drift: boolean; alerts: Array<{ measure: string; value: number }> }>(
      url,
      'POST',
      '/api/v1/monitors/shop-data/capture?project=m',
    );
    expect(captured.body.drift).toBe(true);
    expect(captured.body.alerts).toEqual([
      { measure: 'drifted_share', comparison: '>=', threshold: 0.5, value: 1 },
    ]);
    const logged = await call<{ events: Array<{ event: string; key: string }> }>(
      url,
      'GET',
      `/api/v1/experiments/${encodeURIComponent('monitoring/shop')}/data?project=m&event=snapshot,drift,alert`,
    );
    expect(logged.body.events.map((e) => e.event)).toEqual(['snapshot', 'snapshot', 'drift', 'alert']);

    const series = await call<{ series: Array<{ index: number; overall: { status: string } }> }>(
      url,
      'POST',
      '/api/v1/monitors/shop-data/compare?project=m',
      {
        body: { series: true },
      },
    );
    expect(series.body.series.map((s) => s.index)).toEqual([1]);

    // The comparison follows the endpoint's drift policy, here its project's minimum sample.
    expect(compared.body.overall.status).toBe('DRIFT_DETECTED');
    const settings = await call(url, 'PUT', '/api/v1/projects/m/settings', {
      body: { thresholds: { minSample: 1_000 } },
    });
    expect(settings.status).toBe(200);
    const strict = await call<Comparison>(url, 'POST', '/api/v1/monitors/shop-data/compare?project=m', {
      body: {},
    });
    expect(strict.body.overall.status).toBe('INSUFFICIENT_DATA');
    await call(url, 'PUT', '/api/v1/projects/m/settings', { body: { thresholds: null } });
  });

  it("snapshots datasets on the first snapshot's bins when there is no endpoint", async () => {
    await call(url, 'POST', '/api/v1/monitors', {
      body: { name: 'csv-data', project: 'm', experiment: 'monitoring/csv' },
    });
    const baseline = await call(url, 'POST', '/api/v1/monitors/csv-data/snapshot?project=m', {
      rawBody: 'x,color\n1,red\n2,blue\n3,red\n4,blue\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(baseline.status).toBe(201);
    await call(url, 'POST', '/api/v1/monitors/csv-data/snapshot?project=m', {
      body: {
        rows: [
          { x: 1, color: 'red' },
          { x: 2, color: 'red' },
          { x: 9, color: 'green' },
        ],
      },
    });
    const compared = await call<Comparison>(url, 'POST', '/api/v1/monitors/csv-data/compare?project=m', {
      body: { baseline: 0, recent: -1 },
    });
    const color = compared.body.columns.find((c) => c.name === 'color');
    expect(color?.histograms.expected).toEqual([2, 2, 0]);
    // Bins are [blue, red, other] (ties sorted by name); "green" was never seen, so it is "other".
    expect(color?.histograms.actual).toEqual([0, 2, 1]);
    const x = compared.body.columns.find((c) => c.name === 'x');
    expect(x?.histograms.actual.at(-1)).toBe(1);
  });

  it('explains what it cannot do', async () => {
    expect((await call(url, 'POST', '/api/v1/monitors/nope/capture?project=m')).status).toBe(404);
    await call(url, 'POST', '/api/v1/monitors', {
      body: { name: 'lonely', project: 'm', experiment: 'monitoring/lonely' },
    });
    const tooFew = await call<{ error: string }>(url, 'POST', '/api/v1/monitors/lonely/compare?project=m', {
      body: {},
    });
    expect(tooFew.status).toBe(422);
    expect(tooFew.body.error).toMatch(/needs two snapshots/);
    const noEndpoint = await call<{ error: string }>(
      url,
      'POST',
      '/api/v1/monitors/lonely/snapshot?project=m',
      { body: { since: 'last' } },
    );
    expect(noEndpoint.status).toBe(422);
    const badSchedule = await call<{ error: string }>(
      url,
      'POST',
      '/api/v1/monitors/shop-data/track?project=m',
      { body: { schedule: 'sometimes' } },
    );
    expect(badSchedule.status).toBe(400);
    const tracked = await call<{ name: string; schedule: { cron: string } }>(
      url,
      'POST',
      '/api/v1/monitors/shop-data/track?project=m',
      { body: { schedule: 'daily at 06:30' } },
    );
    expect(tracked.status).toBe(201);
    expect(tracked.body).toMatchObject({
      name: 'monitors/monitoring/shop/shop',
      schedule: { cron: '30 6 * * *' },
    });
    const job = await call<{ runs: number }>(
      url,
      'GET',
      `/api/v1/jobs/${encodeURIComponent('monitors/monitoring/shop/shop')}?project=m`,
    );
    expect(job.body.runs).toBe(0);
    const ran = await call<{ runs: number; lastError: string | null; lastResult: { snapshots: number } }>(
      url,
      'POST',
      `/api/v1/jobs/${encodeURIComponent('monitors/monitoring/shop/shop')}/run?project=m`,
    );
    expect(ran.body).toMatchObject({ runs: 1, lastError: null, lastResult: { snapshots: 3 } });
    const grafana = await call<Array<{ columns: Array<{ text: string }>; rows: unknown[][] }>>(
      url,
      'POST',
      '/grafana/query',
      {
        body: { targets: [{ refId: 'J', target: 'target_endpoint=job_state;project=m' }] },
      },
    );
    const column = (name: string) => grafana.body[0].columns.findIndex((c) => c.text === name);
    expect(
      grafana.body[0].rows.map((r) => [r[column('job')], r[column('schedule')], r[column('runs')]]),
    ).toEqual([['monitors/monitoring/shop/shop', 'daily at 06:30', 1]]);
    const badBody = await call(url, 'POST', '/api/v1/monitors', {
      body: { name: 'x', experiment: 'e', kind: 'drifty' },
    });
    expect(badBody.status).toBe(400);
  });
});

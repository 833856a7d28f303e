import type { RunningProxy } from '../../../src/server';
import type { LabelHealth } from '../../../src/monitoring/labels/labelHealth';
import { call, startTestProxy } from '../../helpers/proxy';

const MINUTE = 60_000;

/** Label coverage, lag and unmatched labels over HTTP, with labels out of order, twice and never. */
describe('label health', () => {
  let proxy: RunningProxy;
  let url: string;
  let endpointId: string;
  const now = Date.now();
  // Two minutes of predictions: group a 30 minutes ago (labelled late, out of order), group b 10 minutes ago (never).
  const ta = Math.floor(now / MINUTE) * MINUTE - 30 * MINUTE;
  const tb = ta + 20 * MINUTE;
  let labelsPostedAt = 0;

  const total = async (from: number, to: number) =>
    (
      await call<{ total: { predictions: number; labeled: number; labels: LabelHealth } }>(
        url,
        'GET',
        `/api/v1/endpoints/${endpointId}/metrics?from=${from}&to=${to}`,
      )
    ).body.total;
  const predict = (ids: string[], timestamp: number) =>
    call(url, 'POST', '/api/v1/predictions', {
      body: ids.map((requestId) => ({
        endpoint: endpointId,
        timestamp,
        features: { x: 1 },
        prediction: 'yes',
        requestId,
      })),
    });

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'health',
        model: 'm',
        version: 'v1',
        features: [{ name: 'x', kind: 'numeric' }],
        predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
      },
    });
    endpointId = created.body.id;
    const ids = (group: string) => Array.from({ length: 10 }, (_, i) => `${group}-${i}`);
    expect((await predict(ids('a'), ta)).status).toBe(201);
    expect((await predict(ids('b'), tb)).status).toBe(201);
    labelsPostedAt = Date.now();
    // Out of order: the last five first, then three of the first.
    const first = await call(url, 'POST', '/api/v1/labels', {
      body: [9, 8, 7, 6, 5].map((i) => ({ requestId: `a-${i}`, label: i % 2 ? 'yes' : 'no' })),
    });
    expect(first.body).toEqual({ accepted: 5, joined: 5, pending: 0, alreadyLabelled: 0 });
    const second = await call(url, 'POST', '/api/v1/labels', {
      body: [
        ...[2, 0, 1].map((i) => ({ requestId: `a-${i}`, label: 'yes' })),
        // Twice: a-9 again (ignored, counted as a repeat).
        { requestId: 'a-9', label: 'no' },
        // Before its prediction, naming the endpoint: waits, then joins when the prediction comes.
        { requestId: 'early-1', endpoint: endpointId, label: 'yes' },
        // Never matched: its prediction never comes.
        { requestId: 'orphan-1', endpoint: endpointId, label: 'yes' },
      ],
    });
    expect(second.body).toEqual({ accepted: 6, joined: 3, pending: 2, alreadyLabelled: 1 });
  });
  afterAll(() => proxy.close());

  it('coverage and lag of a window of predictions, whatever order the labels came in', async () => {
    const a = await total(ta, ta + MINUTE);
    expect(a.predictions).toBe(10);
    expect(a.labels.labelled).toBe(8);
    expect(a.labels.coverage).toBeCloseTo(0.8, 12);
    // Every lag is 30 minutes plus the test's own time: the (1800, 3600] s bucket, max exact.
    const elapsed = (Date.now() - labelsPostedAt) / 1_000 + (labelsPostedAt - ta) / 1_000;
    expect(a.labels.lagMaxSeconds).toBeGreaterThanOrEqual((labelsPostedAt - ta) / 1_000);
    expect(a.labels.lagMaxSeconds).toBeLessThanOrEqual(elapsed);
    expect(a.labels.lagP50Seconds).toBeGreaterThan(1_800);
    expect(a.labels.lagP95Seconds).toBeLessThanOrEqual(a.labels.lagMaxSeconds as number);
    expect(a.labels.lagMeanSeconds).toBeGreaterThanOrEqual((labelsPostedAt - ta) / 1_000);

    // Never labelled: coverage 0, no lag.
    const b = await total(tb, tb + MINUTE);
    expect(b.labels).toMatchObject({
      labelled: 0,
      coverage: 0,
      lagP50Seconds: null,
      lagMaxSeconds: null,
    });
  });

  it('counts received, repeated and unmatched labels at the time they came; a late prediction claims a waiting one', async () => {
    const around = [labelsPostedAt - 2 * MINUTE, Date.now() + 2 * MINUTE] as const;
    // 5 + 6 received (one a repeat), 2 waiting for a prediction.
    expect((await total(...around)).labels).toMatchObject({ received: 11, duplicates: 1, unmatched: 2 });
    expect((await predict(['early-1'], tb)).status).toBe(201);
    const after = await total(...around);
    expect(after.labels).toMatchObject({ received: 11, duplicates: 1, unmatched: 1 });
    const b = await total(tb, tb + MINUTE);
    expect(b.labels.labelled).toBe(1);
    expect(b.labels.coverage).toBeCloseTo(1 / 11, 12);
    // A repeat of an already counted label changes nothing but the repeat count.
    await call(url, 'POST', '/api/v1/labels', { body: [{ requestId: 'early-1', label: 'no' }] });
    const again = await total(...around);
    expect(again.labels).toMatchObject({ received: 12, duplicates: 2, unmatched: 1 });
    expect((await total(tb, tb + MINUTE)).labels.labelled).toBe(1);
  });

  it('serves coverage and lag as Grafana series', async () => {
    const reply = await call<Array<{ target: string; datapoints: Array<[number | null, number]> }>>(
      url,
      'POST',
      '/grafana/query',
      {
        body: {
          range: { from: new Date(ta).toISOString(), to: new Date(tb + MINUTE).toISOString() },
          intervalMs: MINUTE,
          maxDataPoints: 100,
          targets: [
            { refId: 'A', target: `endpoint_id=${endpointId};target_endpoint=label_health` },
            { refId: 'B', target: `endpoint_id=${endpointId};target_endpoint=label_health;metric=lag_max` },
          ],
        },
      },
    );
    expect(reply.status).toBe(200);
    const [coverage, lag] = reply.body;
    expect(coverage.target).toBe('m:v1 label coverage');
    expect(coverage.datapoints.find(([, t]) => t === ta)?.[0]).toBeCloseTo(0.8, 12);
    expect(coverage.datapoints.find(([, t]) => t === ta + MINUTE)?.[0]).toBeNull();
    expect(lag.datapoints.find(([, t]) => t === ta)?.[0]).toBeGreaterThan(1_800);
  });
});

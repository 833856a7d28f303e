/**
 * Label coverage over real HTTP: labels that arrive before their prediction, twice, or never;
 * the API figure and the Prometheus gauge agree.
 */
import type { RunningProxy } from '../../src/server';
import { queryBody } from '../grafana/fixture';
import { parsePromText, sampleValue } from '../helpers/promText';
import { call, startTestProxy } from '../helpers/proxy';

const MINUTE = 60_000;

describe('label health: coverage of a window', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;
  const t0 = Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE;
  const range = `from=${t0}&to=${t0 + MINUTE}`;
  const labels = (list: Array<{ requestId: string; label: string }>) =>
    call<{ accepted: number; joined: number; pending: number; alreadyLabelled: number }>(
      url,
      'POST',
      '/api/v1/labels',
      { body: list },
    );
  const health = () =>
    call<{ predictions: number; labeled: number; coverage: number | null }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/label-health?${range}`,
    );

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'shop',
        model: 'late',
        features: [{ name: 'x', kind: 'numeric' }],
        predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
      },
    });
    id = created.body.id;
  });
  afterAll(() => proxy.close());

  it('is empty before any prediction', async () => {
    const reply = await health();
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ predictions: 0, labeled: 0, coverage: null });
  });

  it('counts each labelled prediction once, whatever order and however often labels come', async () => {
    // Out of order: r0's label comes before its prediction and waits.
    expect((await labels([{ requestId: 'r0', label: 'a' }])).body).toMatchObject({ joined: 0, pending: 1 });
    const ingest = await call(url, 'POST', '/api/v1/predictions', {
      body: Array.from({ length: 10 }, (_, i) => ({
        endpoint: id,
        timestamp: t0 + i,
        features: { x: i },
        prediction: 'a',
        requestId: `r${i}`,
      })),
    });
    expect(ingest.status).toBe(201);
    expect((await health()).body).toMatchObject({ predictions: 10, labeled: 1, coverage: 0.1 });
    // Twice: r1 labelled in one batch twice and again later; a label matching no prediction waits.
    expect(
      (
        await labels([
          { requestId: 'r1', label: 'a' },
          { requestId: 'r1', label: 'b' },
          { requestId: 'r2', label: 'a' },
          { requestId: 'ghost', label: 'a' },
        ])
      ).body,
    ).toMatchObject({ accepted: 4, joined: 2 });
    expect((await labels([{ requestId: 'r1', label: 'a' }])).body).toMatchObject({ alreadyLabelled: 1 });
    expect((await labels([{ requestId: 'r0', label: 'b' }])).body).toMatchObject({ alreadyLabelled: 1 });
    // Never: r3..r9.
    expect((await health()).body).toEqual({
      endpointId: id,
      from: t0,
      to: t0 + MINUTE,
      predictions: 10,
      labeled: 3,
      coverage: 0.3,
    });
  });

  it('gives Grafana the coverage per step (label_coverage)', async () => {
    const reply = await call<Array<{ datapoints: Array<[number | null, number]> }>>(
      url,
      'POST',
      '/grafana/query',
      {
        body: queryBody(t0, t0 + MINUTE, [
          { refId: 'A', target: `endpoint_id=${id};target_endpoint=label_coverage` },
        ]),
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.body[0].datapoints).toEqual([[0.3, t0]]);
  });

  it('exports the coverage of the evaluation window as driftwatch_label_coverage', async () => {
    await proxy.services.evaluator.evaluateAll();
    const reply = await call<string>(url, 'GET', '/metrics');
    expect(sampleValue(parsePromText(reply.body), 'driftwatch_label_coverage', { endpoint: id })).toBeCloseTo(
      0.3,
      12,
    );
  });
});

/**
 * What the Grafana side needs of segments beyond the segment targets: `individual_feature_analysis`
 * per segment (the Details dashboard's feature-drift panel sends it the segment with `feature_drift`
 * and `feature_histogram`, so its actual statistics must be the segment's; expected values are the
 * arithmetic of the events sent), and the query builder's segment fields with their options.
 */
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

interface TableAnswer {
  columns: Array<{ text: string }>;
  rows: unknown[][];
}

const minute = 60_000;
/** Region `north`: x = 0..199 as the reference; region `south`: x = 1000..1199. */
const xs = { north: (i: number) => i, south: (i: number) => 1_000 + i };
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('segments for the Grafana side', () => {
  let proxy: RunningProxy;
  let id = '';
  // Whole minutes an hour ago: inside the accepted ingest window.
  const t0 = Math.floor((Date.now() - 60 * minute) / minute) * minute;

  beforeAll(async () => {
    proxy = await startTestProxy();
    const send = async (method: string, path: string, body: unknown) => {
      const reply = await call<{ id: string }>(proxy.url, method, path, { body });
      if (reply.status >= 300)
        throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    };
    ({ id } = await send('POST', '/api/v1/endpoints', {
      project: 'p',
      model: 'm',
      version: 'v1',
      features: [{ name: 'x', kind: 'numeric' }],
    }));
    await send('PUT', `/api/v1/endpoints/${id}/segments`, {
      segments: [{ key: 'region', source: { tag: 'region' } }],
    });
    await send('PUT', `/api/v1/endpoints/${id}/reference`, {
      rows: Array.from({ length: 200 }, (_, i) => ({ x: i })),
    });
    await send(
      'POST',
      '/api/v1/predictions',
      Object.entries(xs).flatMap(([region, x]) =>
        Array.from({ length: 200 }, (_, i) => ({
          endpoint: id,
          timestamp: t0 + i * 1_000,
          features: { x: x(i) },
          tags: { region },
        })),
      ),
    );
  });

  afterAll(async () => {
    await proxy?.close();
  });

  const query = async (target: string) =>
    call<TableAnswer[]>(proxy.url, 'POST', '/grafana/query', {
      body: {
        range: { from: new Date(t0).toISOString(), to: new Date(t0 + 10 * minute).toISOString() },
        intervalMs: minute,
        maxDataPoints: 100,
        targets: [{ refId: 'A', target }],
      },
    });
  const column = (answer: TableAnswer, name: string, row = 0) =>
    answer.rows[row][answer.columns.findIndex((c) => c.text === name)];

  const options = async (name: string, payload: Record<string, unknown>) =>
    call(proxy.url, 'POST', '/grafana/metric-payload-options', {
      body: { metric: 'feature_drift', payload, name },
    });

  it("the builder's segment key and segment fields list the endpoint's keys and the key's values", async () => {
    expect(await options('segment_key', { endpoint_id: id })).toMatchObject({
      status: 200,
      body: [{ label: 'region', value: 'region' }],
    });
    const values = await options('segment', { endpoint_id: id, segment_key: 'region' });
    expect(values.status).toBe(200);
    // In order of first appearance; `other` had no traffic.
    expect(values.body).toEqual([
      { label: 'north', value: 'north' },
      { label: 'south', value: 'south' },
    ]);
    // No key chosen yet: nothing to list.
    expect(await options('segment', { endpoint_id: id })).toMatchObject({ status: 200, body: [] });
  });

  it("individual_feature_analysis answers one segment's actual statistics", async () => {
    const reply = await query(
      `target_endpoint=individual_feature_analysis;endpoint_id=${id};segment_key=region;segment=south`,
    );
    expect(reply.status).toBe(200);
    const [table] = reply.body;
    const south = Array.from({ length: 200 }, (_, i) => xs.south(i));
    expect(table.rows).toHaveLength(1);
    expect(column(table, 'segment')).toBe('south');
    expect(column(table, 'feature_name')).toBe('x');
    expect(column(table, 'actual_min')).toBe(1_000);
    expect(column(table, 'actual_max')).toBe(1_199);
    expect(column(table, 'actual_mean')).toBeCloseTo(mean(south), 9);
    expect(column(table, 'expected_mean')).toBeCloseTo(mean(Array.from({ length: 200 }, (_, i) => i)), 9);
  });

  it('individual_feature_analysis answers every segment of the key (other last), one row each marked with its segment', async () => {
    const reply = await query(
      `target_endpoint=individual_feature_analysis;endpoint_id=${id};segment_key=region`,
    );
    expect(reply.status).toBe(200);
    const rows = reply.body.flatMap((t) =>
      t.rows.map((_, i) => [column(t, 'segment', i), column(t, 'actual_mean', i)]),
    );
    expect(rows).toEqual([
      ['north', mean(Array.from({ length: 200 }, (_, i) => xs.north(i)))],
      ['south', mean(Array.from({ length: 200 }, (_, i) => xs.south(i)))],
      // The overflow segment had no traffic: no actual statistics.
      ['other', null],
    ]);
  });
});

import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';
import {
  MINUTE,
  segmentedEndpoint,
  type DriftReport,
  type Event,
} from '../monitoring/segments/segmentTraffic';

describe('segments in Grafana', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;
  let t0: number;
  let range: string;
  let events: Event[];
  const minute = MINUTE;

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    ({ id, t0, events } = await segmentedEndpoint(proxy, true));
    range = `from=${t0}&to=${t0 + 10 * minute}`;
  });
  afterAll(() => proxy.close());

  it('answers the Grafana segment targets and filters existing targets by segment', async () => {
    const query = (target: string) =>
      call<
        Array<{
          columns: Array<{ text: string }>;
          rows: unknown[][];
          target?: string;
          datapoints?: unknown[];
        }>
      >(url, 'POST', '/grafana/query', {
        body: {
          range: { from: new Date(t0).toISOString(), to: new Date(t0 + 10 * minute).toISOString() },
          intervalMs: minute,
          maxDataPoints: 100,
          targets: [{ refId: 'A', target }],
        },
      });
    const keys = await query(`target_endpoint=segment_keys;endpoint_id=${id}`);
    expect(keys.body[0].columns.map((c) => c.text)).toEqual(['segment_key']);
    expect(keys.body[0].rows).toEqual([['region'], ['country']]);
    const values = await query(`target_endpoint=segments;endpoint_id=${id};segment_key=country`);
    expect(values.body[0].rows).toEqual([['DE'], ['FR'], ['other']]);
    // No overflow traffic under region: no "other" row.
    const regions = await query(`target_endpoint=segments;endpoint_id=${id};segment_key=region`);
    expect(regions.body[0].rows).toEqual([['low'], ['high'], ['mixed']]);

    const worst = await query(`target_endpoint=segment_drift;endpoint_id=${id};limit=2`);
    expect(worst.status).toBe(200);
    expect(worst.body[0].columns.map((c) => c.text)).toEqual([
      'segment_key',
      'segment',
      'n',
      'status',
      'score',
      'worst_feature',
      'worst_feature_score',
    ]);
    expect(worst.body[0].rows.map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual([
      ['region', 100, 'DRIFT_DETECTED', 0.5, 'x'],
      ['region', 100, 'DRIFT_DETECTED', 0.5, 'x'],
    ]);
    const heat = await query(`target_endpoint=segment_feature_drift;endpoint_id=${id};segment_key=region`);
    expect(heat.body[0].columns.map((c) => c.text)).toEqual(['segment', 'x', 'country']);
    expect(heat.body[0].rows.map((r) => r[0]).slice(2)).toEqual(['region=mixed']);
    const low = await call<DriftReport>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/drift?${range}&segmentKey=region&segment=low`,
    );
    const lowRow = heat.body[0].rows.find((r) => r[0] === 'region=low');
    expect(lowRow?.[1]).toBe(low.body.features.find((f) => f.name === 'x')?.decision?.value);

    // feature_drift for two segments: a segment column in front of the usual ones.
    const drift = await query(
      `target_endpoint=feature_drift;endpoint_id=${id};segment_key=region;segment=(low|high)`,
    );
    expect(drift.status).toBe(200);
    expect(drift.body[0].columns[0].text).toBe('segment');
    expect(new Set(drift.body.flatMap((t) => t.rows.map((r) => r[0])))).toEqual(new Set(['low', 'high']));
    // A series target: one series per segment, the value in its name.
    const predictions = await query(`target_endpoint=predictions;endpoint_id=${id};segment_key=country`);
    const totals = Object.fromEntries(
      predictions.body.map((s) => [
        s.target,
        (s.datapoints as Array<[number | null, number]>).reduce((n, [v]) => n + (v ?? 0), 0),
      ]),
    );
    const countryTotal = (c: string[]) => events.filter((e) => c.includes(e.features.country)).length;
    expect(Object.values(totals)).toEqual([
      countryTotal(['DE']),
      countryTotal(['FR']),
      countryTotal(['IT', 'ES']),
    ]);
    expect(Object.keys(totals).map((name) => name.split(' ').pop())).toEqual(['DE', 'FR', 'other']);

    const bad = await query(`target_endpoint=list_endpoints;segment_key=country`);
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error: string }).error).toMatch(
      /list_endpoints does not take segment_key/,
    );
    const noKey = await query(`target_endpoint=segments;endpoint_id=${id}`);
    expect(noKey.status).toBe(400);
    expect((noKey.body as unknown as { error: string }).error).toMatch(/segments needs segment_key/);
    const unknownValue = await query(
      `target_endpoint=accuracy;endpoint_id=${id};segment_key=country;segment=IT`,
    );
    expect(unknownValue.status).toBe(400);
    expect((unknownValue.body as unknown as { error: string }).error).toMatch(/has no value "IT"/);
  });
});

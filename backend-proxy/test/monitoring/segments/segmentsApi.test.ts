import type { RunningProxy } from '../../../src/server';
import { call, startTestProxy } from '../../helpers/proxy';
import { parsePromText } from '../../helpers/promText';

interface ColumnDrift {
  name: string;
  histograms: { expected: number[]; actual: number[] };
  measures: Record<string, { value: number }>;
  decision?: { status: string; value: number | null };
}
interface DriftReport {
  segment?: { key: string; value: string };
  window: { predictions: number };
  features: ColumnDrift[];
  overall: { status: string; explanation: { value: number | null } };
}
interface SegmentKeyView {
  key: string;
  budget: number;
  values: string[];
  slotsLeft: number;
  overflowPredictions: number;
}
interface RankingRow {
  segmentKey: string;
  segment: string;
  n: number;
  status: string;
  score: number | null;
  worstFeature: string | null;
  worstFeatureScore: number | null;
}

// Independent arithmetic: plain formulas over the events the test generates.
const normalise = (counts: number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
};
const tvd = (a: number[], b: number[]) => {
  const [p, q] = [normalise(a), normalise(b)];
  return 0.5 * p.reduce((s, pi, i) => s + Math.abs(pi - q[i]), 0);
};
/** Bin of x on the reference 0..99 (20 bins of width 4.95, open bins 0 and 21). */
const xBin = (v: number) => (v < 0 ? 0 : v > 99 ? 21 : v === 99 ? 20 : Math.floor(v / 4.95) + 1);
const COUNTRIES = ['DE', 'FR', 'IT', 'ES'];

/**
 * 600 predictions, x = 0..99 six times. Copies 0 and 1 split by region at x = 50 ("low" below,
 * "high" above), copies 2-5 are region "mixed": each region but "mixed" is far from the reference,
 * while the whole endpoint sees exactly the reference's distribution. Labels agree with the
 * prediction in "low", never in "high", and in every other copy in "mixed".
 */
function production(endpoint: string, t0: number) {
  const events = [];
  for (let copy = 0; copy < 6; copy++)
    for (let x = 0; x < 100; x++) {
      const region = copy < 2 ? (x < 50 ? 'low' : 'high') : 'mixed';
      const prediction = x % 2 ? 'yes' : 'no';
      const agrees = region === 'low' || (region === 'mixed' && copy % 2 === 0);
      events.push({
        endpoint,
        timestamp: t0 + copy * 60_000 + x * 100,
        features: { x, country: COUNTRIES[(x + copy) % 4] },
        prediction,
        label: agrees ? prediction : prediction === 'yes' ? 'no' : 'yes',
        latencyMs: 1 + (x % 10),
        // Both spellings of an event's tags.
        ...(copy % 2 ? { tags: { region } } : { segment: { region } }),
      });
    }
  return events;
}
type Event = ReturnType<typeof production>[number];
const regionOf = (e: Event) => ('tags' in e ? e.tags : e.segment)?.region;

describe('segments over HTTP', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;
  const minute = 60_000;
  const t0 = Math.floor(Date.now() / minute) * minute - 30 * minute;
  const range = `from=${t0}&to=${t0 + 10 * minute}`;
  let events: Event[];
  let categories: string[];

  beforeAll(async () => {
    proxy = await startTestProxy({ prometheusSegmentLimit: 4 });
    url = proxy.url;
    const created = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: {
        project: 'shop',
        model: 'churn',
        features: [
          { name: 'x', kind: 'numeric' },
          { name: 'country', kind: 'categorical' },
        ],
        predictionColumns: [{ name: 'prediction', kind: 'categorical' }],
        labelColumns: ['label'],
      },
    });
    id = created.body.id;
    const rows = Array.from({ length: 200 }, (_, i) => ({
      x: i % 100,
      country: COUNTRIES[i % 4],
      prediction: i % 2 ? 'yes' : 'no',
      label: i % 2 ? 'yes' : 'no',
    }));
    const reference = await call<{
      statistics: { features: Array<{ name: string; categories?: string[] }> };
    }>(url, 'PUT', `/api/v1/endpoints/${id}/reference`, { body: { rows } });
    expect(reference.status).toBe(201);
    categories = reference.body.statistics.features[1].categories as string[];
    expect([...categories].sort()).toEqual([...COUNTRIES].sort());
    events = production(id, t0);
  });
  afterAll(() => proxy.close());

  it('refuses bad declarations with a 400 that says why, and changes nothing', async () => {
    const put = (body: unknown) =>
      call<{ error: string; details?: unknown }>(url, 'PUT', `/api/v1/endpoints/${id}/segments`, { body });
    const four = ['a', 'b', 'c', 'd'].map((key) => ({ key, source: { tag: key } }));
    const cases: Array<[unknown, RegExp]> = [
      [{ segments: four }, /at most 3 segment keys/],
      [{ segments: [{ key: '1bad', source: { tag: 't' } }] }, /a segment key/],
      [{ segments: [{ key: 'k', source: { column: 'x' } }] }, /Unrecognized key/],
      [{ segments: [{ key: 'k', source: { tag: 't' }, budget: 101 }] }, /100/],
      [{ segments: [{ key: 'k', source: { tag: 't' }, budget: 0 }] }, /1/],
    ];
    for (const [body, message] of cases) {
      const reply = await put(body);
      expect(reply.status).toBe(400);
      expect(JSON.stringify(reply.body)).toMatch(message);
    }
    const unknownFeature = await put({ segments: [{ key: 'k', source: { feature: 'nope' } }] });
    expect(unknownFeature.status).toBe(400);
    expect(unknownFeature.body.error).toMatch(/segment key "k": the endpoint has no feature "nope"/);
    const twice = await put({
      segments: [
        { key: 'k', source: { tag: 'a' } },
        { key: 'k', source: { tag: 'b' } },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatch(/declared twice/);
    const shown = await call<{ segments: SegmentKeyView[] }>(url, 'GET', `/api/v1/endpoints/${id}/segments`);
    expect(shown.body.segments).toEqual([]);
  });

  it('declares keys from a feature and from a tag, with budgets', async () => {
    const reply = await call<{ segments: SegmentKeyView[] }>(url, 'PUT', `/api/v1/endpoints/${id}/segments`, {
      body: {
        segments: [
          { key: 'region', source: { tag: 'region' } },
          { key: 'country', source: { feature: 'country' }, budget: 2 },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.segments).toEqual([
      {
        key: 'region',
        source: { tag: 'region' },
        budget: 20,
        values: [],
        slotsLeft: 20,
        overflowPredictions: 0,
      },
      {
        key: 'country',
        source: { feature: 'country' },
        budget: 2,
        values: [],
        slotsLeft: 2,
        overflowPredictions: 0,
      },
    ]);
  });

  it('folds each event into its segments, once even when the batch is retried', async () => {
    const first = await call<{ predictions: number }>(url, 'POST', '/api/v1/predictions', {
      body: { batchId: 'seg-1', events },
    });
    expect(first.status).toBe(201);
    const retry = await call<{ duplicate: boolean }>(url, 'POST', '/api/v1/predictions', {
      body: { batchId: 'seg-1', events },
    });
    expect(retry.body.duplicate).toBe(true);

    const endpoint = await call<{ predictionCount: number; segments: SegmentKeyView[] }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}`,
    );
    expect(endpoint.body.predictionCount).toBe(600);
    // Slots in order of first appearance; IT and ES come after the budget of 2 is spent.
    const overflow = events.filter((e) => !['DE', 'FR'].includes(e.features.country)).length;
    expect(overflow).toBe(300);
    expect(endpoint.body.segments).toEqual([
      expect.objectContaining({
        key: 'region',
        values: ['low', 'high', 'mixed'],
        slotsLeft: 17,
        overflowPredictions: 0,
      }),
      expect.objectContaining({
        key: 'country',
        values: ['DE', 'FR'],
        slotsLeft: 0,
        overflowPredictions: overflow,
      }),
    ]);

    for (const region of ['low', 'high', 'mixed']) {
      const mine = events.filter((e) => regionOf(e) === region);
      const report = await call<DriftReport>(
        url,
        'GET',
        `/api/v1/endpoints/${id}/drift?${range}&segmentKey=region&segment=${region}`,
      );
      expect(report.status).toBe(200);
      expect(report.body.segment).toEqual({ key: 'region', value: region });
      expect(report.body.window.predictions).toBe(mine.length);
      const x = report.body.features.find((f) => f.name === 'x') as ColumnDrift;
      const histogram = new Array(22).fill(0);
      for (const e of mine) histogram[xBin(e.features.x)] += 1;
      expect(x.histograms.actual).toEqual(histogram);
      expect(x.measures.tvd.value).toBeCloseTo(tvd(x.histograms.expected, histogram), 12);
      const country = report.body.features.find((f) => f.name === 'country') as ColumnDrift;
      expect(country.histograms.actual).toEqual(
        categories.map((c) => mine.filter((e) => e.features.country === c).length).concat(0),
      );
    }
  });

  it('answers accuracy and operational figures per segment, and for all segments of a key', async () => {
    const accuracy = await call<{
      segmentKey: string;
      segments: Array<{ segment: { value: string }; labeled: number; accuracy: number }>;
    }>(url, 'GET', `/api/v1/endpoints/${id}/accuracy?${range}&segmentKey=country`);
    expect(accuracy.status).toBe(200);
    const expectedAccuracy = (pick: (e: Event) => boolean) => {
      const mine = events.filter(pick);
      return {
        labeled: mine.length,
        accuracy: mine.filter((e) => e.label === e.prediction).length / mine.length,
      };
    };
    expect(
      accuracy.body.segments.map((s) => ({
        value: s.segment.value,
        labeled: s.labeled,
        accuracy: s.accuracy,
      })),
    ).toEqual([
      { value: 'DE', ...expectedAccuracy((e) => e.features.country === 'DE') },
      { value: 'FR', ...expectedAccuracy((e) => e.features.country === 'FR') },
      { value: 'other', ...expectedAccuracy((e) => !['DE', 'FR'].includes(e.features.country)) },
    ]);
    const low = await call<{ accuracy: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/accuracy?${range}&segmentKey=region&segment=low`,
    );
    expect(low.body.accuracy).toBe(1);
    const high = await call<{ accuracy: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/accuracy?${range}&segmentKey=region&segment=high`,
    );
    expect(high.body.accuracy).toBe(0);

    const metrics = await call<{ total: { predictions: number; latencyMeanMs: number } }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/metrics?${range}&segmentKey=region&segment=high`,
    );
    expect(metrics.status).toBe(200);
    const high100 = events.filter((e) => regionOf(e) === 'high');
    expect(metrics.body.total.predictions).toBe(high100.length);
    expect(metrics.body.total.latencyMeanMs).toBeCloseTo(
      high100.reduce((s, e) => s + e.latencyMs, 0) / high100.length,
      9,
    );
  });

  it('finds the drifted segments with the top-k query while the whole endpoint shows no drift', async () => {
    const whole = await call<DriftReport>(url, 'GET', `/api/v1/endpoints/${id}/drift?${range}`);
    expect(whole.body.window.predictions).toBe(600);
    expect(whole.body.overall.status).toBe('NO_DRIFT');
    for (const f of whole.body.features) expect(f.measures.tvd.value).toBeCloseTo(0, 12);

    const ranking = await call<{ segments: RankingRow[] }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/segments/drift?${range}&limit=3`,
    );
    expect(ranking.status).toBe(200);
    const rows = ranking.body.segments;
    expect(rows).toHaveLength(3);
    expect(
      rows
        .slice(0, 2)
        .map((r) => r.segment)
        .sort(),
    ).toEqual(['high', 'low']);
    for (const r of rows.slice(0, 2)) {
      expect(r).toMatchObject({ segmentKey: 'region', n: 100, status: 'DRIFT_DETECTED', worstFeature: 'x' });
      // Only x drifts (country stays uniform in each half): the drifted share is 1 of 2.
      expect(r.score).toBe(0.5);
    }
    // A feature-sourced key's own feature is not part of its segments' drift.
    const de = await call<DriftReport>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/drift?${range}&segmentKey=country&segment=DE`,
    );
    expect(de.body.features.map((f) => f.name)).toEqual(['x']);
    const mixed = await call<DriftReport>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/drift?${range}&segmentKey=region&segment=mixed`,
    );
    expect(mixed.body.overall.status).toBe('NO_DRIFT');
    const onlyCountry = await call<{ segments: RankingRow[] }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/segments/drift?${range}&segmentKey=country`,
    );
    expect(onlyCountry.body.segments.map((r) => r.segment).sort()).toEqual(['DE', 'FR', 'other']);
  });

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

  it('exports segment statuses to Prometheus within the series limit, worst first', async () => {
    await proxy.services.evaluator.evaluateAll();
    const scrape = await call<string>(url, 'GET', '/metrics');
    const samples = parsePromText(scrape.body);
    const status = samples.filter((s) => s.name === 'driftwatch_segment_drift_status');
    // 6 segments had traffic in the evaluation window; the limit keeps 4, the drifted ones among them.
    expect(status).toHaveLength(4);
    expect(samples.find((s) => s.name === 'driftwatch_segment_series_dropped')?.value).toBe(2);
    for (const region of ['low', 'high'])
      expect(status.find((s) => s.labels.segment === region)).toMatchObject({
        labels: { endpoint: id, segment_key: 'region', segment: region },
        value: 2,
      });
    const n = samples.find(
      (s) => s.name === 'driftwatch_segment_window_predictions' && s.labels.segment === 'low',
    );
    expect(n?.value).toBe(100);
    const levels = status.map((s) => s.value);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
  });

  it('counts a late label in the segments of its prediction', async () => {
    const t = t0 + 15 * minute;
    const late = [0, 1, 2, 3].map((i) => ({
      endpoint: id,
      timestamp: t + i,
      features: { x: 10 * i, country: i < 2 ? 'FR' : 'ES' },
      prediction: 'yes',
      requestId: `late-${i}`,
      tags: { region: 'low' },
    }));
    expect((await call(url, 'POST', '/api/v1/predictions', { body: { events: late } })).status).toBe(201);
    const labels = late.map((e, i) => ({ requestId: e.requestId, label: i % 2 ? 'yes' : 'no' }));
    expect((await call(url, 'POST', '/api/v1/labels', { body: labels })).status).toBeLessThan(300);
    const window = `from=${t}&to=${t + minute}`;
    const fr = await call<{ labeled: number; accuracy: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/accuracy?${window}&segmentKey=country&segment=FR`,
    );
    // FR: labels no, yes against predictions yes, yes.
    expect(fr.body).toMatchObject({ labeled: 2, accuracy: 0.5 });
    const other = await call<{ labeled: number; accuracy: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/accuracy?${window}&segmentKey=country&segment=other`,
    );
    expect(other.body).toMatchObject({ labeled: 2, accuracy: 0.5 });
    const low = await call<{ labeled: number }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/accuracy?${window}&segmentKey=region&segment=low`,
    );
    expect(low.body.labeled).toBe(4);
  });

  it('refuses unknown segment keys and values with a 400 naming what exists', async () => {
    const unknownKey = await call<{ error: string; details: unknown }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/drift?segmentKey=tier`,
    );
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error).toMatch(/has no segment key "tier"/);
    expect(unknownKey.body.details).toEqual({ segmentKeys: ['region', 'country'] });
    const unknownValue = await call<{ error: string; details: unknown }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/drift?segmentKey=country&segment=IT`,
    );
    expect(unknownValue.status).toBe(400);
    expect(unknownValue.body.error).toMatch(/has no value "IT"/);
    expect(unknownValue.body.details).toEqual({ values: ['DE', 'FR', 'other'] });
    const noKey = await call<{ details: unknown }>(url, 'GET', `/api/v1/endpoints/${id}/drift?segment=DE`);
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body.details)).toMatch(/segment needs segmentKey/);
  });

  it('assigns slots consistently when concurrent batches bring new values', async () => {
    await call(url, 'PUT', `/api/v1/endpoints/${id}/segments`, {
      body: {
        segments: [
          { key: 'region', source: { tag: 'region' } },
          { key: 'country', source: { feature: 'country' }, budget: 2 },
          { key: 'shop', source: { tag: 'shop' }, budget: 5 },
        ],
      },
    });
    const t = t0 + 20 * minute;
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 3 }, (_, i) => ({
        endpoint: id,
        timestamp: t + b * 100 + i,
        features: { x: 1, country: 'DE' },
        prediction: 'no',
        tags: { shop: `shop-${b}-${i}` },
      })),
    );
    const replies = await Promise.all(
      batches.map((events) => call(url, 'POST', '/api/v1/predictions', { body: { events } })),
    );
    expect(replies.map((r) => r.status)).toEqual(new Array(8).fill(201));
    const shown = await call<{ segments: SegmentKeyView[] }>(url, 'GET', `/api/v1/endpoints/${id}/segments`);
    const shop = shown.body.segments.find((s) => s.key === 'shop') as SegmentKeyView;
    expect(shop.values).toHaveLength(5);
    expect(new Set(shop.values).size).toBe(5);
    expect(shop.overflowPredictions).toBe(24 - 5);
    // The earlier keys kept their slots.
    expect(shown.body.segments.find((s) => s.key === 'country')?.values).toEqual(['DE', 'FR']);
    const window = `from=${t}&to=${t + minute}`;
    const perShop = await call<{
      segments: Array<{ segment: { value: string }; total: { predictions: number } }>;
    }>(url, 'GET', `/api/v1/endpoints/${id}/metrics?${window}&segmentKey=shop`);
    expect(perShop.body.segments.map((s) => [s.segment.value, s.total.predictions])).toEqual([
      ...shop.values.map((v) => [v, 1]),
      ['other', 19],
    ]);
  });
});

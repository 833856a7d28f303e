import type { RunningProxy } from '../../../src/server';
import { call, startTestProxy } from '../../helpers/proxy';
import { tvd, xBin } from '../../helpers/histogramMath';
import {
  COUNTRIES,
  MINUTE,
  regionOf,
  segmentedEndpoint,
  type DriftReport,
  type Event,
  type RankingRow,
  type SegmentKeyView,
} from './segmentTraffic';

interface ColumnDrift {
  name: string;
  histograms: { expected: number[]; actual: number[] };
  measures: Record<string, { value: number }>;
  decision?: { status: string; value: number | null };
}

describe('segments over HTTP', () => {
  let proxy: RunningProxy;
  let url: string;
  let id: string;
  const minute = MINUTE;
  let t0: number;
  let range: string;
  let events: Event[];
  let categories: string[];

  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    ({ id, t0, events, categories } = await segmentedEndpoint(proxy, false));
    range = `from=${t0}&to=${t0 + 10 * minute}`;
    expect([...categories].sort()).toEqual([...COUNTRIES].sort());
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

  it('ranks every segment as its own drift report decides it (all segments read in one go)', async () => {
    const ranking = await call<{ segments: Array<RankingRow & { features: Record<string, number | null> }> }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/segments/drift?${range}&limit=100`,
    );
    // region: low, high, mixed, other (empty: left out); country: DE, FR, other.
    expect(ranking.body.segments.map((r) => `${r.segmentKey}=${r.segment}`).sort()).toEqual([
      'country=DE',
      'country=FR',
      'country=other',
      'region=high',
      'region=low',
      'region=mixed',
    ]);
    for (const row of ranking.body.segments) {
      const own = await call<DriftReport & { features: ColumnDrift[] }>(
        url,
        'GET',
        `/api/v1/endpoints/${id}/drift?${range}&segmentKey=${row.segmentKey}&segment=${row.segment}`,
      );
      expect(row.n).toBe(own.body.window.predictions);
      expect(row.status).toBe(own.body.overall.status);
      expect(row.features).toEqual(
        Object.fromEntries(own.body.features.map((f) => [f.name, f.decision?.value ?? null])),
      );
    }
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

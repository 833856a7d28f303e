/**
 * The Grafana API over real HTTP with the request bodies Grafana's JSON data sources send:
 * classic SimpleJSON (grafana-simple-json-datasource), simpod-json-datasource and Infinity.
 */
import { call } from '../helpers/proxy';
import {
  ACTUAL_C,
  ACTUAL_X,
  HOUR,
  MINUTE,
  REFERENCE_C,
  REFERENCE_X,
  hellinger,
  kld,
  queryBody,
  startFixture,
  tvd,
  type Fixture,
} from './fixture';
import { INDIVIDUAL_COLUMNS, LIST_ENDPOINTS_COLUMNS, OVERALL_COLUMNS } from './mlrunDashboards';

interface Table {
  type: 'table';
  refId?: string;
  columns: Array<{ text: string; type: string }>;
  rows: unknown[][];
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
interface Series {
  target: string;
  refId?: string;
  datapoints: Array<[number | null, number]>;
}
interface Frame {
  name: string;
  refId?: string;
  meta?: { type?: string; custom?: Record<string, unknown> };
  fields: Array<{ name: string; type: string; values: unknown[]; labels?: Record<string, string> }>;
}

/** A table's rows as objects by column name. */
const records = (t: Table) => t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.text, r[i]])));

describe('Grafana API: SimpleJSON, simpod and Infinity requests', () => {
  let f: Fixture;
  let url: string;
  /** A range covering batches 1 and 2 only. */
  let early: { from: number; to: number };

  const query = async <T = unknown>(body: unknown, status = 200) => {
    const reply = await call<T>(url, 'POST', '/grafana/query', { body });
    if (reply.status !== status)
      throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const one = async <T>(target: string, range = early, extra: Record<string, unknown> = {}) => {
    const results = await query<T[]>(queryBody(range.from, range.to, [{ refId: 'A', target }], extra));
    expect(results).toHaveLength(1);
    return results[0];
  };

  beforeAll(async () => {
    f = await startFixture();
    url = f.url;
    early = { from: f.base, to: f.base + 30 * MINUTE };
  });
  afterAll(() => f.close());

  it('answers "Save & test" (GET /grafana/) with 200', async () => {
    const reply = await call(url, 'GET', '/grafana/');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  describe("MLRun's targets, same columns and correct values", () => {
    it('list_projects: /search answers names, /query a project_name table', async () => {
      const search = await call<string[]>(url, 'POST', '/grafana/search', {
        body: { target: 'target_endpoint=list_projects' },
      });
      expect(search.body).toEqual(['other', 'shop']);
      const table = await one<Table>('target_endpoint=list_projects');
      expect(table.columns).toEqual([{ text: 'project_name', type: 'string' }]);
      expect(table.rows).toEqual([['other'], ['shop']]);
    });

    it('list_endpoints: MLRun columns, one row per endpoint of the project', async () => {
      const table = await one<Table>('project=shop;target_endpoint=list_endpoints');
      expect(table.columns.map((c) => c.text)).toEqual([
        ...LIST_ENDPOINTS_COLUMNS,
        // Appended after MLRun's columns.
        'endpoint_version',
        'endpoint_labels',
      ]);
      const [churn, fraud] = records(table);
      expect(churn).toMatchObject({
        endpoint_id: f.churn,
        endpoint_function: 'churn-server',
        endpoint_model: 'churn',
        endpoint_model_class: 'sklearn.LogisticRegression',
        first_request: f.base,
        // The evaluation's window (the last hour) holds only the recent batch, which has no labels.
        accuracy: null,
        error_count: 2,
        drift_status: 'DRIFT_DETECTED',
        latency_avg_1h: 20_000, // microseconds, as MLRun's
        endpoint_version: 'v1',
        endpoint_labels: 'team=growth',
      });
      expect(churn.last_request).toBe(f.recentAt + 5);
      // 6 predictions in the last 5 minutes, over the 4-5 minutes the window really covers.
      expect(churn.predictions_per_second).toBeGreaterThanOrEqual(6 / 300);
      expect(churn.predictions_per_second).toBeLessThanOrEqual(6 / 240);
      expect(fraud).toMatchObject({
        endpoint_id: f.fraud,
        endpoint_model: 'fraud.gbm',
        error_count: 0,
        drift_status: 'UNKNOWN',
        latency_avg_1h: null,
        predictions_per_second: 0,
      });
    });

    it('individual_feature_analysis: actual vs expected statistics and tvd/hellinger/kld over the range', async () => {
      const table = await one<Table>(
        `project=shop;endpoint_id=${f.churn};target_endpoint=individual_feature_analysis`,
      );
      expect(table.columns.map((c) => c.text)).toEqual([
        ...INDIVIDUAL_COLUMNS,
        'n_production',
        'n_reference',
        'drift_status',
      ]);
      const [x, c] = records(table);
      // The sample behind each row, counted on the aligned bins.
      expect([x.n_production, x.n_reference]).toEqual([sum(ACTUAL_X), sum(REFERENCE_X)]);
      expect([c.n_production, c.n_reference]).toEqual([sum(ACTUAL_C), sum(REFERENCE_C)]);
      expect(x.feature_name).toBe('x');
      expect(x.actual_min).toBe(-5);
      expect(x.actual_max).toBe(120);
      expect(x.actual_mean as number).toBeCloseTo(274 / 9, 12);
      // Expected min < expected max: the reference's 0..99 (MLRun's dashboards had them swapped).
      expect([x.expected_min, x.expected_mean, x.expected_max]).toEqual([0, 49.5, 99]);
      expect(x.tvd as number).toBeCloseTo(tvd(REFERENCE_X, ACTUAL_X), 12);
      expect(x.hellinger as number).toBeCloseTo(hellinger(REFERENCE_X, ACTUAL_X), 12);
      expect(x.kld as number).toBeCloseTo(kld(REFERENCE_X, ACTUAL_X), 9);
      expect(c).toMatchObject({ feature_name: 'c', actual_min: null, actual_mean: null, expected_min: null });
      expect(c.tvd as number).toBeCloseTo(tvd(REFERENCE_C, ACTUAL_C), 12);
      expect(c.kld as number).toBeCloseTo(kld(REFERENCE_C, ACTUAL_C), 9);
    });

    it('individual_feature_analysis honours range.from/to: a range without data keeps the rows, actuals empty', async () => {
      const table = await one<Table>(`endpoint_id=${f.churn};target_endpoint=individual_feature_analysis`, {
        from: f.base - 2 * HOUR,
        to: f.base - HOUR,
      });
      expect(records(table).map((r) => [r.feature_name, r.actual_mean, r.expected_max, r.tvd])).toEqual([
        ['x', null, 99, null],
        ['c', null, null, null],
      ]);
      // The recent batch alone: every x beyond the reference's range.
      const recent = records(
        await one<Table>(`endpoint_id=${f.churn};target_endpoint=individual_feature_analysis`, {
          from: f.recentAt - MINUTE,
          to: Date.now(),
        }),
      );
      expect(recent[0]).toMatchObject({ actual_min: 500, actual_max: 505, tvd: 1 });
    });

    it('overall_feature_analysis: sums and means over the features', async () => {
      const table = await one<Table>(`endpoint_id=${f.churn};target_endpoint=overall_feature_analysis`);
      expect(table.columns.map((c) => c.text)).toEqual([
        ...OVERALL_COLUMNS,
        'n_production',
        'min_sample',
        'drift_status',
        'policy',
      ]);
      const [row] = table.rows as number[][];
      const [nProduction, minSample, status, policy] = row.slice(6) as unknown[];
      // The shop project lowers the minimum sample to 5.
      expect([minSample, policy]).toEqual([5, 'default']);
      // Every prediction of the range: c's counted values plus its two missing ones.
      expect(nProduction).toBe(sum(ACTUAL_C) + 2);
      expect(['NO_DRIFT', 'POSSIBLE_DRIFT', 'DRIFT_DETECTED']).toContain(status);
      const tvds = [tvd(REFERENCE_X, ACTUAL_X), tvd(REFERENCE_C, ACTUAL_C)];
      const hs = [hellinger(REFERENCE_X, ACTUAL_X), hellinger(REFERENCE_C, ACTUAL_C)];
      const ks = [kld(REFERENCE_X, ACTUAL_X), kld(REFERENCE_C, ACTUAL_C)];
      const expected = [
        tvds[0] + tvds[1],
        (tvds[0] + tvds[1]) / 2,
        hs[0] + hs[1],
        (hs[0] + hs[1]) / 2,
        ks[0] + ks[1],
        (ks[0] + ks[1]) / 2,
      ];
      row.slice(0, 6).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
      // No row when nothing was measured, as MLRun's.
      expect(
        (await one<Table>(`endpoint_id=${f.fraud};target_endpoint=overall_feature_analysis`)).rows,
      ).toEqual([]);
    });

    it('incoming_features: one series per numeric feature from the raw sample, in the range', async () => {
      const series = await query<Series[]>(
        queryBody(early.from, early.to, [
          { target: `project=shop;endpoint_id=${f.churn};target_endpoint=incoming_features`, refId: 'A' },
        ]),
      );
      expect(series.map((s) => s.target)).toEqual(['x']);
      const expected = [0, 20 * MINUTE].flatMap((offset) =>
        [0, 1, 2, 3, 4, 50, 99, -5, 120].map((x, i): [number, number] => [x, f.base + offset + i * 1_000]),
      );
      expect(series[0].datapoints).toEqual(expected);
    });
  });

  describe('request shapes', () => {
    it("answers every target of classic SimpleJSON's exact request, each with its refId", async () => {
      const body = {
        panelId: 1,
        range: {
          from: new Date(early.from).toISOString(),
          to: new Date(early.to).toISOString(),
          raw: { from: 'now-6h', to: 'now' },
        },
        rangeRaw: { from: 'now-6h', to: 'now' },
        interval: '1m',
        intervalMs: 60_000,
        targets: [
          { target: `endpoint_id=${f.churn};target_endpoint=predictions`, refId: 'A', type: 'timeserie' },
          { target: 'project=shop;target_endpoint=endpoint_count', refId: 'B', type: 'table' },
          {
            target: `endpoint_id=${f.churn};target_endpoint=errors`,
            refId: 'C',
            type: 'timeserie',
            hide: true,
          },
          { target: `endpoint_id=${f.fraud};target_endpoint=predictions`, refId: 'D', type: 'timeserie' },
        ],
        adhocFilters: [],
        format: 'json',
        maxDataPoints: 1_000,
      };
      const results = await query<Array<Series | Table>>(body);
      expect(results.map((r) => r.refId)).toEqual(['A', 'B', 'D']);
      const churn = results[0] as Series;
      expect(churn.target).toBe('churn:v1');
      expect(churn.datapoints).toHaveLength(30);
      expect(churn.datapoints.filter(([v]) => v !== 0)).toEqual([
        [10, f.base],
        [10, f.base + 20 * MINUTE],
      ]);
      expect((results[1] as Table).rows).toEqual([[2]]);
      expect((results[2] as Series).datapoints.find(([, t]) => t === f.base + MINUTE)).toEqual([
        5,
        f.base + MINUTE,
      ]);
    });

    it("reads simpod's request: bare metric name as target, payload object or JSON text, regex-escaped values", async () => {
      const body = {
        app: 'dashboard',
        requestId: 'Q100',
        timezone: 'browser',
        panelId: 2,
        dashboardUID: 'abc',
        range: {
          from: new Date(early.from).toISOString(),
          to: new Date(early.to).toISOString(),
          raw: { from: 'now-6h', to: 'now' },
        },
        interval: '15m',
        intervalMs: 900_000,
        targets: [
          {
            datasource: { type: 'simpod-json-datasource', uid: 'dw' },
            editorMode: 'builder',
            refId: 'A',
            target: 'predictions',
            payload: { model: ['fraud\\.gbm'], project: 'shop' },
          },
          {
            datasource: { type: 'simpod-json-datasource', uid: 'dw' },
            editorMode: 'code',
            refId: 'B',
            target: 'latency',
            payload: `{"endpoint_id": "${f.churn}", "stat": "mean"}`,
          },
        ],
        maxDataPoints: 1_000,
        scopedVars: {
          __interval: { text: '15m', value: '15m' },
          __interval_ms: { text: '900000', value: 900_000 },
        },
        startTime: Date.now(),
        rangeRaw: { from: 'now-6h', to: 'now' },
        adhocFilters: [],
      };
      const [fraud, latency] = await query<Series[]>(body);
      expect(fraud).toMatchObject({
        refId: 'A',
        target: 'fraud.gbm:v2',
        datapoints: [
          [5, f.base],
          [0, f.base + 15 * MINUTE],
        ],
      });
      // intervalMs 15 min: batch 1 (10..19 ms) in the first step, batch 2 in the second.
      expect(latency.target).toBe('churn:v1 mean');
      expect(latency.datapoints.map(([v]) => v)).toEqual([14.5, 14.5]);
    });

    it("answers Infinity's bare {targets: [{target}]} (no range: the last hour)", async () => {
      const results = await query<Table[]>({
        targets: [{ target: `endpoint_id=${f.churn};target_endpoint=overall_feature_analysis` }],
      });
      expect(results).toHaveLength(1);
      expect(results[0].refId).toBeUndefined();
      // The last hour holds only the recent, fully drifted batch.
      expect(results[0].rows[0][1]).toBe(1);
    });

    it('shapes the step from intervalMs and maxDataPoints', async () => {
      const target = `endpoint_id=${f.churn};target_endpoint=predictions_per_second`;
      const byInterval = await one<Series>(target, early, { intervalMs: 15 * MINUTE });
      expect(byInterval.datapoints).toEqual([
        [10 / 900, f.base],
        [10 / 900, f.base + 15 * MINUTE],
      ]);
      const byPoints = await one<Series>(target, early, { intervalMs: 1_000, maxDataPoints: 3 });
      expect(byPoints.datapoints).toEqual([
        [10 / 600, f.base],
        [0, f.base + 10 * MINUTE],
        [10 / 600, f.base + 20 * MINUTE],
      ]);
      const byStepKey = await one<Series>(`${target};step=30m`, early);
      expect(byStepKey.datapoints).toEqual([[20 / 1_800, f.base]]);
    });

    it('unescapes Grafana values and accepts multi-value variables in regex, glob and JSON forms', async () => {
      const models = async (target: string) => records(await one<Table>(target)).map((r) => r.endpoint_model);
      expect(await models('model=fraud\\.gbm;target_endpoint=list_endpoints')).toEqual(['fraud.gbm']);
      expect(await models('model=(churn|fraud\\.gbm);target_endpoint=list_endpoints')).toEqual([
        'churn',
        'fraud.gbm',
      ]);
      expect(await models('model={churn,fraud.gbm};target_endpoint=list_endpoints')).toEqual([
        'churn',
        'fraud.gbm',
      ]);
      expect(await models(`endpoint_id=(${f.churn}|${f.iris});target_endpoint=list_endpoints`)).toEqual([
        'churn',
        'iris',
      ]);
      // Grafana's "All" (no custom value, or $__all / .*): no filter.
      expect(await models('project=$__all;target_endpoint=list_endpoints')).toEqual([
        'iris',
        'churn',
        'fraud.gbm',
      ]);
      expect(await models('project=.*;model=(churn|iris);target_endpoint=list_endpoints')).toEqual([
        'iris',
        'churn',
      ]);
      // MLRun's iguazio-era queries put each pair on its own line.
      expect(await models('project=shop;\ntarget_endpoint=list_endpoints;\n')).toEqual([
        'churn',
        'fraud.gbm',
      ]);
    });

    it('narrows targets by ad hoc filters', async () => {
      const results = await query<Table[]>(
        queryBody(early.from, early.to, [{ refId: 'A', target: 'target_endpoint=list_endpoints' }], {
          adhocFilters: [{ key: 'project', operator: '=', value: 'other' }],
        }),
      );
      expect(records(results[0]).map((r) => r.endpoint_model)).toEqual(['iris']);
    });
  });

  describe('beyond MLRun', () => {
    it('endpoint summary and rolling figures', async () => {
      const [summary] = records(await one<Table>('project=shop;target_endpoint=endpoint_summary'));
      expect(summary).toMatchObject({
        endpoints: 2,
        predictions_1h: 6,
        errors_1h: 0,
        error_rate_1h: 0,
        latency_avg_1h_ms: 20,
        drift_detected: 1,
        possible_drift: 0,
        no_drift: 0,
        drift_unknown: 1,
      });
      const rolling = records(await one<Table>('project=shop;target_endpoint=rolling_figures'));
      expect(
        rolling.map((r) => [r.endpoint_name, r.predictions_5m, r.predictions_1h, r.latency_avg_5m_ms]),
      ).toEqual([
        ['churn:v1', 6, 6, 20],
        ['fraud.gbm:v2', 0, 0, null],
      ]);
    });

    it('latency percentiles, errors, error rate and accuracy per step', async () => {
      const at = (s: Series, t: number) => s.datapoints.find(([, time]) => time === t)?.[0];
      const p95 = await one<Series>(`endpoint_id=${f.churn};target_endpoint=latency;stat=p95`);
      expect(p95.target).toBe('churn:v1 p95');
      // 10..19 ms on R10 buckets: the estimate lies within the bucket holding the 9.5th of 10 values (19 ms).
      expect(at(p95, f.base)).toBeGreaterThan(15);
      expect(at(p95, f.base)).toBeLessThanOrEqual(20);
      expect(at(await one<Series>(`endpoint_id=${f.churn};target_endpoint=errors`), f.base)).toBe(1);
      expect(
        at(await one<Series>(`endpoint_id=${f.churn};target_endpoint=error_rate`), f.base + 20 * MINUTE),
      ).toBe(0.1);
      const accuracy = await one<Series>(`endpoint_id=${f.churn};target_endpoint=accuracy`);
      expect(at(accuracy, f.base)).toBeCloseTo(0.6, 12);
      expect(at(accuracy, f.base + 20 * MINUTE)).toBeNull();
    });

    it('heat maps: one heatmap-rows frame, a row per endpoint, 15-minute buckets', async () => {
      const frame = await one<Frame>('project=shop;target_endpoint=heatmap;metric=predictions_per_second');
      expect(frame.meta?.type).toBe('heatmap-rows');
      expect(frame.fields.map((x) => [x.name, x.type])).toEqual([
        ['time', 'time'],
        ['churn:v1', 'number'],
        ['fraud.gbm:v2', 'number'],
      ]);
      expect(frame.fields[0].values).toEqual([f.base, f.base + 15 * MINUTE]);
      expect(frame.fields[1].values).toEqual([10 / 900, 10 / 900]);
      expect(frame.fields[2].values).toEqual([5 / 900, 0]);
      expect(frame.fields[2].labels).toEqual({ endpoint_id: f.fraud, project: 'shop' });

      const latency = await one<Frame>(`endpoint_id=${f.churn};target_endpoint=latency_heatmap`);
      expect(latency.meta?.type).toBe('heatmap-rows');
      const buckets = latency.fields.slice(1);
      const bounds = buckets.map((b) => Number(b.name));
      expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
      expect(bounds[0]).toBeGreaterThanOrEqual(8);
      expect(bounds[bounds.length - 1]).toBeLessThanOrEqual(25);
      // Every prediction of a step sits in exactly one bucket row.
      const perStep = (i: number) => buckets.reduce((s, b) => s + (b.values[i] as number), 0);
      expect([perStep(0), perStep(1)]).toEqual([10, 10]);
    });

    it('drift over time: per step from the aggregates, overall and per feature', async () => {
      const overall = await one<Series>(`endpoint_id=${f.churn};target_endpoint=drift_over_time;metric=tvd`);
      expect(overall.target).toBe('churn:v1 tvd');
      expect(overall.datapoints).toHaveLength(30);
      // Each batch alone has the same distribution as both together.
      const tvdMean = (tvd(REFERENCE_X, ACTUAL_X) + tvd(REFERENCE_C, ACTUAL_C)) / 2;
      const withData = overall.datapoints.filter(([v]) => v !== null);
      expect(withData.map(([, t]) => t)).toEqual([f.base, f.base + 20 * MINUTE]);
      for (const [v] of withData) expect(v as number).toBeCloseTo(tvdMean, 12);
      const perFeature = await query<Series[]>(
        queryBody(early.from, early.to, [
          {
            refId: 'A',
            target: `endpoint_id=${f.churn};target_endpoint=drift_over_time;metric=hellinger;feature=(x|c)`,
          },
        ]),
      );
      expect(perFeature.map((s) => s.target)).toEqual(['x hellinger', 'c hellinger']);
      expect(perFeature[0].datapoints[0][0] as number).toBeCloseTo(hellinger(REFERENCE_X, ACTUAL_X), 12);
      const score = await one<Series>(
        `endpoint_id=${f.churn};target_endpoint=drift_over_time;metric=drift_score`,
      );
      const hMean = (hellinger(REFERENCE_X, ACTUAL_X) + hellinger(REFERENCE_C, ACTUAL_C)) / 2;
      expect(score.datapoints[0][0] as number).toBeCloseTo((tvdMean + hMean) / 2, 12);
      // At most 200 points however long the range.
      const week = await one<Series>(
        `endpoint_id=${f.churn};target_endpoint=drift_over_time`,
        { from: Date.now() - 7 * 24 * HOUR, to: Date.now() },
        { intervalMs: MINUTE },
      );
      expect(week.datapoints.length).toBeLessThanOrEqual(200);
    });

    it('feature histograms: one pre-bucketed frame per feature, expected vs actual shares', async () => {
      const frames = await query<Frame[]>(
        queryBody(early.from, early.to, [
          { refId: 'A', target: `endpoint_id=${f.churn};target_endpoint=feature_histogram` },
        ]),
      );
      expect(frames.map((x) => x.name)).toEqual(['x', 'c']);
      const [x, c] = frames;
      expect(x.fields.map((fl) => fl.name)).toEqual(['xMin', 'xMax', 'expected', 'actual', 'bin']);
      const values = (fr: Frame, name: string) =>
        fr.fields.find((fl) => fl.name === name)?.values as number[];
      expect(values(x, 'xMin')[1]).toBe(0);
      expect(values(x, 'xMax')[20]).toBe(99);
      expect(values(x, 'xMin')[0]).toBeCloseTo(-4.95, 12); // the open bin below, one width wide
      expect(values(x, 'expected')).toEqual(REFERENCE_X.map((n) => n / 100));
      values(x, 'actual').forEach((v, i) => expect(v).toBeCloseTo(ACTUAL_X[i] / 18, 12));
      expect(values(c, 'actual')).toEqual(ACTUAL_C.map((n) => n / 18));
      expect(c.fields.find((fl) => fl.name === 'bin')?.values).toEqual(['a', 'b', 'c', 'other']);
      const single = await query<Frame[]>(
        queryBody(early.from, early.to, [
          { refId: 'A', target: `endpoint_id=${f.churn};target_endpoint=feature_histogram;feature=c` },
        ]),
      );
      expect(single.map((fr) => fr.name)).toEqual(['c']);
    });

    it('feature drift and data quality tables', async () => {
      const drift = records(await one<Table>(`endpoint_id=${f.churn};target_endpoint=feature_drift`));
      expect(drift.map((r) => [r.feature_name, r.column, r.kind])).toEqual([
        ['x', 'feature', 'numeric'],
        ['c', 'feature', 'categorical'],
        ['prediction', 'prediction', 'categorical'],
      ]);
      expect(drift[0].tvd as number).toBeCloseTo(tvd(REFERENCE_X, ACTUAL_X), 12);
      expect(drift[0].ks).not.toBeNull();
      expect(drift[1].chi2).not.toBeNull();
      expect(drift[1].ks).toBeNull();
      // n and the policy's decision, explained, on every row (features and the prediction column).
      expect(drift[0]).toMatchObject({
        count: 18,
        n_reference: 100,
        policy_measure: 'wasserstein_std',
        policy_threshold: 0.1,
        policy_p_value: expect.any(Number),
      });
      expect(drift[1]).toMatchObject({ n_reference: 100, policy_measure: 'tvd', policy_threshold: 0.05 });
      expect(drift.map((row) => /; n (\d+) vs (\d+)/.exec(String(row.why))?.slice(1))).toEqual([
        ['18', '100'],
        ['18', '100'],
        ['20', '100'],
      ]);
      expect(drift[0].why).toMatch(
        /^(drifted|no significant change|significant but negligible): wasserstein_std /,
      );
      expect(drift[0].why).toMatch(/bins moving most: /);
      const quality = records(await one<Table>(`endpoint_id=${f.churn};target_endpoint=data_quality`));
      expect(quality[0]).toMatchObject({
        feature_name: 'x',
        count: 18,
        missing: 2,
        missing_share: 0.1,
        actual_min: -5,
        expected_max: 99,
      });
      expect(quality[0].out_of_range_share as number).toBeCloseTo(4 / 18, 12);
      expect(quality[1].out_of_range_share as number).toBeCloseTo(2 / 18, 12);
      const overTime = await one<Series>(
        `endpoint_id=${f.churn};target_endpoint=data_quality_over_time;metric=missing_share;feature=x`,
      );
      expect(overTime.datapoints[0]).toEqual([0.1, f.base]);
    });

    it('experiments: runs, metrics by step and by time, params, profiling', async () => {
      const experiments = records(await one<Table>('project=shop;target_endpoint=experiments'));
      expect(experiments).toEqual([
        expect.objectContaining({ project: 'shop', experiment: 'exp', provider: 'profiling', runs: 2 }),
      ]);
      const runs = records(await one<Table>('project=shop;experiment=exp;target_endpoint=runs'));
      expect(runs.map((r) => [r.run, r.status, r.loss])).toEqual([
        [1, 'STARTED', 0.25],
        [2, 'STARTED', 0.4],
      ]);
      const byStep = await query<Frame[]>(
        queryBody(early.from, early.to, [
          { refId: 'A', target: 'project=shop;experiment=exp;target_endpoint=run_metrics;by=step;key=loss' },
        ]),
      );
      expect(byStep.map((fr) => fr.name)).toEqual(['loss run 1', 'loss run 2']);
      expect(byStep[0].fields.map((fl) => [fl.name, fl.values])).toEqual([
        ['step', [0, 1, 2]],
        ['loss', [1, 0.5, 0.25]],
      ]);
      const byTime = await query<Series[]>(
        queryBody(f.base, f.base + 5 * MINUTE, [
          { refId: 'A', target: 'project=shop;experiment=exp;target_endpoint=run_metrics;run=1' },
        ]),
      );
      expect(byTime).toEqual([
        {
          target: 'loss run 1',
          refId: 'A',
          datapoints: [
            [1, f.base],
            [0.5, f.base + MINUTE],
            [0.25, f.base + 2 * MINUTE],
          ],
        },
      ]);
      const params = records(await one<Table>('project=shop;experiment=exp;target_endpoint=run_params'));
      expect(params.map((r) => [r.run, r.lr])).toEqual([
        [1, 0.1],
        [2, 0.01],
      ]);
      const profiling = records(await one<Table>('project=shop;experiment=exp;target_endpoint=profiling'));
      expect(profiling.map((r) => [r.stat, r.run, r.count, r.min, r.mean, r.max, r.last])).toEqual([
        ['stats.cpu', 1, 2, 10, 20, 30, 30],
        ['stats.memory_mb', 1, 2, 100, 200, 300, 300],
      ]);
    });
  });

  describe('template variables and annotations', () => {
    it('/search and /variable list projects, endpoints, features, experiments, runs and metric names', async () => {
      const search = async (target: string) =>
        (await call<unknown[]>(url, 'POST', '/grafana/search', { body: { target } })).body;
      expect(await search('target_endpoint=endpoints;project=shop')).toEqual([
        { text: 'churn:v1', value: f.churn },
        { text: 'fraud.gbm:v2', value: f.fraud },
      ]);
      expect(await search(`target_endpoint=features;endpoint_id=${f.churn}`)).toEqual(['x', 'c']);
      expect(await search('experiment_names;')).toEqual(['exp']);
      expect(await search('project=shop;experiment=exp;target_endpoint=run_numbers')).toEqual(['1', '2']);
      expect(await search('project=shop;experiment=exp;target_endpoint=metric_names')).toEqual(['loss']);
      expect(await search('')).toContain('drift_over_time');
      const variable = await call(url, 'POST', '/grafana/variable', {
        body: {
          payload: { target: 'project=shop;target_endpoint=endpoints' },
          range: { from: new Date(early.from).toISOString(), to: new Date(early.to).toISOString() },
        },
      });
      expect(variable.body).toEqual([
        { __text: 'churn:v1', __value: f.churn },
        { __text: 'fraud.gbm:v2', __value: f.fraud },
      ]);
      const rawJson = await call(url, 'POST', '/grafana/variable', {
        body: { payload: { target_endpoint: 'projects' } },
      });
      expect(rawJson.body).toEqual([
        { __text: 'other', __value: 'other' },
        { __text: 'shop', __value: 'shop' },
      ]);
    });

    it("simpod's builder: /metrics lists the targets, /metric-payload-options fills their fields", async () => {
      const metrics = await call<
        Array<{ value: string; payloads: Array<{ name: string; options?: Array<{ value: string }> }> }>
      >(url, 'POST', '/grafana/metrics', { body: {} });
      const drift = metrics.body.find((m) => m.value === 'drift_over_time');
      expect(drift?.payloads.map((p) => p.name)).toEqual([
        'project',
        'endpoint_id',
        'metric',
        'feature',
        'step',
        // Every target that answers per segment offers the segment fields.
        'segment_key',
        'segment',
      ]);
      expect(drift?.payloads.find((p) => p.name === 'metric')?.options?.map((o) => o.value)).toContain(
        'hellinger',
      );
      // The segments of no endpoint yet: no options (rather than a 400 naming the endpoint).
      const keys = await call(url, 'POST', '/grafana/metric-payload-options', {
        body: { metric: 'drift_over_time', payload: { project: 'shop' }, name: 'segment_key' },
      });
      expect(keys).toMatchObject({ status: 200, body: [] });
      const endpoints = await call(url, 'POST', '/grafana/metric-payload-options', {
        body: { metric: 'drift_over_time', payload: { project: 'shop' }, name: 'endpoint_id' },
      });
      expect(endpoints.body).toEqual([
        { label: 'churn:v1', value: f.churn },
        { label: 'fraud.gbm:v2', value: f.fraud },
      ]);
      const features = await call(url, 'POST', '/grafana/metric-payload-options', {
        body: { metric: 'feature_histogram', payload: { endpoint_id: f.churn }, name: 'feature' },
      });
      expect(features.body).toEqual([
        { label: 'x', value: 'x' },
        { label: 'c', value: 'c' },
      ]);
    });

    it('/tag-keys and /tag-values for ad hoc filters', async () => {
      expect((await call(url, 'POST', '/grafana/tag-keys', { body: {} })).body).toEqual([
        { type: 'string', text: 'project' },
        { type: 'string', text: 'model' },
        { type: 'string', text: 'function' },
        { type: 'string', text: 'endpoint_id' },
      ]);
      expect((await call(url, 'POST', '/grafana/tag-values', { body: { key: 'model' } })).body).toEqual([
        { text: 'iris' },
        { text: 'churn' },
        { text: 'fraud.gbm' },
      ]);
    });

    it('annotations: drift status changes in the range, from /annotations and through /query', async () => {
      const now = Date.now();
      const body = {
        range: {
          from: new Date(now - HOUR).toISOString(),
          to: new Date(now + MINUTE).toISOString(),
          raw: { from: 'now-1h', to: 'now' },
        },
        rangeRaw: { from: 'now-1h', to: 'now' },
        annotation: {
          name: 'drift',
          datasource: 'Driftwatch',
          iconColor: 'rgba(255, 96, 96, 1)',
          enable: true,
          query: 'project=shop;kind=drift_status',
        },
        variables: [],
      };
      const reply = await call<
        Array<{ title: string; tags: string[]; time: number; annotation: { name: string } }>
      >(url, 'POST', '/grafana/annotations', { body });
      expect(reply.status).toBe(200);
      expect(reply.body).toHaveLength(1);
      expect(reply.body[0]).toMatchObject({
        title: 'churn:v1 UNKNOWN -> DRIFT_DETECTED',
        annotation: { name: 'drift' },
      });
      expect(reply.body[0].tags).toContain('DRIFT_DETECTED');
      const earlier = await call<unknown[]>(url, 'POST', '/grafana/annotations', {
        body: {
          ...body,
          range: { from: new Date(early.from).toISOString(), to: new Date(early.to).toISOString() },
        },
      });
      expect(earlier.body).toEqual([]);
      const frame = await one<Frame>('project=shop;target_endpoint=annotations', {
        from: now - HOUR,
        to: now + MINUTE,
      });
      expect(frame.fields.map((x) => x.name)).toEqual([
        'time',
        'timeEnd',
        'title',
        'text',
        'tags',
        'kind',
        'project',
        'endpoint_id',
      ]);
      // Without a kind, every marker of the range: the churn reference registered by the fixture too.
      expect(frame.fields[2].values).toEqual(['churn:v1 reference v1', 'churn:v1 UNKNOWN -> DRIFT_DETECTED']);
      expect(frame.fields[5].values).toEqual(['reference_changed', 'drift_status']);
    });
  });

  describe('bad input: 400 with {error, details}, nothing changed', () => {
    const bad = async (path: string, body: unknown) => {
      const reply = await call<{ error: string; details?: unknown }>(url, 'POST', path, { body });
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/application\/json/);
      expect(typeof reply.body.error).toBe('string');
      expect(reply.body.details).toBeDefined();
      return reply.body;
    };
    const targets = (target: Record<string, unknown>) =>
      queryBody(early.from, early.to, [{ refId: 'A', ...target }]);

    it('refuses unknown targets, unknown endpoints, malformed payloads and operators, changing nothing', async () => {
      const before = await call<{ predictionCount: number }>(url, 'GET', `/api/v1/endpoints/${f.churn}`);
      const eventsBefore = await call<unknown[]>(url, 'POST', '/grafana/annotations', {
        body: { range: { from: 0, to: Date.now() + HOUR }, annotation: { query: '' } },
      });

      const unknownTarget = await bad(
        '/grafana/query',
        targets({ target: 'target_endpoint=drop_everything' }),
      );
      expect(unknownTarget).toEqual({
        error: 'targets.0: invalid query',
        details: [
          { path: 'targets.0.target_endpoint', message: 'unknown target_endpoint "drop_everything"' },
        ],
      });
      expect(
        await bad(
          '/grafana/query',
          targets({ target: `endpoint_id=${'f'.repeat(40)};target_endpoint=feature_drift` }),
        ),
      ).toMatchObject({
        error: 'unknown endpoint id',
        details: { endpoint_id: ['f'.repeat(40)] },
      });
      await bad('/grafana/query', targets({ target: 'endpoint_id=not-an-id;target_endpoint=feature_drift' }));
      await bad('/grafana/query', targets({ target: 'drift_over_time', payload: '{"endpoint_id": ' }));
      await bad(
        '/grafana/query',
        targets({ target: 'drift_over_time', payload: { endpoint_id: { nested: 1 } } }),
      );
      // A known key with a bad value is refused (unknown keys are ignored, as MLRun does: mlrunDashboards.test.ts).
      await bad('/grafana/query', targets({ target: 'project=shop;target_endpoint=list_endpoints;limit=0' }));
      await bad(
        '/grafana/query',
        targets({ target: `endpoint_id=${f.churn};target_endpoint=heatmap;metric=tvd` }),
      );
      await bad('/grafana/query', targets({ target: 'just some words' }));

      const operator = await bad(
        '/grafana/query',
        targets({ target: 'drift_over_time', payload: { endpoint_id: { $ne: '' } } }),
      );
      expect(JSON.stringify(operator.details)).toMatch(/targets\.0\.payload\.endpoint_id\.\$ne/);
      await bad('/grafana/query', {
        ...targets({ target: 'target_endpoint=list_projects' }),
        range: { from: { $gt: 0 }, to: 'now' },
      });
      await bad('/grafana/query', { $where: 'sleep(1000)', targets: [] });
      await bad('/grafana/search', { target: 'target_endpoint=endpoints', $or: [{}] });
      await bad('/grafana/annotations', { annotation: { query: 'project=shop', $regex: '.*' } });
      await bad('/grafana/variable', {
        payload: { target_endpoint: 'projects', project: { $in: ['shop'] } },
      });
      await bad('/grafana/tag-values', { key: 'password' });
      await bad('/grafana/query', { targets: 'target_endpoint=list_projects' });
      await bad('/grafana/query', {
        ...targets({ target: 'target_endpoint=list_projects' }),
        range: { from: 'now', to: 'now-1h' },
      });

      const after = await call<{ predictionCount: number }>(url, 'GET', `/api/v1/endpoints/${f.churn}`);
      expect(after.body.predictionCount).toBe(before.body.predictionCount);
      const eventsAfter = await call<unknown[]>(url, 'POST', '/grafana/annotations', {
        body: { range: { from: 0, to: Date.now() + HOUR }, annotation: { query: '' } },
      });
      expect(eventsAfter.body).toEqual(eventsBefore.body);
    });

    it('answers malformed JSON with a JSON 400', async () => {
      const reply = await call<{ error: string }>(url, 'POST', '/grafana/query', {
        rawBody: '{"targets": [',
        headers: { 'content-type': 'application/json' },
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatch(/malformed JSON/);
    });
  });
});

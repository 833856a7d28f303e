/**
 * Every answer passes through @grafana/data's own `toDataFrame` (what Grafana and simpod do with
 * `/query` results), heat maps are recognised as `heatmap-rows` and histograms as pre-bucketed
 * (`getHistogramFields`, which Grafana's histogram panel uses on a single frame).
 */
import { call } from '../helpers/proxy';
import { withGrafanaData, type Converted, type GrafanaDataResult } from '../helpers/grafanaData';
import { MINUTE, queryBody, startFixture, type Fixture } from './fixture';

describe('Grafana API answers as @grafana/data frames', () => {
  let f: Fixture;
  /** Every target's answer, converted in one run of @grafana/data. */
  let byTarget: Map<string, Converted[]>;
  let grafana: GrafanaDataResult;
  let variable: Converted;

  const e = () => `project=shop;endpoint_id=${f.churn}`;
  const targets = () => [
    'target_endpoint=list_projects',
    'project=shop;target_endpoint=list_endpoints',
    `${e()};target_endpoint=individual_feature_analysis`,
    `${e()};target_endpoint=overall_feature_analysis`,
    `${e()};target_endpoint=incoming_features`,
    'project=shop;target_endpoint=endpoint_count',
    'project=shop;target_endpoint=endpoint_summary',
    'project=shop;target_endpoint=rolling_figures',
    'project=shop;target_endpoint=predictions_per_second',
    `endpoint_id=${f.churn};target_endpoint=predictions`,
    `${e()};target_endpoint=latency;stat=p99`,
    `${e()};target_endpoint=errors`,
    `${e()};target_endpoint=error_rate`,
    `${e()};target_endpoint=accuracy`,
    'project=shop;target_endpoint=heatmap;metric=predictions_per_second',
    `${e()};target_endpoint=latency_heatmap`,
    `${e()};target_endpoint=feature_drift`,
    `${e()};target_endpoint=drift_over_time;metric=psi;feature=x`,
    `${e()};target_endpoint=feature_histogram;feature=x`,
    `${e()};target_endpoint=feature_histogram;feature=c`,
    `${e()};target_endpoint=data_quality`,
    `${e()};target_endpoint=data_quality_over_time`,
    'project=shop;target_endpoint=annotations',
    'project=shop;target_endpoint=experiments',
    'project=shop;experiment=exp;target_endpoint=runs',
    'project=shop;experiment=exp;target_endpoint=run_metrics;by=step',
    'project=shop;experiment=exp;target_endpoint=run_metrics',
    'project=shop;experiment=exp;target_endpoint=run_params',
    'project=shop;experiment=exp;target_endpoint=profiling',
    'project=shop;experiment=exp;target_endpoint=profiling_series',
    'project=shop;target_endpoint=endpoints',
  ];

  beforeAll(async () => {
    f = await startFixture();
    const answers: Array<[string, unknown[]]> = [];
    for (const target of targets()) {
      const body = queryBody(f.base - 5 * MINUTE, f.base + 30 * MINUTE, [{ refId: 'A', target }]);
      const reply = await call<unknown[]>(f.url, 'POST', '/grafana/query', { body });
      if (reply.status !== 200) throw new Error(`${target}: ${reply.status} ${JSON.stringify(reply.body)}`);
      answers.push([target, reply.body]);
    }
    const variableReply = await call<unknown[]>(f.url, 'POST', '/grafana/variable', {
      body: { payload: { target: 'project=shop;target_endpoint=endpoints' } },
    });
    grafana = await withGrafanaData([...answers.flatMap(([, items]) => items), variableReply.body]);
    const converted = [...grafana.converted];
    byTarget = new Map(answers.map(([target, items]) => [target, converted.splice(0, items.length)]));
    variable = converted[0];
  }, 60_000);
  afterAll(() => f.close());

  const of = (target: string) => byTarget.get(target) ?? [];

  it('every query target converts, each frame tagged with its refId and typed consistently', () => {
    for (const target of targets()) {
      const frames = of(target);
      expect(frames.length).toBeGreaterThan(0);
      for (const { frame } of frames) {
        expect(frame.refId).toBe('A');
        expect(frame.fields.length).toBeGreaterThan(0);
        for (const field of frame.fields) {
          expect(field.values).toHaveLength(frame.length);
          for (const value of field.values) {
            if (value === null || value === undefined) continue;
            if (field.type === 'number' || field.type === 'time') expect(typeof value).toBe('number');
            if (field.type === 'string') expect(typeof value).toBe('string');
          }
        }
      }
    }
  });

  it('time series become a time field and a number field named by the series', () => {
    const [{ frame }] = of(`endpoint_id=${f.churn};target_endpoint=predictions`);
    expect(frame.fields.map((x) => [x.name, x.type])).toEqual([
      ['Time', 'time'],
      ['Value', 'number'],
    ]);
    expect(frame.name).toBe('churn:v1');
    expect(frame.length).toBe(35);
    expect(frame.fields[1].values[5]).toBe(10);
  });

  it("MLRun's tables keep their columns and types", () => {
    const [{ frame }] = of('project=shop;target_endpoint=list_endpoints');
    expect(frame.fields.map((x) => `${x.name}:${x.type}`)).toEqual([
      'endpoint_id:string',
      'endpoint_function:string',
      'endpoint_model:string',
      'endpoint_model_class:string',
      'first_request:time',
      'last_request:time',
      'accuracy:number',
      'error_count:number',
      'drift_status:string',
      'predictions_per_second:number',
      'latency_avg_1h:number',
      // Ours, appended after MLRun's so its dashboards' column indexes still hold.
      'endpoint_version:string',
      'endpoint_labels:string',
    ]);
    expect(frame.fields[4].values[0]).toBe(f.base);
  });

  it('heat maps are heatmap-rows frames: time first, then one numeric row per endpoint or latency bucket', () => {
    for (const target of [
      'project=shop;target_endpoint=heatmap;metric=predictions_per_second',
      `${e()};target_endpoint=latency_heatmap`,
    ]) {
      const [{ frame, histogram }] = of(target);
      expect(frame.meta?.type).toBe(grafana.heatmapRows);
      expect(frame.fields[0].type).toBe('time');
      expect(frame.fields.slice(1).every((x) => x.type === 'number')).toBe(true);
      // @grafana/data reads a heatmap-rows frame's numeric fields as its buckets.
      expect(histogram?.counts[0].values).toHaveLength(frame.fields.length);
    }
    const [{ frame }] = of('project=shop;target_endpoint=heatmap;metric=predictions_per_second');
    expect(frame.fields.map((x) => x.name)).toEqual(['time', 'churn:v1', 'fraud.gbm:v2']);
  });

  it('feature histograms are pre-bucketed: getHistogramFields finds xMin, xMax and expected/actual as counts', () => {
    const sum = (values: unknown[]) => (values as number[]).reduce((a, b) => a + b, 0);
    for (const feature of ['x', 'c']) {
      const frames = of(`${e()};target_endpoint=feature_histogram;feature=${feature}`);
      expect(frames).toHaveLength(1);
      const { histogram } = frames[0];
      expect(histogram).not.toBeNull();
      expect(histogram?.counts.map((c) => c.name)).toEqual(['expected', 'actual']);
      expect(sum(histogram?.counts[0].values ?? [])).toBeCloseTo(1, 12);
      expect(sum(histogram?.counts[1].values ?? [])).toBeCloseTo(1, 12);
      const lows = histogram?.xMin.values as number[];
      const highs = histogram?.xMax.values as number[];
      lows.forEach((low, i) => expect(low).toBeLessThan(highs[i]));
    }
    const [{ histogram }] = of(`${e()};target_endpoint=feature_histogram;feature=x`);
    expect(histogram?.xMin.values[1]).toBe(0);
    expect(histogram?.xMax.values[20]).toBe(99);
  });

  it('series by step (experiments) keep a numeric step field first', () => {
    const frames = of('project=shop;experiment=exp;target_endpoint=run_metrics;by=step');
    expect(frames.map((x) => x.frame.name)).toEqual(['loss run 1', 'loss run 2']);
    expect(frames[0].frame.fields.map((x) => [x.name, x.type])).toEqual([
      ['step', 'number'],
      ['loss', 'number'],
    ]);
  });

  it('variable answers convert to the __text/__value fields simpod reads', () => {
    expect(variable.frame.fields.map((x) => x.name)).toEqual(['__text', '__value']);
    expect(variable.frame.fields[1].values).toEqual([f.churn, f.fraud]);
  });
});

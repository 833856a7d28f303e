/**
 * The data source against a running Driftwatch proxy over real HTTP. Grafana's fetch is the thin
 * shim of tests/helpers/backendSrvShim.ts: it forwards through an emulation of Grafana's data
 * proxy built from the data source's own plugin.json routes, so the API key only ever travels in
 * the server-side hop. Expected values come from the proxy's REST API, not from the code under test.
 */
import type { DataFrame } from '@grafana/data';
import type { DriftwatchQuery } from '../../src/datasource/types';
import type { DemoProxyInfo } from '../helpers/demoProxy';
import { closedPort, proxyInfo, queryRequest, restGet, wireDataSource } from '../helpers/testEnv';

interface DriftReport {
  features: Array<{
    name: string;
    measures: Record<string, { value: number } | undefined>;
    histograms: { expected: number[]; actual: number[] };
  }>;
}

const column = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];

describe('DriftwatchDataSource over real HTTP through the data-proxy route', () => {
  let info: DemoProxyInfo;
  let drifting: DemoProxyInfo['endpoints'][number];
  let healthy: DemoProxyInfo['endpoints'][number];

  beforeAll(() => {
    info = proxyInfo();
    drifting = info.endpoints.find((e) => e.driftStatus === 'DRIFT_DETECTED') ?? info.endpoints[0];
    healthy = info.endpoints.find((e) => e.driftStatus === 'NO_DRIFT') ?? info.endpoints[1];
  });

  describe('Save & test', () => {
    it('succeeds with a read key and lists the visible projects', async () => {
      const { ds } = wireDataSource(
        { url: info.url, defaultProject: info.project },
        { apiKey: info.readKey },
      );
      const result = await ds.testDatasource();
      expect(result.status).toBe('success');
      expect(result.message).toContain(info.project);
    });

    it('says the proxy is unreachable when nothing listens at the URL (Grafana answers 502)', async () => {
      const { ds } = wireDataSource(
        { url: `http://127.0.0.1:${await closedPort()}` },
        { apiKey: info.readKey },
      );
      const result = await ds.testDatasource();
      expect(result.status).toBe('error');
      expect(result.message).toMatch(
        /^Cannot reach the Driftwatch proxy at http:\/\/127\.0\.0\.1:\d+: Grafana's server got no answer \(HTTP 502\)/,
      );
    });

    it.each([
      ['a wrong key', 'dwk_000000000000.not-a-key'],
      ['a revoked key', 'revoked'],
      ['no key', undefined],
    ])('says the key is rejected for %s (the proxy 401 arrives as Grafana 400)', async (_what, key) => {
      const apiKey = key === 'revoked' ? info.revokedKey : key;
      const { ds } = wireDataSource({ url: info.url }, apiKey === undefined ? {} : { apiKey });
      const result = await ds.testDatasource();
      expect(result.status).toBe('error');
      expect(result.message).toMatch(
        /^The Driftwatch proxy rejected the API key: it is missing, wrong or revoked/,
      );
    });

    it('warns when the default project is outside what the key may read', async () => {
      const { ds } = wireDataSource(
        { url: info.url, defaultProject: info.project },
        { apiKey: info.otherProjectKey },
      );
      const result = await ds.testDatasource();
      expect(result.status).toBe('warning');
      expect(result.message).toContain(`"${info.project}" is not visible`);
    });

    it('asks for a URL before trying', async () => {
      const { ds } = wireDataSource({}, { apiKey: info.readKey });
      expect(await ds.testDatasource()).toEqual({
        status: 'error',
        message: expect.stringContaining('Set the URL'),
      });
    });

    it('keeps the key out of the browser: requests go to the data proxy URL with no Authorization header', async () => {
      const { ds, shim } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      await ds.testDatasource();
      expect(shim.requests.length).toBeGreaterThan(0);
      for (const r of shim.requests) {
        expect(r.url.startsWith('/api/datasources/proxy/uid/dw/grafana/')).toBe(true);
        expect(JSON.stringify(r)).not.toContain(info.readKey);
      }
    });
  });

  describe('queries', () => {
    it('feature_drift (builder mode) answers the measures the REST API computes', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      const request = queryRequest<DriftwatchQuery>([
        {
          refId: 'A',
          queryType: 'feature_drift',
          payload: { project: info.project, endpoint_id: drifting.id },
        },
      ]);
      const response = await ds.query(request);
      expect(response.errors).toBeUndefined();
      expect(response.data).toHaveLength(1);
      const frame = response.data[0] as DataFrame;
      expect(frame.refId).toBe('A');
      const from = request.range.from.toISOString();
      const to = request.range.to.toISOString();
      const report = await restGet<DriftReport>(
        `${info.url}/api/v1/endpoints/${drifting.id}/drift?from=${from}&to=${to}`,
        info.readKey,
      );
      const names = column(frame, 'feature_name');
      expect(names.slice(0, report.features.length)).toEqual(report.features.map((f) => f.name));
      report.features.forEach((f, i) => {
        expect(column(frame, 'tvd')[i]).toBeCloseTo(f.measures.tvd?.value ?? NaN, 10);
        expect(column(frame, 'hellinger')[i]).toBeCloseTo(f.measures.hellinger?.value ?? NaN, 10);
      });
      expect(column(frame, 'drift_status')).toContain('DRIFT_DETECTED');
    });

    it('feature_histogram answers one pre-bucketed frame per feature with both sides as shares', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([
          { refId: 'H', queryType: 'feature_histogram', payload: { endpoint_id: drifting.id } },
        ]),
      );
      const frames = response.data as DataFrame[];
      expect(frames.map((f) => f.name)).toEqual([
        'sepal_length',
        'sepal_width',
        'petal_length',
        'petal_width',
      ]);
      for (const f of frames) {
        const sum = (name: string) =>
          (column(f, name) as Array<number | null>).reduce<number>((s, v) => s + (v ?? 0), 0);
        expect(sum('expected')).toBeCloseTo(1, 6);
        expect(sum('actual')).toBeCloseTo(1, 6);
        expect(f.refId).toBe('H');
      }
    });

    it('raw mode sends an MLRun target string as it is, after interpolating variables (multi-value too)', async () => {
      const { ds, templateSrv } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      templateSrv.set('project', info.project);
      templateSrv.set('endpoint', [drifting.id, healthy.id]);
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([
          { refId: 'A', target: 'project=$project;endpoint_id=$endpoint;target_endpoint=list_endpoints' },
        ]),
      );
      expect(response.errors).toBeUndefined();
      const ids = column(response.data[0] as DataFrame, 'endpoint_id');
      expect([...ids].sort()).toEqual([drifting.id, healthy.id].sort());
    });

    it("shows the proxy's validation error on the wrong query only; the other query still answers", async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([
          { refId: 'A', target: `project=${info.project};target_endpoint=list_endpoints` },
          { refId: 'B', target: `endpoint_id=${drifting.id};metric=bogus;target_endpoint=drift_over_time` },
          { refId: 'C', target: 'target_endpoint=no_such_thing' },
        ]),
      );
      expect(response.data.map((f: DataFrame) => f.refId)).toEqual(['A']);
      expect(response.errors?.map((e) => e.refId)).toEqual(['B', 'C']);
      expect(response.errors?.[0].message).toContain('metric "bogus" does not apply to drift_over_time');
      expect(response.errors?.[1].message).toContain('unknown target_endpoint "no_such_thing"');
      expect(response.errors?.[1].status).toBe(400);
    });

    it('reports a key limited to other projects as not allowed (403)', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.otherProjectKey });
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([
          { refId: 'A', queryType: 'feature_drift', payload: { endpoint_id: drifting.id } },
        ]),
      );
      expect(response.errors?.[0]).toMatchObject({ refId: 'A', status: 403 });
      expect(response.errors?.[0].message).toMatch(
        /^The API key is valid but not allowed to do this: API key "grafana-other" may not access project "demo"/,
      );
    });

    it('fills an empty project with the default project', async () => {
      const { ds, shim } = wireDataSource(
        { url: info.url, defaultProject: info.project },
        { apiKey: info.readKey },
      );
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([{ refId: 'A', queryType: 'endpoint_count', payload: {} }]),
      );
      expect(column(response.data[0] as DataFrame, 'endpoints')).toEqual([3]);
      expect(JSON.stringify(shim.requests[0].data)).toContain(`"project":"${info.project}"`);
    });

    it('skips hidden and empty queries', async () => {
      const { ds, shim } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([
          { refId: 'A', target: 'target_endpoint=list_projects', hide: true },
          { refId: 'B', target: '  ' },
        ]),
      );
      expect(response.data).toEqual([]);
      expect(shim.requests).toHaveLength(0);
    });

    it('annotations: drift status changes as a frame Grafana reads as annotations', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      const prepared = ds.annotations?.prepareAnnotation?.({
        name: 'Drift',
        enable: true,
        iconColor: 'red',
        query: `project=${info.project}`,
      } as never);
      expect(prepared?.target).toMatchObject({
        editorMode: 'raw',
        target: `target_endpoint=annotations;project=${info.project}`,
      });
      const target = prepared?.target as DriftwatchQuery;
      const response = await ds.query(
        queryRequest<DriftwatchQuery>([{ ...target, refId: 'Anno' }], {
          range: { ...queryRequest([]).range, from: queryRequest([]).range.from.subtract(1, 'day') },
        }),
      );
      const frame = response.data[0] as DataFrame;
      expect(frame.fields.map((f) => f.name)).toEqual(
        expect.arrayContaining(['time', 'timeEnd', 'title', 'text', 'tags']),
      );
      expect(column(frame, 'kind')).toContain('drift_status');
      expect(column(frame, 'endpoint_id')).toContain(drifting.id);
    });
  });

  describe('template variables', () => {
    it('lists projects, endpoints (text model:version, value the id), features, experiments, runs and metric names', async () => {
      const { ds, templateSrv } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      templateSrv.set('project', info.project);
      templateSrv.set('endpoint', drifting.id);
      expect(await ds.metricFindQuery({ kind: 'projects' })).toEqual([
        { text: info.project, value: info.project },
      ]);
      const endpoints = await ds.metricFindQuery({ kind: 'endpoints', project: '$project' });
      expect(endpoints.map((e) => e.value).sort()).toEqual(info.endpoints.map((e) => e.id).sort());
      expect(endpoints.find((e) => e.value === drifting.id)?.text).toBe(
        `${drifting.model}:${drifting.version}`,
      );
      expect(
        (await ds.metricFindQuery({ kind: 'features', project: '$project', endpointId: '$endpoint' })).map(
          (f) => f.text,
        ),
      ).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
      expect(await ds.metricFindQuery({ kind: 'experiment_names', project: '$project' })).toEqual([
        { text: 'iris/training', value: 'iris/training' },
      ]);
      expect(
        (
          await ds.metricFindQuery({ kind: 'run_numbers', project: '$project', experiment: 'iris/training' })
        ).map((r) => r.value),
      ).toEqual(['1', '2', '3', '4']);
      expect(
        (await ds.metricFindQuery({ kind: 'metric_names', project: '$project', experiment: 'iris/training' }))
          .length,
      ).toBeGreaterThan(0);
    });

    it('takes the SimpleJSON shape {refId, target} and plain strings, and multi-value / All variables', async () => {
      const { ds, templateSrv } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      templateSrv.set('project', [info.project, 'nothing-here']);
      const viaObject = await ds.metricFindQuery({
        refId: 'v',
        target: 'project=$project;target_endpoint=endpoints',
      });
      expect(viaObject).toHaveLength(3);
      templateSrv.set('project', '$__all', ['*']);
      expect(await ds.metricFindQuery('project=$project;target_endpoint=models')).toHaveLength(3);
    });

    it('explains a wrong variable query with the proxy message', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      await expect(ds.metricFindQuery({ target: 'target_endpoint=feature_drift' })).rejects.toThrow(
        /is a query, not a list of names/,
      );
    });

    it('builder lists come from the proxy: the catalogue and the options of a field', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      const catalogue = await ds.getCatalogue();
      expect(catalogue.find((c) => c.value === 'feature_drift')?.payloads.map((p) => p.name)).toEqual([
        'project',
        'endpoint_id',
        'feature',
        // feature_drift can be asked for one segment or all segments of a key (issue 15).
        'segment_key',
        'segment',
      ]);
      const options = await ds.getPayloadOptions('feature_drift', 'endpoint_id', { project: info.project });
      expect(options.map((o) => o.label).sort()).toEqual(
        info.endpoints.map((e) => `${e.model}:${e.version}`).sort(),
      );
      const features = await ds.getPayloadOptions('feature_drift', 'feature', {
        project: '$project',
        endpoint_id: drifting.id,
      });
      expect(features.map((o) => o.value)).toContain('petal_length');
    });

    it('ad hoc filters: keys and values from the proxy, "=" filters narrow the queries', async () => {
      const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
      expect((await ds.getTagKeys()).map((k) => k.text)).toEqual([
        'project',
        'model',
        'function',
        'endpoint_id',
      ]);
      expect((await ds.getTagValues({ key: 'model' })).map((v) => v.text).sort()).toEqual(
        info.endpoints.map((e) => e.model).sort(),
      );
      const response = await ds.query(
        queryRequest<DriftwatchQuery>(
          [{ refId: 'A', queryType: 'list_endpoints', payload: { project: info.project } }],
          {
            filters: [{ key: 'model', operator: '=', value: drifting.model }],
          },
        ),
      );
      expect(column(response.data[0] as DataFrame, 'endpoint_id')).toEqual([drifting.id]);
    });
  });

  it('interpolateVariablesInQueries fills payload and raw targets for Explore and links', () => {
    const { ds, templateSrv } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    templateSrv.set('project', info.project);
    templateSrv.set('endpoint', [drifting.id, healthy.id]);
    const [builder, raw] = ds.interpolateVariablesInQueries(
      [
        {
          refId: 'A',
          queryType: 'feature_drift',
          payload: { project: '$project', endpoint_id: '$endpoint', feature: ['$feature_missing'] },
        },
        { refId: 'B', target: 'project=$project;endpoint_id=$endpoint;target_endpoint=list_endpoints' },
      ],
      {},
    );
    expect(builder.payload).toEqual({
      project: info.project,
      endpoint_id: `(${drifting.id}|${healthy.id})`,
      feature: ['$feature_missing'],
    });
    expect(raw.target).toBe(
      `project=${info.project};endpoint_id=(${drifting.id}|${healthy.id});target_endpoint=list_endpoints`,
    );
    expect(builder.datasource).toEqual({ type: 'driftwatch-proxy-datasource', uid: 'dw' });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'compare', name), 'utf8');

interface Report {
  run: number;
  report: {
    summary: { datasetDrift: boolean; driftedFeatures: number; testedFeatures: number; drift: boolean };
    columns: Array<{ name: string; test: { metric: string; drifted: boolean } | null }>;
  };
}

describe('batch reports over the API', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(() => proxy.close());

  it('compares two real CSV datasets and keeps the report as a snapshot with metrics Grafana can plot', async () => {
    const reply = await call<Report>(proxy.url, 'POST', '/api/v1/reports/compare?project=r', {
      body: {
        experiment: 'reports/weather',
        report: 'seasons',
        reference: fixture('drift-reference.csv'),
        current: fixture('drift-current.csv'),
        target: 'weather',
      },
    });
    expect(reply.status).toBe(201);
    // The same verdict as `driftwatch compare` on these files (test/cli/compare.test.ts).
    expect(reply.body.report.summary).toMatchObject({
      datasetDrift: true,
      driftedFeatures: 4,
      testedFeatures: 5,
      drift: true,
    });
    expect(reply.body.report.columns.find((c) => c.name === 'temp_max')?.test).toMatchObject({
      metric: 'wasserstein',
      drifted: true,
    });

    const snapshots = await call<{ events: Array<{ key: string; value: { kind: string } }> }>(
      proxy.url,
      'GET',
      `/api/v1/experiments/${encodeURIComponent('reports/weather')}/data?project=r&event=snapshot`,
    );
    expect(snapshots.body.events.map((e) => [e.key, e.value.kind])).toEqual([['seasons', 'report']]);
    const metrics = await call<{ events: Array<{ key: string; value: number }> }>(
      proxy.url,
      'GET',
      `/api/v1/experiments/${encodeURIComponent('reports/weather')}/data?project=r&event=metric&key=drifted_share,dataset_drift,temp_max.drifted`,
    );
    expect(Object.fromEntries(metrics.body.events.map((e) => [e.key, e.value]))).toEqual({
      'temp_max.drifted': 1,
      drifted_share: 0.8,
      dataset_drift: 1,
    });
  });

  it('reads NA, NaN and null in CSV text as missing, as `driftwatch compare` reads a file: the column stays numeric', async () => {
    const csv = (shift: number) =>
      [
        'x',
        ...Array.from({ length: 40 }, (_, i) =>
          i % 10 === 0 ? ['NA', 'NaN', 'null', 'NA'][i / 10] : String(i + shift),
        ),
      ].join('\n');
    const reply = await call<Report>(proxy.url, 'POST', '/api/v1/reports/compare?project=r', {
      body: { experiment: 'reports/missing', reference: csv(0), current: csv(100) },
    });
    expect(reply.status).toBe(201);
    // A numeric column gets KS (at most 1,000 values); read as text it would be categorical and get chi-squared.
    expect(reply.body.report.columns.find((c) => c.name === 'x')?.test).toMatchObject({
      metric: 'ks',
      drifted: true,
    });
  });

  it('accepts JSON rows, and refuses bad requests without writing anything', async () => {
    const reference = Array.from({ length: 50 }, (_, i) => ({ x: i, c: i % 2 ? 'a' : 'b' }));
    const ok = await call<Report>(proxy.url, 'POST', '/api/v1/reports/compare?project=r', {
      body: { experiment: 'reports/rows', reference, current: reference },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.report.summary.drift).toBe(false);
    const unknownColumn = await call<{ error: string }>(
      proxy.url,
      'POST',
      '/api/v1/reports/compare?project=r',
      {
        body: { experiment: 'reports/bad', reference, current: reference, target: 'nope' },
      },
    );
    expect(unknownColumn.status).toBe(400);
    const badMetric = await call(proxy.url, 'POST', '/api/v1/reports/compare?project=r', {
      body: { experiment: 'reports/bad', reference, current: reference, tests: { x: { metric: 'magic' } } },
    });
    expect(badMetric.status).toBe(400);
    expect(
      (await call(proxy.url, 'GET', `/api/v1/experiments/${encodeURIComponent('reports/bad')}?project=r`))
        .status,
    ).toBe(404);
  });
});

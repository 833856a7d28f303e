import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  QUANTILE_SKETCH_BINS,
  REFERENCE_LIMITS,
} from '../../../src/monitoring/reference/referenceAccumulator';
import type {
  CategoricalColumnStatistics,
  NumericColumnStatistics,
  ReferenceStatistics,
} from '../../../src/monitoring/reference/types';
import type { RunningProxy } from '../../../src/server';
import { call, startTestProxy } from '../../helpers/proxy';
import {
  CATEGORICAL,
  NUMERIC,
  generateData,
  numpyStatistics,
  type GeneratedData,
  type NumpyCategorical,
  type NumpyNumeric,
} from './referenceData';

interface Reference {
  version: number;
  rowCount: number;
  statistics: ReferenceStatistics;
}

const relative = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(1, Math.abs(expected));

/** The numeric and categorical columns of a reference against numpy's. */
function expectNumpy(
  statistics: ReferenceStatistics,
  numpy: Record<string, NumpyNumeric | NumpyCategorical>,
) {
  for (const name of NUMERIC) {
    const ours = statistics.features.find((c) => c.name === name) as NumericColumnStatistics;
    const theirs = numpy[name] as NumpyNumeric;
    expect(ours.kind).toBe('numeric');
    expect([ours.count, ours.missing, ours.min, ours.max]).toEqual([
      theirs.count,
      theirs.missing,
      theirs.min,
      theirs.max,
    ]);
    expect(relative(ours.mean, theirs.mean)).toBeLessThan(1e-9);
    expect(relative(ours.std, theirs.std)).toBeLessThan(1e-9);
    ours.edges.forEach((edge, i) => expect(relative(edge, theirs.edges[i])).toBeLessThan(1e-12));
    expect(ours.counts).toEqual(theirs.counts);
    for (const [level, value] of Object.entries(theirs.quantiles)) {
      const estimate = ours.quantiles[level as keyof NumericColumnStatistics['quantiles']];
      expect(Math.abs(estimate - value)).toBeLessThanOrEqual(
        (ours.quantileMaxError ?? 0) + 1e-12 * Math.abs(value),
      );
    }
  }
  for (const name of CATEGORICAL) {
    const ours = statistics.features.find((c) => c.name === name) as CategoricalColumnStatistics;
    const theirs = numpy[name] as NumpyCategorical;
    const ranked = Object.entries(theirs.frequencies).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    expect(ours.categories).toEqual(ranked.slice(0, 50).map(([k]) => k));
    const other = ranked.slice(50).reduce((n, [, c]) => n + c, 0);
    expect(ours.counts).toEqual([...ranked.slice(0, 50).map(([, c]) => c), other]);
    expect([ours.missing, ours.distinct]).toEqual([theirs.missing, ranked.length]);
  }
}

describe('training-scale references', () => {
  let proxy: RunningProxy;
  let url: string;
  let dir: string;
  const endpoints: Record<string, string> = {};
  // More rows than the raw-value limit: the numeric quantiles come from the documented sketch.
  const large = generateData(REFERENCE_LIMITS.rawValueLimit + 20_000, 7);
  const small = generateData(3_000, 11);
  const files: Record<string, string> = {};

  const newEndpoint = async (model: string) => {
    const reply = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: { model, version: 'v1', predictionColumns: [{ name: 'prediction', kind: 'numeric' }] },
    });
    expect(reply.status).toBe(201);
    return reply.body.id;
  };
  const upload = (
    id: string,
    body: string | Buffer,
    contentType: string,
    headers: Record<string, string> = {},
  ) =>
    call<Reference>(url, 'PUT', `/api/v1/endpoints/${id}/reference`, {
      rawBody: body,
      headers: { 'content-type': contentType, ...headers },
    });
  const versions = async (id: string) =>
    (await call<{ versions: unknown[] }>(url, 'GET', `/api/v1/endpoints/${id}/reference/versions`)).body
      .versions;

  beforeAll(async () => {
    proxy = await startTestProxy({ maxBodyBytes: 64 << 20, maxArtifactBytes: 32 << 20 });
    url = proxy.url;
    dir = mkdtempSync(join(tmpdir(), 'dw-reference-test-'));
    for (const [name, data] of Object.entries({ large, small }) as Array<[string, GeneratedData]>) {
      files[name] = join(dir, `${name}.csv`);
      writeFileSync(files[name], data.csv);
    }
    for (const name of ['memory', 'csv', 'gzip', 'ndjson', 'small', 'cut', 'run', 'markers'])
      endpoints[name] = await newEndpoint(`ref-${name}`);
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a streamed CSV gives the same statistics and bins as rows in memory, and both match numpy', async () => {
    const memory = await call<Reference>(url, 'PUT', `/api/v1/endpoints/${endpoints.memory}/reference`, {
      body: large.rows,
    });
    expect(memory.status).toBe(201);
    const streamed = await upload(endpoints.csv, large.csv, 'text/csv');
    expect(streamed.status).toBe(201);
    expect(streamed.body.rowCount).toBe(large.rows.length);
    expect(streamed.body.statistics).toEqual(memory.body.statistics);
    const a = streamed.body.statistics.features[0] as NumericColumnStatistics;
    expect(a.quantileMaxError).toBeCloseTo((a.max - a.min) / QUANTILE_SKETCH_BINS, 15);
    expect(a.quantileMaxError).toBeGreaterThan(0);
    expectNumpy(streamed.body.statistics, await numpyStatistics(files.large));
  }, 120_000);

  it('gzip-compressed CSV and NDJSON give the same reference', async () => {
    const csv = (await call<Reference>(url, 'GET', `/api/v1/endpoints/${endpoints.csv}/reference`)).body;
    const gzip = await upload(endpoints.gzip, gzipSync(large.csv), 'text/csv', {
      'content-encoding': 'gzip',
    });
    expect(gzip.status).toBe(201);
    expect(gzip.body.statistics).toEqual(csv.statistics);
    const ndjson = await upload(endpoints.ndjson, gzipSync(large.ndjson), 'application/x-ndjson');
    expect(ndjson.status).toBe(201);
    expect(ndjson.body.statistics).toEqual(csv.statistics);
  }, 120_000);

  it('below the raw-value limit the quantiles are exact (numpy linear)', async () => {
    const reply = await upload(endpoints.small, small.csv, 'text/csv');
    expect(reply.status).toBe(201);
    const numpy = await numpyStatistics(files.small);
    for (const name of NUMERIC) {
      const ours = reply.body.statistics.features.find((c) => c.name === name) as NumericColumnStatistics;
      expect(ours.quantileMaxError).toBe(0);
      for (const [level, value] of Object.entries((numpy[name] as NumpyNumeric).quantiles))
        expect(relative(ours.quantiles[level as 'p50'], value)).toBeLessThan(1e-12);
    }
    expectNumpy(reply.body.statistics, numpy);
  });

  it('an upload cut off mid-body changes nothing and leaves no spooled file', async () => {
    const spooled = () => readdirSync(tmpdir()).filter((n) => n.startsWith('driftwatch-upload-'));
    const before = new Set(spooled());
    await expect(versions(endpoints.cut)).resolves.toEqual([]);
    const body = Buffer.from(large.csv);
    await new Promise<void>((resolve) => {
      const req = request(`${url}/api/v1/endpoints/${endpoints.cut}/reference`, {
        method: 'PUT',
        headers: { 'content-type': 'text/csv', 'content-length': String(body.length) },
      });
      req.on('error', () => resolve());
      req.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.destroy(), 200));
      req.on('close', () => resolve());
    });
    const deadline = Date.now() + 10_000;
    while (spooled().some((n) => !before.has(n)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(spooled().filter((n) => !before.has(n))).toEqual([]);
    expect(await versions(endpoints.cut)).toEqual([]);
    const endpoint = await call<{ referenceVersion: number; features: unknown[] }>(
      url,
      'GET',
      `/api/v1/endpoints/${endpoints.cut}`,
    );
    expect(endpoint.body).toMatchObject({ referenceVersion: 0, features: [] });
    const progress = await call(url, 'GET', `/api/v1/endpoints/${endpoints.cut}/reference/progress`);
    expect(progress.body).toEqual({ builds: [] });
  });

  it('refuses uploads past the limit (413), malformed bodies (400) and bad columns (422) and keeps the reference', async () => {
    const tight = await startTestProxy({ maxArtifactBytes: 1 << 20 });
    try {
      const id = (
        await call<{ id: string }>(tight.url, 'POST', '/api/v1/endpoints', { body: { model: 'tight' } })
      ).body.id;
      const tooBig = await call(tight.url, 'PUT', `/api/v1/endpoints/${id}/reference`, {
        rawBody: large.csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body).toEqual({ error: `the upload exceeds the limit of ${1 << 20} bytes` });
      expect(
        (await call<{ versions: unknown[] }>(tight.url, 'GET', `/api/v1/endpoints/${id}/reference/versions`))
          .body.versions,
      ).toEqual([]);
    } finally {
      await tight.close();
    }
    const ragged = await upload(endpoints.small, 'a,b\n1,2\n3\n', 'text/csv');
    expect(ragged.status).toBe(400);
    expect((ragged.body as unknown as { error: string }).error).toMatch(
      /^"upload" is not a readable CSV file: /,
    );
    const notJson = await upload(endpoints.small, '{"a":1}\n{oops\n', 'application/x-ndjson');
    expect(notJson.status).toBe(400);
    expect((notJson.body as unknown as { error: string }).error).toMatch(/^upload line 2 is not JSON: /);
    // Spaces around cells and names are trimmed; NA and empty cells are missing.
    const spaced = await upload(endpoints.cut, 'x , kind\n 1 , a\n2,b \nNA, \n', 'text/csv');
    expect(spaced.status).toBe(201);
    expect(spaced.body.statistics.features).toMatchObject([
      { name: 'x', kind: 'numeric', count: 2, missing: 1, min: 1, max: 2 },
      { name: 'kind', kind: 'categorical', count: 2, missing: 1, categories: ['a', 'b'] },
    ]);
    const noRows = await upload(endpoints.small, 'a,b\n', 'text/csv');
    expect(noRows.status).toBe(422);
    expect(noRows.body).toEqual({ error: 'the reference has no rows' });
    const brokenGzip = await upload(endpoints.small, gzipSync(small.csv).subarray(0, 200), 'text/csv');
    expect(brokenGzip.status).toBe(400);
    expect(await versions(endpoints.small)).toHaveLength(1);
  });

  it('a run artifact becomes the reference without another upload, with its lineage', async () => {
    expect((await call(url, 'POST', '/api/v1/experiments/training/runs')).status).toBe(201);
    const bytes = gzipSync(small.csv);
    const put = await call(url, 'PUT', '/api/v1/experiments/training/runs/1/artifacts/train.csv.gz', {
      rawBody: bytes,
      headers: { 'content-type': 'application/gzip' },
    });
    expect(put.status).toBe(201);
    const reply = await call<Reference>(url, 'PUT', `/api/v1/endpoints/${endpoints.run}/reference`, {
      body: { experiment: 'training', run: 1, artifact: 'train.csv.gz' },
    });
    expect(reply.status).toBe(201);
    const lineage = {
      project: 'default',
      experiment: 'training',
      run: 1,
      artifact: 'train.csv.gz',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      rows: small.rows.length,
    };
    expect(reply.body.statistics.lineage).toEqual(lineage);
    const uploaded = (
      await call<Reference>(url, 'GET', `/api/v1/endpoints/${endpoints.small}/reference?version=1`)
    ).body;
    expect({ ...reply.body.statistics, lineage: undefined }).toEqual({
      ...uploaded.statistics,
      lineage: undefined,
    });
    const endpoint = await call<{ referenceLineage: unknown }>(
      url,
      'GET',
      `/api/v1/endpoints/${endpoints.run}`,
    );
    expect(endpoint.body.referenceLineage).toEqual(lineage);

    // Grafana: the Details and Experiments dashboards' lineage table.
    const query = async (target: string) =>
      (
        await call<Array<{ columns: Array<{ text: string }>; rows: unknown[][] }>>(
          url,
          'POST',
          '/grafana/query',
          {
            body: { targets: [{ refId: 'A', target }] },
          },
        )
      ).body[0];
    const byRun = await query('target_endpoint=reference_lineage;experiment=training');
    expect(byRun.columns.map((c) => c.text)).toEqual([
      'project',
      'endpoint_id',
      'endpoint_name',
      'reference_version',
      'reference_created',
      'reference_rows',
      'experiment',
      'run',
      'artifact',
      'sha256',
    ]);
    expect(byRun.rows).toEqual([
      [
        'default',
        endpoints.run,
        'ref-run:v1',
        1,
        expect.any(Number),
        small.rows.length,
        'training',
        1,
        'train.csv.gz',
        lineage.sha256,
      ],
    ]);
    const uploadedRow = (await query(`target_endpoint=reference_lineage;endpoint_id=${endpoints.small}`))
      .rows;
    expect(uploadedRow).toEqual([
      [
        'default',
        endpoints.small,
        'ref-small:v1',
        1,
        expect.any(Number),
        small.rows.length,
        null,
        null,
        null,
        null,
      ],
    ]);

    const missing = await call(url, 'PUT', `/api/v1/endpoints/${endpoints.run}/reference`, {
      body: { experiment: 'training', run: 1, artifact: 'nope.csv' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: 'artifact "nope.csv" of run 1 in experiment "training" does not exist',
    });
    const badRun = await call(url, 'PUT', `/api/v1/endpoints/${endpoints.run}/reference`, {
      body: { experiment: 'training', run: 0, artifact: 'train.csv.gz' },
    });
    expect(badRun.status).toBe(400);
    expect(await versions(endpoints.run)).toHaveLength(1);
  });

  it('marks reference changes and first traffic (annotations, events) and reports a window straddling a change', async () => {
    const id = endpoints.markers;
    const start = Date.now();
    const ingest = async (batchId: string, n: number) => {
      const reply = await call(url, 'POST', '/api/v1/predictions', {
        body: {
          batchId,
          events: small.rows
            .slice(0, n)
            .map((row) => ({ endpoint: id, features: row, prediction: 1, latencyMs: 2 })),
        },
      });
      expect(reply.status).toBe(201);
    };
    expect((await upload(id, small.csv, 'text/csv')).status).toBe(201);
    await ingest('before', 30);
    await new Promise((r) => setTimeout(r, 5));
    expect(
      (await upload(id, large.csv.slice(0, 200_000).replace(/\n[^\n]*$/, '\n'), 'text/csv')).status,
    ).toBe(201);
    await ingest('after', 20);
    const [v1, v2] = (
      await call<{ versions: Array<{ version: number; createdAt: string }> }>(
        url,
        'GET',
        `/api/v1/endpoints/${id}/reference/versions`,
      )
    ).body.versions;
    const end = Date.now() + 60_000;

    const drift = await call<{
      window: { predictions: number };
      referenceCoverage: {
        straddlesChange: boolean;
        scoredVersion: number;
        segments: unknown[];
        note: string;
      };
    }>(url, 'GET', `/api/v1/endpoints/${id}/drift?from=${start - 60_000}&to=${end}`);
    expect(drift.status).toBe(200);
    expect(drift.body.window.predictions).toBe(20);
    expect(drift.body.referenceCoverage).toEqual({
      straddlesChange: true,
      scoredVersion: 2,
      segments: [
        { version: 1, from: Date.parse(v1.createdAt), to: Date.parse(v2.createdAt), predictions: 30 },
        { version: 2, from: Date.parse(v2.createdAt), to: end, predictions: 20 },
      ],
      note: 'the window straddles a reference change: scores compare only the traffic counted under reference version 2; 30 predictions under version(s) 1 are not in them',
    });
    const later = await call<{ referenceCoverage: unknown }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/drift?from=${Date.parse(v2.createdAt)}&to=${end}`,
    );
    expect(later.body.referenceCoverage).toEqual({
      straddlesChange: false,
      scoredVersion: 2,
      segments: [{ version: 2, from: Date.parse(v2.createdAt), to: end, predictions: null }],
    });

    const endpoint = (await call<{ firstRequest: string }>(url, 'GET', `/api/v1/endpoints/${id}`)).body;
    const annotations = await call<Array<{ title: string; time: number; tags: string[] }>>(
      url,
      'POST',
      '/grafana/annotations',
      {
        body: {
          range: { from: new Date(start - 60_000).toISOString(), to: new Date(end).toISOString() },
          annotation: { name: 'markers', query: `endpoint_id=${id}` },
        },
      },
    );
    expect(annotations.status).toBe(200);
    expect(annotations.body.map((a) => [a.title, a.time])).toEqual([
      ['ref-markers:v1 reference v1', Date.parse(v1.createdAt)],
      ['ref-markers:v1 first traffic', Date.parse(endpoint.firstRequest)],
      ['ref-markers:v1 reference v2', Date.parse(v2.createdAt)],
    ]);
    const onlyReferences = await call<unknown[]>(url, 'POST', '/grafana/annotations', {
      body: {
        range: { from: new Date(start - 60_000).toISOString(), to: new Date(end).toISOString() },
        annotation: { query: `endpoint_id=${id};kind=reference_changed` },
      },
    });
    expect(onlyReferences.body).toHaveLength(2);
    const events = await call<{ events: Array<{ kind: string; data: unknown }> }>(
      url,
      'GET',
      `/api/v1/endpoints/${id}/events?from=${start - 60_000}&to=${end}`,
    );
    expect(events.body.events.map((e) => e.kind)).toEqual([
      'reference_changed',
      'model_version_first_traffic',
      'reference_changed',
    ]);
    expect(events.body.events[0].data).toEqual({ version: 1, rowCount: small.rows.length, lineage: null });
    const badKind = await call(url, 'GET', `/api/v1/endpoints/${id}/events?limit=0`);
    expect(badKind.status).toBe(400);
    expect(badKind.body).toEqual({
      error: 'invalid query',
      details: [{ path: 'query.limit', message: 'Too small: expected number to be >=1' }],
    });
  });
});

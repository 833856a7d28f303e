import { call } from '../helpers/proxy';
import { queryBody, startFixture, type Fixture } from './fixture';

describe('Grafana API access: keys and projects', () => {
  let f: Fixture;
  let reader: string;
  let otherOnly: string;
  let writer: string;

  beforeAll(async () => {
    f = await startFixture();
    const keys = f.proxy.services.keys;
    reader = (await keys.create('grafana', ['read'], null)).secret;
    otherOnly = (await keys.create('other-team', ['read'], ['other'])).secret;
    writer = (await keys.create('ingest', ['write'], null)).secret;
  });
  afterAll(() => f.close());

  it('"Save & test" answers 200 for a valid key only', async () => {
    expect((await call(f.url, 'GET', '/grafana/')).status).toBe(401);
    expect((await call(f.url, 'GET', '/grafana/', { token: 'dwk_000000000000.nope' })).status).toBe(401);
    expect((await call(f.url, 'GET', '/grafana/', { token: reader })).status).toBe(200);
    // write implies read
    expect((await call(f.url, 'GET', '/grafana/', { token: writer })).status).toBe(200);
  });

  it('every route needs the key (POSTs are reads too)', async () => {
    for (const path of [
      '/grafana/search',
      '/grafana/metrics',
      '/grafana/query',
      '/grafana/annotations',
      '/grafana/variable',
      '/grafana/tag-keys',
      '/grafana/tag-values',
    ]) {
      const reply = await call<{ error: string }>(f.url, 'POST', path, { body: {} });
      expect([path, reply.status]).toEqual([path, 401]);
      expect(reply.body.error).toMatch(/API key/);
    }
  });

  it("a project-restricted key sees only its projects' endpoints, names and events", async () => {
    const list = await call<Array<{ rows: unknown[][] }>>(f.url, 'POST', '/grafana/query', {
      token: otherOnly,
      body: queryBody(f.base, Date.now(), [{ refId: 'A', target: 'target_endpoint=list_endpoints' }]),
    });
    expect(list.body[0].rows.map((r) => r[2])).toEqual(['iris']);
    const projects = await call(f.url, 'POST', '/grafana/search', {
      token: otherOnly,
      body: { target: 'target_endpoint=list_projects' },
    });
    expect(projects.body).toEqual(['other']);
    const forbidden = await call<{ error: string }>(f.url, 'POST', '/grafana/query', {
      token: otherOnly,
      body: queryBody(f.base, Date.now(), [
        { refId: 'A', target: `endpoint_id=${f.churn};target_endpoint=feature_drift` },
      ]),
    });
    expect(forbidden.status).toBe(403);
    const annotations = await call<unknown[]>(f.url, 'POST', '/grafana/annotations', {
      token: otherOnly,
      body: { range: { from: 0, to: Date.now() + 60_000 }, annotation: { query: '' } },
    });
    expect(annotations.body).toEqual([]);
    const asShop = await call<{ rows: unknown[][] }[]>(f.url, 'POST', '/grafana/query', {
      token: otherOnly,
      body: queryBody(f.base, Date.now(), [
        { refId: 'A', target: 'project=shop;target_endpoint=list_endpoints' },
      ]),
    });
    expect(asShop.body[0].rows).toEqual([]);
  });
});

/**
 * MLRun's own dashboards (v0.8 to v1.6) against the proxy, unchanged: every target they send,
 * interpolated as Grafana's SimpleJSON data source does, answers 200 with MLRun's columns first.
 */
import { call } from '../helpers/proxy';
import { queryBody, startFixture, type Fixture } from './fixture';
import { MLRUN_TARGETS } from './mlrunDashboards';

interface Table {
  type: 'table';
  columns: Array<{ text: string; type: string }>;
  rows: unknown[][];
}

describe("MLRun's dashboard targets, replayed", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.close());

  /** Grafana's interpolation of the dashboards' variables. */
  const interpolate = (target: string) =>
    target.replace(/\$PROJECT/g, 'shop').replace(/\$MODELENDPOINT|\$MODEL/g, f.churn);

  it.each(MLRUN_TARGETS)('$versions $dashboard: $target', async ({ target, columns }) => {
    const reply = await call<Table[]>(f.url, 'POST', '/grafana/query', {
      body: queryBody(f.base, Date.now(), [{ refId: 'A', target: interpolate(target), type: 'table' }]),
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(1);
    const [table] = reply.body;
    expect(table.type).toBe('table');
    expect(table.columns.map((c) => c.text).slice(0, columns.length)).toEqual(columns);
    expect(table.rows.length).toBeGreaterThan(0);
  });

  it('filter_router=True is ignored: the same endpoints as without it', async () => {
    const rows = async (target: string) => {
      const reply = await call<Table[]>(f.url, 'POST', '/grafana/query', {
        body: queryBody(f.base, Date.now(), [{ refId: 'A', target }]),
      });
      expect(reply.status).toBe(200);
      return reply.body[0].rows.map((r) => r[0]);
    };
    const plain = await rows('project=shop;target_endpoint=list_endpoints');
    expect(plain).toEqual([f.churn, f.fraud]);
    expect(await rows('project=shop;target_endpoint=list_endpoints;filter_router=True;')).toEqual(plain);
  });

  it('an unknown target_endpoint is still a 400 naming it', async () => {
    const reply = await call(f.url, 'POST', '/grafana/query', {
      body: queryBody(f.base, Date.now(), [
        { refId: 'A', target: 'project=shop;target_endpoint=list_routers' },
      ]),
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: 'targets.0: invalid query',
      details: [{ path: 'targets.0.target_endpoint', message: 'unknown target_endpoint "list_routers"' }],
    });
  });
});

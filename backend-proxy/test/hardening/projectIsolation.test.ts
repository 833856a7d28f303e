/**
 * Project isolation on every route, over real HTTP: a read+write key limited to `alpha` and two
 * seeded projects, `alpha` and `beta`. The rule: a request that names `beta` (in the path, the
 * query or the body) or a resource of `beta` (an endpoint id, a rule id, an experiment of the
 * project) answers 403 with a JSON error naming the project; a listing or a Grafana filter is
 * narrowed to the key's projects (so asking for `beta` lists nothing); and no refused write
 * changes anything.
 */
import { TARGET_NAMES } from '../../src/grafana/targets';
import type { RunningProxy } from '../../src/server';
import { call, type Reply } from '../helpers/proxy';
import { startTestProxy } from '../helpers/proxy';
import { queryBody } from '../grafana/fixture';

interface Seeded {
  endpoint: string;
  rule: string;
}

const PROJECTS = ['alpha', 'beta'] as const;

async function seed(url: string, token: string, project: string): Promise<Seeded> {
  const ok = (reply: Reply, what: string) => {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply;
  };
  const endpoint = ok(
    await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      token,
      body: { project, model: `model-${project}`, features: [{ name: 'x', kind: 'numeric' }] },
    }),
    'endpoint',
  ).body as { id: string };
  ok(
    await call(url, 'PUT', `/api/v1/endpoints/${endpoint.id}/reference`, {
      token,
      body: [{ x: 1 }, { x: 2 }, { x: 3 }],
    }),
    'reference',
  );
  ok(
    await call(url, 'POST', '/api/v1/predictions', {
      token,
      body: { events: [{ endpoint: endpoint.id, requestId: `req-${project}`, features: { x: 2 } }] },
    }),
    'predictions',
  );
  const x = `/api/v1/experiments/exp-${project}`;
  ok(await call(url, 'POST', `${x}/runs?project=${project}`, { token }), 'run');
  ok(
    await call(url, 'POST', `${x}/events?project=${project}`, {
      token,
      body: [{ event: 'metric', key: 'accuracy', value: 0.9, step: 1 }],
    }),
    'events',
  );
  ok(
    await call(url, 'PUT', `${x}/runs/1/artifacts/data.csv?project=${project}`, {
      token,
      rawBody: 'x\n1\n2\n',
      headers: { 'content-type': 'text/csv' },
    }),
    'artifact',
  );
  ok(
    await call(url, 'POST', '/api/v1/monitors', {
      token,
      body: { name: 'mon', project, experiment: `exp-${project}`, endpoint: endpoint.id },
    }),
    'monitor',
  );
  const rule = ok(
    await call<{ id: string }>(url, 'POST', '/api/v1/alerts/rules', {
      token,
      body: {
        name: `rule-${project}`,
        project,
        endpoint: endpoint.id,
        metric: 'tvd_mean',
        comparison: '>',
        threshold: 0.5,
      },
    }),
    'rule',
  ).body as { id: string };
  return { endpoint: endpoint.id, rule: rule.id };
}

describe('project isolation: a key limited to alpha on every route', () => {
  let proxy: RunningProxy;
  let admin: string;
  let alphaKey: string;
  const seeded: Record<string, Seeded> = {};

  beforeAll(async () => {
    proxy = await startTestProxy();
    admin = (
      await call<{ secret: string }>(proxy.url, 'POST', '/api/v1/keys', {
        body: { name: 'admin', scopes: ['admin'] },
      })
    ).body.secret;
    for (const project of PROJECTS) seeded[project] = await seed(proxy.url, admin, project);
    const limited = await call<{ secret: string }>(proxy.url, 'POST', '/api/v1/keys', {
      token: admin,
      body: { name: 'alpha-team', scopes: ['read', 'write'], projects: ['alpha'] },
    });
    expect(limited.status).toBe(201);
    alphaKey = limited.body.secret;
  });
  afterAll(() => proxy.close());

  /** What an unrestricted key sees of beta: must be the same after every refused request. */
  const betaState = async () => {
    const b = seeded.beta;
    const paths = [
      `/api/v1/endpoints/${b.endpoint}`,
      `/api/v1/endpoints/${b.endpoint}/reference/versions`,
      `/api/v1/endpoints/${b.endpoint}/samples`,
      '/api/v1/experiments/exp-beta?project=beta',
      '/api/v1/experiments/exp-beta/summary?project=beta',
      '/api/v1/monitors?project=beta',
      '/api/v1/monitors/mon/snapshots?project=beta',
      '/api/v1/alerts/rules?project=beta',
      '/api/v1/jobs?project=beta',
      '/api/v1/projects/beta/settings',
      '/api/v1/endpoints?project=beta',
      '/api/v1/experiments?project=beta',
    ];
    const out: Record<string, unknown> = {};
    for (const path of paths) {
      const reply = await call(proxy.url, 'GET', path, { token: admin });
      expect([path, reply.status]).toEqual([path, 200]);
      out[path] = reply.body;
    }
    return out;
  };

  it('every route naming a beta resource answers 403 with a JSON error, and changes nothing', async () => {
    const b = seeded.beta;
    const e = `/api/v1/endpoints/${b.endpoint}`;
    const x = '/api/v1/experiments/exp-beta';
    const m = '/api/v1/monitors/mon';
    const requests: Array<{ method: string; path: string; body?: unknown }> = [
      // tracking
      { method: 'GET', path: `${x}?project=beta` },
      { method: 'DELETE', path: `${x}?project=beta&force=true` },
      { method: 'POST', path: `${x}/runs?project=beta` },
      { method: 'POST', path: `${x}/runs/1/stop?project=beta`, body: { status: 'FAILED' } },
      {
        method: 'POST',
        path: `${x}/events?project=beta`,
        body: [{ event: 'metric', key: 'accuracy', value: 0.1, step: 2 }],
      },
      { method: 'GET', path: `${x}/summary?project=beta` },
      { method: 'GET', path: `${x}/data?project=beta` },
      { method: 'GET', path: `${x}/runs/1/artifacts/data.csv?project=beta` },
      // endpoints
      {
        method: 'POST',
        path: '/api/v1/endpoints',
        body: { project: 'beta', model: 'intruder', features: [{ name: 'x', kind: 'numeric' }] },
      },
      { method: 'GET', path: e },
      { method: 'PUT', path: `${e}/reference`, body: [{ x: 9 }, { x: 9 }] },
      {
        method: 'PUT',
        path: `${e}/reference`,
        body: { project: 'beta', experiment: 'exp-beta', run: 1, artifact: 'data.csv' },
      },
      { method: 'GET', path: `${e}/reference` },
      { method: 'GET', path: `${e}/reference/versions` },
      { method: 'GET', path: `${e}/reference/progress` },
      { method: 'GET', path: `${e}/metrics` },
      { method: 'GET', path: `${e}/drift` },
      { method: 'GET', path: `${e}/accuracy` },
      { method: 'GET', path: `${e}/samples` },
      { method: 'GET', path: `${e}/events` },
      // an alpha reference from beta's run artifact
      {
        method: 'PUT',
        path: `/api/v1/endpoints/${seeded.alpha.endpoint}/reference`,
        body: { project: 'beta', experiment: 'exp-beta', run: 1, artifact: 'data.csv' },
      },
      // ingest
      {
        method: 'POST',
        path: '/api/v1/predictions',
        body: { events: [{ endpoint: b.endpoint, features: { x: 5 } }] },
      },
      { method: 'POST', path: '/api/v1/labels', body: [{ requestId: 'req-beta', label: 1 }] },
      {
        method: 'POST',
        path: '/api/v1/labels',
        body: [{ requestId: 'new', endpoint: b.endpoint, label: 1 }],
      },
      // monitors and jobs
      {
        method: 'POST',
        path: '/api/v1/monitors',
        body: { name: 'mon2', project: 'beta', experiment: 'exp-beta', endpoint: b.endpoint },
      },
      // an alpha monitor reading beta's traffic
      {
        method: 'POST',
        path: '/api/v1/monitors',
        body: { name: 'spy', project: 'alpha', experiment: 'exp-alpha', endpoint: b.endpoint },
      },
      { method: 'GET', path: `${m}?project=beta` },
      { method: 'DELETE', path: `${m}?project=beta` },
      { method: 'POST', path: `${m}/snapshot?project=beta`, body: {} },
      { method: 'GET', path: `${m}/snapshots?project=beta` },
      { method: 'POST', path: `${m}/compare?project=beta`, body: {} },
      { method: 'POST', path: `${m}/capture?project=beta` },
      { method: 'POST', path: `${m}/track?project=beta`, body: { schedule: 'hourly' } },
      { method: 'GET', path: '/api/v1/jobs/monitors%2Fexp-beta%2Fmon?project=beta' },
      { method: 'POST', path: '/api/v1/jobs/monitors%2Fexp-beta%2Fmon/run?project=beta' },
      { method: 'DELETE', path: '/api/v1/jobs/monitors%2Fexp-beta%2Fmon?project=beta' },
      // alerts
      {
        method: 'POST',
        path: '/api/v1/alerts/rules',
        body: { name: 'r', project: 'beta', metric: 'tvd_mean', comparison: '>', threshold: 0.1 },
      },
      // an alpha rule on beta's endpoint
      {
        method: 'POST',
        path: '/api/v1/alerts/rules',
        body: {
          name: 'spy',
          project: 'alpha',
          endpoint: b.endpoint,
          metric: 'tvd_mean',
          comparison: '>',
          threshold: 0.1,
        },
      },
      { method: 'DELETE', path: `/api/v1/alerts/rules/${b.rule}` },
      // reports and project settings
      {
        method: 'POST',
        path: '/api/v1/reports/compare?project=beta',
        body: { experiment: 'exp-beta', reference: 'x\n1\n2\n', current: 'x\n1\n2\n' },
      },
      { method: 'GET', path: '/api/v1/projects/beta/settings' },
      {
        method: 'PUT',
        path: '/api/v1/projects/beta/settings',
        body: { thresholds: { possibleDrift: 0.4, driftDetected: 0.6 } },
      },
      // Grafana: a named beta experiment
      {
        method: 'POST',
        path: '/grafana/query',
        body: queryBody(0, Date.now(), [
          { refId: 'A', target: 'project=beta;experiment=exp-beta;target_endpoint=runs' },
        ]),
      },
    ];
    const before = await betaState();
    for (const request of requests) {
      const reply = await call<{ error?: string }>(proxy.url, request.method, request.path, {
        token: alphaKey,
        body: request.body,
      });
      const error = typeof reply.body === 'object' && reply.body ? reply.body.error : undefined;
      expect([request.method, request.path, reply.status]).toEqual([request.method, request.path, 403]);
      expect(reply.headers.get('content-type')).toMatch(/application\/json/);
      expect(error).toBe('API key "alpha-team" may not access project "beta"');
    }
    expect(await betaState()).toEqual(before);
  });

  it('an alert rule names an endpoint of its own project only (rules are evaluated per project)', async () => {
    const rule = {
      name: 'cross',
      project: 'alpha',
      endpoint: seeded.beta.endpoint,
      metric: 'tvd_mean',
      comparison: '>',
      threshold: 0.1,
    };
    const reply = await call<{ error: string }>(proxy.url, 'POST', '/api/v1/alerts/rules', {
      token: admin,
      body: rule,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe(
      `endpoint ${seeded.beta.endpoint} is in project "beta", not the rule's project "alpha"`,
    );
    const rules = await call<{ rules: unknown[] }>(proxy.url, 'GET', '/api/v1/alerts/rules', {
      token: admin,
    });
    expect(rules.body.rules).toHaveLength(2);
  });

  it('every listing holds only alpha items, also when beta is asked for', async () => {
    const a = seeded.alpha;
    const list = async <T>(path: string): Promise<T> => {
      const reply = await call<T>(proxy.url, 'GET', path, { token: alphaKey });
      expect([path, reply.status]).toEqual([path, 200]);
      expect(JSON.stringify(reply.body)).not.toMatch(/beta/);
      return reply.body;
    };
    for (const query of ['', '?project=beta', '?project=alpha,beta']) {
      const endpoints = await list<{ endpoints: Array<{ id: string }> }>(`/api/v1/endpoints${query}`);
      expect(endpoints.endpoints.map((x) => x.id)).toEqual(query === '?project=beta' ? [] : [a.endpoint]);
      const experiments = await list<{ experiments: Array<{ name: string }> }>(`/api/v1/experiments${query}`);
      expect(experiments.experiments.map((x) => x.name)).toEqual(
        query === '?project=beta' ? [] : ['exp-alpha'],
      );
      const monitors = await list<{ monitors: Array<{ name: string; project: string }> }>(
        `/api/v1/monitors${query}`,
      );
      expect(monitors.monitors.map((x) => x.project)).toEqual(query === '?project=beta' ? [] : ['alpha']);
      const rules = await list<{ rules: Array<{ id: string }> }>(`/api/v1/alerts/rules${query}`);
      expect(rules.rules.map((x) => x.id)).toEqual(query === '?project=beta' ? [] : [a.rule]);
      await list(`/api/v1/alerts${query}`);
      await list(`/api/v1/alerts/deliveries${query}`);
      await list(`/api/v1/jobs${query}`);
    }
    expect(await list('/api/v1/projects')).toEqual({ projects: ['alpha'] });
    // The unrestricted key sees both, so the filters above are not vacuous.
    const all = await call<{ endpoints: unknown[] }>(proxy.url, 'GET', '/api/v1/endpoints', { token: admin });
    expect(all.body.endpoints).toHaveLength(2);
  });

  it('Grafana: search, variable, tag values and annotations show alpha only', async () => {
    const grafana = async (path: string, body: unknown) => {
      const reply = await call(proxy.url, 'POST', path, { token: alphaKey, body });
      expect([path, body, reply.status, reply.body]).toEqual([path, body, 200, reply.body]);
      expect(JSON.stringify(reply.body)).not.toMatch(/beta/);
      return reply.body;
    };
    expect(await grafana('/grafana/search', { target: 'target_endpoint=list_projects' })).toEqual(['alpha']);
    expect(
      await grafana('/grafana/search', { target: 'project=beta;target_endpoint=list_projects' }),
    ).toEqual([]);
    expect(JSON.stringify(await grafana('/grafana/search', { target: 'target_endpoint=endpoints' }))).toMatch(
      seeded.alpha.endpoint,
    );
    await grafana('/grafana/variable', { payload: { target: 'target_endpoint=projects' } });
    await grafana('/grafana/variable', { payload: { target: 'target_endpoint=endpoints' } });
    await grafana('/grafana/variable', { payload: { target: 'project=beta;target_endpoint=models' } });
    await grafana('/grafana/metrics', {});
    await grafana('/grafana/tag-keys', {});
    expect(await grafana('/grafana/tag-values', { key: 'project' })).toEqual([{ text: 'alpha' }]);
    await grafana('/grafana/annotations', {
      range: { from: new Date(0).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      annotation: { query: '' },
    });
  });

  it('Grafana /query: every target kind on beta answers 403 or shows nothing of beta', async () => {
    const b = seeded.beta;
    const outcomes: Record<string, number> = {};
    for (const name of TARGET_NAMES) {
      for (const target of [
        `endpoint_id=${b.endpoint};target_endpoint=${name}`,
        `project=beta;target_endpoint=${name}`,
      ]) {
        const reply = await call<{ error?: string }>(proxy.url, 'POST', '/grafana/query', {
          token: alphaKey,
          body: queryBody(0, Date.now() + 60_000, [{ refId: 'A', target }]),
        });
        const text = JSON.stringify(reply.body);
        outcomes[`${target}`] = reply.status;
        if (reply.status === 403) {
          expect(reply.body.error).toBe('API key "alpha-team" may not access project "beta"');
        } else {
          // 400 is a target that needs more than this (a feature, an experiment): still nothing of beta.
          expect([target, [200, 400].includes(reply.status)]).toEqual([target, true]);
          expect([target, /beta/.test(text)]).toEqual([target, false]);
          expect([target, text.includes(b.endpoint)]).toEqual([target, false]);
        }
      }
    }
    // Every target naming beta's endpoint by id is refused outright.
    const byId = Object.entries(outcomes).filter(([t]) => t.startsWith('endpoint_id='));
    expect(byId.filter(([, status]) => status !== 403)).toEqual([]);
    expect(Object.keys(outcomes)).toHaveLength(TARGET_NAMES.length * 2);
  });
});

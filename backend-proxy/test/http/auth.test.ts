import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';
import { mongoTarget } from '../helpers/mongoTarget';

describe('API keys and scopes', () => {
  let proxy: RunningProxy;
  let url: string;
  let admin: string;
  beforeAll(async () => {
    proxy = await startTestProxy();
    url = proxy.url;
    // The first key is created out of band, as `driftwatch keys create` does.
    admin = (await proxy.services.keys.create('root', ['admin'], null)).secret;
  });
  afterAll(() => proxy.close());

  const createKey = async (body: unknown) => {
    const reply = await call<{ id: string; secret: string; scopes: string[] }>(url, 'POST', '/api/v1/keys', {
      body,
      token: admin,
    });
    expect(reply.status).toBe(201);
    return reply.body;
  };

  it('refuses requests without a key or with a bad one (401)', async () => {
    const none = await call<{ error: string }>(url, 'GET', '/api/v1/experiments');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/missing API key/);
    const bad = await call<{ error: string }>(url, 'GET', '/api/v1/experiments', {
      token: 'dwk_000000000000.nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toMatch(/invalid or revoked/);
  });

  it('enforces read < write < admin (403)', async () => {
    const reader = await createKey({ name: 'dashboards', scopes: ['read'] });
    const writer = await createKey({ name: 'trainer', scopes: ['write'] });
    expect((await call(url, 'GET', '/api/v1/experiments', { token: reader.secret })).status).toBe(200);
    const denied = await call<{ error: string }>(url, 'POST', '/api/v1/experiments/x/runs', {
      token: reader.secret,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatch(/lacks the "write" scope/);
    expect((await call(url, 'POST', '/api/v1/experiments/x/runs', { token: writer.secret })).status).toBe(
      201,
    );
    expect((await call(url, 'GET', '/api/v1/experiments/x', { token: writer.secret })).status).toBe(200);
    expect((await call(url, 'GET', '/api/v1/keys', { token: writer.secret })).status).toBe(403);
    const listed = await call<{ keys: Array<Record<string, unknown>> }>(url, 'GET', '/api/v1/keys', {
      token: admin,
    });
    expect(listed.body.keys.map((k) => k.name)).toEqual(['root', 'dashboards', 'trainer']);
    expect(listed.body.keys.every((k) => !('hash' in k) && !('secret' in k))).toBe(true);
  });

  it('limits keys to their projects', async () => {
    const scoped = await createKey({ name: 'team-a', scopes: ['write'], projects: ['team-a'] });
    expect(
      (await call(url, 'POST', '/api/v1/experiments/e/runs?project=team-a', { token: scoped.secret })).status,
    ).toBe(201);
    const other = await call<{ error: string }>(url, 'POST', '/api/v1/experiments/e/runs?project=team-b', {
      token: scoped.secret,
    });
    expect(other.status).toBe(403);
    expect(other.body.error).toMatch(/project "team-b"/);
    const list = await call<{ experiments: Array<{ project: string }> }>(url, 'GET', '/api/v1/experiments', {
      token: scoped.secret,
    });
    expect(list.body.experiments.map((e) => e.project)).toEqual(['team-a']);
  });

  it('revoked keys stop working', async () => {
    const temp = await createKey({ name: 'temp', scopes: ['read'] });
    expect((await call(url, 'DELETE', `/api/v1/keys/${temp.id}`, { token: admin })).status).toBe(204);
    // The principal cache is per process and cleared on revoke.
    expect((await call(url, 'GET', '/api/v1/experiments', { token: temp.secret })).status).toBe(401);
    expect((await call(url, 'DELETE', `/api/v1/keys/${temp.id}`, { token: admin })).status).toBe(404);
  });

  it('validates key creation', async () => {
    const bad = await call<{ error: string; details: Array<{ path: string }> }>(url, 'POST', '/api/v1/keys', {
      body: { name: 'x', scopes: ['root'] },
      token: admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('body.scopes.0');
  });

  it('health endpoints need no key', async () => {
    expect((await call(url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const storeKind = mongoTarget() ? 'mongodb' : 'embedded';
    expect((await call(url, 'GET', '/readyz')).body).toEqual({ status: 'ready', store: storeKind });
  });
});

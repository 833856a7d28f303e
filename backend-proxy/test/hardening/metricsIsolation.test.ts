/** `/metrics` on the API port shows a project-limited key only its projects' series. */
import { call, startTestProxy } from '../helpers/proxy';

describe('/metrics and project limits', () => {
  it('a key limited to alpha sees alpha series and not beta', async () => {
    const proxy = await startTestProxy();
    try {
      const admin = await call<{ secret: string }>(proxy.url, 'POST', '/api/v1/keys', {
        body: { name: 'admin', scopes: ['admin'] },
      });
      const token = admin.body.secret;
      for (const project of ['alpha', 'beta']) {
        const endpoint = await call<{ id: string }>(proxy.url, 'POST', '/api/v1/endpoints', {
          token,
          body: { project, model: `model-${project}`, features: [{ name: 'x', kind: 'numeric' }] },
        });
        expect(endpoint.status).toBe(201);
        const ingest = await call(proxy.url, 'POST', '/api/v1/predictions', {
          token,
          body: { events: [{ endpoint: endpoint.body.id, features: { x: 1 } }] },
        });
        expect(ingest.status).toBe(201);
      }
      const limited = await call<{ secret: string }>(proxy.url, 'POST', '/api/v1/keys', {
        token,
        body: { name: 'alpha-reader', scopes: ['read'], projects: ['alpha'] },
      });
      const all = await call<string>(proxy.url, 'GET', '/metrics', { token });
      expect(all.body).toMatch(/driftwatch_predictions_total\{[^}]*project="beta"/);
      expect(all.body).toMatch(/driftwatch_predictions_total\{[^}]*project="alpha"/);
      const alphaOnly = await call<string>(proxy.url, 'GET', '/metrics', { token: limited.body.secret });
      expect(alphaOnly.status).toBe(200);
      expect(alphaOnly.body).toMatch(/driftwatch_predictions_total\{[^}]*project="alpha"[^}]*\} 1/);
      expect(alphaOnly.body).not.toMatch(/beta/);
      // The process's own metrics carry no project and stay visible.
      expect(alphaOnly.body).toMatch(/^process_cpu_user_seconds_total /m);
    } finally {
      await proxy.close();
    }
  });
});

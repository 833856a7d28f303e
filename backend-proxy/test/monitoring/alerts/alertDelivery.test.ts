import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestProxy, type RunningProxy } from '../../../src/testing';
import { call } from '../../helpers/proxy';

interface Received {
  body: {
    state: string;
    rule: { name: string };
    endpoint: { id: string };
    value: number;
    link: string | null;
  };
  headers: IncomingMessage['headers'];
}

/** A real HTTP receiver on loopback that fails the first `failures` requests with 500. */
async function receiver(
  failures: number,
): Promise<{ url: string; received: Received[]; attempts: () => number; close: () => Promise<void> }> {
  const received: Received[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= failures) {
        res.writeHead(500).end('not now');
        return;
      }
      received.push({ body: JSON.parse(text) as Received['body'], headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('alert rules and webhook delivery', () => {
  let proxy: RunningProxy;
  let now: number;
  const minute = 60_000;

  beforeEach(async () => {
    now = Date.now();
    proxy = await startTestProxy({ grafanaUrl: 'http://grafana.example:3000' });
  });
  afterEach(() => proxy.close());

  /** Every prediction beyond the reference's range; 150 by default, above the minimum sample of 100. */
  const seedDriftingEndpoint = async (predictions = 150) => {
    const { url } = proxy;
    const endpoint = await call<{ id: string }>(url, 'POST', '/api/v1/endpoints', {
      body: { project: 'a', model: 'scorer', features: [{ name: 'x', kind: 'numeric' }] },
    });
    await call(url, 'PUT', `/api/v1/endpoints/${endpoint.body.id}/reference`, {
      body: { rows: Array.from({ length: 100 }, (_, i) => ({ x: i })) },
    });
    await call(url, 'POST', '/api/v1/predictions', {
      body: Array.from({ length: predictions }, (_, i) => ({
        endpoint: endpoint.body.id,
        timestamp: now - 10 * minute + i * 1000,
        features: { x: 500 + i },
        latencyMs: 5,
      })),
    });
    return endpoint.body.id;
  };

  it('never fires a drift rule on a window below the minimum sample (INSUFFICIENT_DATA), whatever its comparison', async () => {
    const endpointId = await seedDriftingEndpoint(50);
    for (const [comparison, threshold] of [
      ['>=', 1],
      ['<', 0],
      ['!=', 0],
    ] as const) {
      const rule = await call(proxy.url, 'POST', '/api/v1/alerts/rules', {
        body: {
          name: `drift ${comparison} ${threshold}`,
          project: 'a',
          metric: 'drift_status',
          comparison,
          threshold,
          for: 0,
        },
      });
      expect(rule.status).toBe(201);
    }
    await proxy.services.evaluator.evaluateAll();
    const endpoint = await call<{ driftStatus: string }>(proxy.url, 'GET', `/api/v1/endpoints/${endpointId}`);
    expect(endpoint.body.driftStatus).toBe('INSUFFICIENT_DATA');
    const states = await call<{ alerts: Array<{ phase: string; value: number | null }> }>(
      proxy.url,
      'GET',
      '/api/v1/alerts?project=a',
    );
    expect(states.body.alerts).toHaveLength(3);
    for (const alert of states.body.alerts) expect(alert).toMatchObject({ phase: 'inactive', value: null });
  });

  it('fires, records an annotation, delivers the webhook with retries and backoff; a rule with `for` waits as pending', async () => {
    const hook = await receiver(2);
    try {
      const endpointId = await seedDriftingEndpoint();
      const rule = await call<{ id: string }>(proxy.url, 'POST', '/api/v1/alerts/rules', {
        body: {
          name: 'drift detected',
          project: 'a',
          metric: 'drift_status',
          comparison: '>=',
          threshold: 2,
          for: 0,
          webhooks: [hook.url],
        },
      });
      expect(rule.status).toBe(201);
      await proxy.services.evaluator.evaluateAll();
      const states = await call<{ alerts: Array<{ phase: string; value: number; endpointId: string }> }>(
        proxy.url,
        'GET',
        '/api/v1/alerts?project=a',
      );
      expect(states.body.alerts).toEqual([
        expect.objectContaining({ phase: 'firing', value: 2, endpointId }),
      ]);

      const { deliveries } = proxy.services;
      // Attempt 1 and 2 fail (500); backoff is 1 s then 2 s, so polls in between send nothing.
      await deliveries.poll();
      expect(hook.attempts()).toBe(1);
      await deliveries.poll();
      expect(hook.attempts()).toBe(1);
      const pending = (await deliveries.list(['a']))[0];
      expect(pending).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatus: 500,
        lastError: 'receiver answered 500',
      });
      for (let i = 0; i < 40 && hook.received.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await deliveries.poll();
      }
      expect(hook.attempts()).toBe(3);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0].body).toMatchObject({
        state: 'firing',
        rule: { name: 'drift detected' },
        endpoint: { id: endpointId },
        value: 2,
        link: `http://grafana.example:3000/d/driftwatch-details?var-project=a&var-endpoint=${endpointId}`,
      });
      expect(
        (
          await call<{ deliveries: Array<{ status: string; attempts: number }> }>(
            proxy.url,
            'GET',
            '/api/v1/alerts/deliveries',
          )
        ).body.deliveries,
      ).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3 })]);
      // The state is visible to Grafana (a table) and Prometheus (a gauge: 2 = firing).
      const grafana = await call<Array<{ columns: Array<{ text: string }>; rows: unknown[][] }>>(
        proxy.url,
        'POST',
        '/grafana/query',
        {
          body: {
            range: { from: new Date(now - 3_600_000).toISOString(), to: new Date().toISOString() },
            targets: [{ refId: 'A', target: 'target_endpoint=alert_state;project=a' }],
          },
        },
      );
      const stateColumn = grafana.body[0].columns.findIndex((c) => c.text === 'state');
      expect(grafana.body[0].rows.map((r) => r[stateColumn])).toEqual(['firing']);
      const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(
          `driftwatch_alert_state\\{project="a",endpoint="${endpointId}",model="scorer",version="latest",rule="drift detected"\\} 2`,
        ),
      );
      const annotations = await proxy.services.store.listMonitoringEvents({
        from: new Date(now - 60 * minute),
        to: new Date(Date.now() + minute),
        kinds: ['alert'],
        limit: 10,
      });
      expect(annotations.map((a) => a.title)).toEqual(['drift detected firing on scorer:latest']);

      // Remove the drift condition: raise the threshold so the rule stops holding; the alert resolves.
      await call(proxy.url, 'DELETE', `/api/v1/alerts/rules/${rule.body.id}`);
      const calm = await call<{ id: string }>(proxy.url, 'POST', '/api/v1/alerts/rules', {
        body: {
          name: 'slow',
          project: 'a',
          metric: 'latency_p95_ms',
          comparison: '>',
          threshold: 1,
          for: 120,
          webhooks: [],
        },
      });
      await proxy.services.evaluator.evaluateAll();
      const slow = (await proxy.services.alerts.states(['a'])).find((s) => s.ruleId === calm.body.id);
      // Holds, but `for` is 2 minutes: pending, not firing.
      expect(slow).toMatchObject({ phase: 'pending', lastTransition: 'pending' });
    } finally {
      await hook.close();
    }
  });

  it('a receiver that never answers does not block evaluation, and the failure is visible', async () => {
    const endpointId = await seedDriftingEndpoint();
    await call(proxy.url, 'POST', '/api/v1/alerts/rules', {
      body: {
        name: 'no traffic',
        project: 'a',
        endpoint: endpointId,
        metric: 'predictions_per_second',
        comparison: '<',
        threshold: 0.5,
        webhooks: ['http://127.0.0.1:9/unreachable'],
      },
    });
    const started = Date.now();
    await proxy.services.evaluator.evaluateAll();
    expect(Date.now() - started).toBeLessThan(5_000);
    await proxy.services.deliveries.poll();
    const [delivery] = await proxy.services.deliveries.list(['a']);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery.lastError).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('validates rules', async () => {
    const bad = await call<{ error: string; details: Array<{ path: string }> }>(
      proxy.url,
      'POST',
      '/api/v1/alerts/rules',
      {
        body: { name: 'x', metric: 'feature_tvd', comparison: '>', threshold: 0.5 },
      },
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.details)).toMatch(/feature_\* metrics need/);
    const badHook = await call(proxy.url, 'POST', '/api/v1/alerts/rules', {
      body: {
        name: 'x',
        metric: 'accuracy',
        comparison: '<',
        threshold: 0.5,
        webhooks: ['ftp://example.com'],
      },
    });
    expect(badHook.status).toBe(400);
    expect((await call(proxy.url, 'DELETE', '/api/v1/alerts/rules/not-a-uuid')).status).toBe(400);
  });
});

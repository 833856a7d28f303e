/**
 * A real proxy on loopback with an in-memory store, seeded as `driftwatch serve --demo` seeds one:
 * the demo simulator over HTTP (three iris endpoints in project `demo`, one drifting hard, late
 * labels, the `iris/training` experiment), one evaluation, and a profiling run so the Experiments
 * dashboard's profiling panels have something to show.
 */
import {
  DEMO_PROJECT,
  startDemoProxy,
  type EndpointRecord,
  type RunningProxy,
} from '@driftwatch/backend-proxy/testing';

export const DEMO_EXPERIMENT = 'iris/training';
const MINUTE = 60_000;

export interface SeededProxy {
  proxy: RunningProxy;
  url: string;
  endpoints: EndpointRecord[];
  /** Keeps demo traffic flowing until close (for rates in Prometheus); the contract test does not need it. */
  startTraffic(): Promise<void>;
  close(): Promise<void>;
}

async function post<T>(url: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** A run with the profiling provider's `system` statistics and a metric by step, over the last minutes. */
async function seedProfilingRun(url: string): Promise<void> {
  const experiment = `/api/v1/experiments/${encodeURIComponent(DEMO_EXPERIMENT)}`;
  const query = `?project=${DEMO_PROJECT}`;
  const { run } = await post<{ run: number }>(url, `${experiment}/runs${query}`, { provider: 'profiling' });
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  await post(url, `${experiment}/events${query}`, [
    ...[5, 4, 3, 2].map((ago, step) => ({
      event: 'system',
      key: 'stats',
      value: { cpu: 20 + 10 * step, memory_mb: 300 + 25 * step },
      dt: at(ago),
      run,
    })),
    ...[0.9, 0.6, 0.4].map((value, step) => ({
      event: 'metric',
      key: 'loss',
      value,
      step,
      dt: at(4 - step),
      run,
    })),
    { event: 'param', key: 'model', value: 'profiled', run },
  ]);
  await post(url, `${experiment}/runs/${run}/stop${query}`, {});
}

export async function startSeededProxy(): Promise<SeededProxy> {
  const demo = await startDemoProxy({}, { tickMs: 500 });
  const { proxy } = demo;
  try {
    await seedProfilingRun(proxy.url);
  } catch (err) {
    await demo.close();
    throw err;
  }
  const { items: endpoints } = await proxy.services.store.listEndpoints(
    { projects: [DEMO_PROJECT] },
    { offset: 0, limit: 100 },
  );
  return { proxy, url: proxy.url, endpoints, startTraffic: demo.startTraffic, close: demo.close };
}

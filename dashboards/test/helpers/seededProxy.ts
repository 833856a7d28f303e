/**
 * A real proxy on loopback with an in-memory store, seeded as `driftwatch serve --demo` seeds one:
 * the demo simulator over HTTP (three iris endpoints in project `demo`, one drifting hard, late
 * labels, the `iris/training` experiment with a run tracked by the profiling provider, so the
 * Experiments dashboard's profiling panels have data), and one evaluation.
 */
import {
  DEMO_PROJECT,
  startDemoProxy,
  type EndpointRecord,
  type RunningProxy,
} from '@driftwatch/backend-proxy/testing';

export interface SeededProxy {
  proxy: RunningProxy;
  url: string;
  endpoints: EndpointRecord[];
  /** Keeps demo traffic flowing until close (for rates in Prometheus); the contract test does not need it. */
  startTraffic(): Promise<void>;
  close(): Promise<void>;
}

export async function startSeededProxy(): Promise<SeededProxy> {
  const demo = await startDemoProxy({}, { tickMs: 500 });
  const { proxy } = demo;
  const { items: endpoints } = await proxy.services.store.listEndpoints(
    { projects: [DEMO_PROJECT] },
    { offset: 0, limit: 100 },
  );
  return { proxy, url: proxy.url, endpoints, startTraffic: demo.startTraffic, close: demo.close };
}

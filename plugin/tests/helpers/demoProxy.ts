/**
 * A real Driftwatch proxy (in-memory embedded store, in this process) fed by the demo simulator:
 * three iris classifiers with 20 minutes of traffic, two with injected drift, evaluated once.
 * Shared by Jest's global setup and the browser test; nothing here is a mock.
 */
import {
  DEMO_PROJECT,
  startDemoProxy as startSeededProxy,
  type RunningProxy,
} from '@driftwatch/backend-proxy/testing';

export interface DemoEndpoint {
  id: string;
  model: string;
  version: string;
  project: string;
  driftStatus: string;
}

export interface DemoProxyInfo {
  url: string;
  project: string;
  endpoints: DemoEndpoint[];
  /** A key with the read scope on every project. */
  readKey: string;
  /** A read key limited to a project with no endpoints: every demo endpoint is out of its reach. */
  otherProjectKey: string;
  /** A key that was revoked. */
  revokedKey: string;
}

export interface DemoProxy {
  proxy: RunningProxy;
  info: DemoProxyInfo;
  close(): Promise<void>;
}

export async function startDemoProxy(): Promise<DemoProxy> {
  const { proxy } = await startSeededProxy();
  try {
    const { keys } = proxy.services;
    const read = await keys.create('grafana', ['read'], null);
    const other = await keys.create('grafana-other', ['read'], ['other-team']);
    const revoked = await keys.create('old', ['read'], null);
    await keys.revoke(revoked.record.id);
    const page = await proxy.services.endpoints.list({ projects: [DEMO_PROJECT] }, { offset: 0, limit: 100 });
    const info: DemoProxyInfo = {
      url: proxy.url,
      project: DEMO_PROJECT,
      endpoints: page.items.map((e) => ({
        id: e.id,
        model: e.model,
        version: e.version,
        project: e.project,
        driftStatus: e.driftStatus,
      })),
      readKey: read.secret,
      otherProjectKey: other.secret,
      revokedKey: revoked.secret,
    };
    return { proxy, info, close: () => proxy.close() };
  } catch (err) {
    await proxy.close();
    throw err;
  }
}

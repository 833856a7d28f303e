/**
 * A real proxy for tests in any workspace: loopback port, in-memory embedded store unless told
 * otherwise, no background loops (tests tick evaluation, jobs and webhooks themselves).
 */
import { loadConfig, type Config } from '../config';
import { createLogger } from '../logger';
import { startProxy, type RunningProxy } from '../server';

export type { Config } from '../config';
export type { RunningProxy } from '../server';

export function startTestProxy(overrides: Partial<Config> = {}): Promise<RunningProxy> {
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      store: ':memory:',
      evaluationIntervalMs: 0,
      jobTickMs: 0,
      webhookPollMs: 0,
      ...overrides,
    },
  );
  return startProxy(config, createLogger('silent'));
}

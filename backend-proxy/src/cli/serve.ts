import { Command, Option } from 'commander';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator } from '../demo/simulator';
import { DETAILS_DASHBOARD_PATH } from '../monitoring/alerts/alertService';
import { startProxy, type RunningProxy } from '../server';
import { configFrom, storeOption, type CommonFlags } from './options';

/** Runs the demo simulator against this proxy over loopback HTTP, as `driftwatch simulate` would. */
async function startDemo(proxy: RunningProxy): Promise<Simulator | null> {
  const logger = proxy.services.logger.child({ component: 'demo' });
  const apiKey = process.env.DRIFTWATCH_DEMO_KEY;
  if (!apiKey && !(await proxy.services.keys.isOpen())) {
    logger.warn(
      'API keys exist: set DRIFTWATCH_DEMO_KEY to a write key to run the demo simulator; skipping it',
    );
    return null;
  }
  const simulator = new Simulator({ ...DEFAULT_SIMULATOR_OPTIONS, url: proxy.url, apiKey }, logger);
  await simulator.setUp();
  void simulator.run();
  // Evaluate at once so the backfilled drift shows without waiting for the first interval.
  await proxy.services.evaluator.tick();
  return simulator;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the proxy (REST, Grafana and Prometheus APIs)')
    .addOption(storeOption())
    .addOption(new Option('--port <port>', 'HTTP port (env DRIFTWATCH_PORT, default 8080)'))
    .addOption(new Option('--host <host>', 'interface to bind (env DRIFTWATCH_HOST, default 0.0.0.0)'))
    .addOption(new Option('--log-level <level>', 'pino level (env DRIFTWATCH_LOG_LEVEL, default info)'))
    .addOption(new Option('--demo', 'also run the demo traffic simulator (env DRIFTWATCH_DEMO)'))
    .addOption(new Option('--no-demo', 'do not run the demo simulator'))
    .action(async (flags: CommonFlags) => {
      const config = configFrom(flags);
      const proxy = await startProxy(config);
      let simulator: Simulator | null = null;
      const stop = (signal: string) => {
        proxy.services.logger.info({ signal }, 'shutting down');
        (simulator?.stop() ?? Promise.resolve())
          .then(() => proxy.close())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              proxy.services.logger.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      if (config.demo) simulator = await startDemo(proxy);
      const base = `http://localhost:${new URL(proxy.url).port}`;
      const lines = [
        '',
        `Driftwatch is up on ${base} (store: ${proxy.services.store.kind})`,
        `  health       ${base}/healthz   ${base}/readyz`,
        `  endpoints    ${base}/api/v1/endpoints`,
        `  experiments  ${base}/api/v1/experiments`,
        `  Grafana      data source URL ${base}/grafana (Driftwatch app plugin or Infinity): docs/grafana-setup.md`,
        '               or everything, Grafana included: docker compose up --build, then http://localhost:3000',
        config.grafanaUrl
          ? `  alert links  ${config.grafanaUrl}${DETAILS_DASHBOARD_PATH} (DRIFTWATCH_GRAFANA_URL)`
          : '  alert links  none into Grafana: set DRIFTWATCH_GRAFANA_URL to its base URL (see the warning above)',
      ];
      if (simulator) {
        const { items: endpoints } = await proxy.services.endpoints.list(
          { projects: ['demo'] },
          { offset: 0, limit: 10 },
        );
        lines.push(`  demo traffic is flowing to ${endpoints.length} iris models; drift of one of them:`);
        const drifting = endpoints.find((e) => e.labels.drift === 'injected') ?? endpoints[0];
        if (drifting) lines.push(`               ${base}/api/v1/endpoints/${drifting.id}/drift`);
      }
      process.stdout.write(`${lines.join('\n')}\n\n`);
    });
}

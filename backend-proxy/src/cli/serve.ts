import { Command, Option } from 'commander';
import { startProxy } from '../server';
import { configFrom, storeOption, type CommonFlags } from './options';

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
      const stop = (signal: string) => {
        proxy.services.logger.info({ signal }, 'shutting down');
        proxy.close().then(
          () => process.exit(0),
          (err: unknown) => {
            proxy.services.logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      const base = `http://localhost:${new URL(proxy.url).port}`;
      process.stdout.write(
        [
          '',
          `Driftwatch is up on ${base}`,
          `  health:      ${base}/healthz   ready: ${base}/readyz`,
          `  experiments: ${base}/api/v1/experiments`,
          '',
        ].join('\n'),
      );
    });
}

import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ProxyClient } from '../apiClient';
import type { MonitorJob } from '../monitoring/jobs/jobService';
import type { CaptureResult, Monitor, MonitorComparison } from '../monitoring/monitors/monitorService';
import {
  captureText,
  comparisonText,
  jobsText,
  jobText,
  monitorsText,
  seriesText,
  snapshotText,
  type Series,
  type Snapshot,
} from './monitorsOutput';

interface ApiFlags {
  url: string;
  key?: string;
  project: string;
  json?: boolean;
}

const apiOptions = (command: Command): Command =>
  command
    .addOption(
      new Option('--url <url>', 'proxy base URL').default('http://localhost:8080').env('DRIFTWATCH_URL'),
    )
    .addOption(new Option('--key <key>', 'API key').env('DRIFTWATCH_API_KEY'))
    .addOption(new Option('--project <name>', 'project').default('default'))
    .addOption(new Option('--json', "print the API's JSON answer (for scripts) instead of tables"));

/** The answer as tables, or with --json as the API's JSON. */
function print<T>(flags: ApiFlags, value: T, text: (v: T) => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : text(value));
}
const path = (flags: ApiFlags, name: string, action = '') =>
  `/api/v1/monitors/${encodeURIComponent(name)}${action}?project=${encodeURIComponent(flags.project)}`;
const client = (flags: ApiFlags) => new ProxyClient(flags.url.replace(/\/$/, ''), flags.key);

/** `driftwatch monitors ...`: the monitors API from the command line (any proxy, over HTTP). */
export function monitorsCommand(): Command {
  const monitors = new Command('monitors').description(
    'drift monitors: snapshot, compare, capture, schedule',
  );

  apiOptions(monitors.command('create <name>').description('create or replace a monitor'))
    .requiredOption('--experiment <name>', 'experiment its events are logged to')
    .option('--kind <kind>', 'data (inputs) or model (predictions and labels)', 'data')
    .option('--endpoint <id>', 'endpoint it watches')
    .action(
      async (name: string, flags: ApiFlags & { experiment: string; kind: string; endpoint?: string }) => {
        const monitor = await client(flags).send<Monitor>('POST', '/api/v1/monitors', {
          name,
          project: flags.project,
          kind: flags.kind,
          experiment: flags.experiment,
          endpoint: flags.endpoint ?? null,
        });
        print(flags, monitor, (m) => monitorsText([m]));
      },
    );

  apiOptions(monitors.command('list').description('list monitors')).action(async (flags: ApiFlags) => {
    const answer = await client(flags).send<{ monitors: Monitor[] }>(
      'GET',
      `/api/v1/monitors?project=${encodeURIComponent(flags.project)}`,
    );
    print(flags, answer, (a) => monitorsText(a.monitors));
  });

  apiOptions(
    monitors
      .command('snapshot <name>')
      .description("snapshot the endpoint's window (default: since the last snapshot) or a JSON rows file"),
  )
    .option('--since-last', 'start where the previous snapshot ended', true)
    .option('--from <time>', 'window start (ISO, epoch ms, or a duration ago like 1h)')
    .option('--to <time>', 'window end')
    .option('--rows <file.json>', 'snapshot a dataset: a JSON array of row objects')
    .action(
      async (
        name: string,
        flags: ApiFlags & { sinceLast: boolean; from?: string; to?: string; rows?: string },
      ) => {
        const body = flags.rows
          ? { rows: JSON.parse(readFileSync(flags.rows, 'utf8')) as unknown }
          : flags.from || flags.to
            ? { from: flags.from, to: flags.to }
            : { since: 'last' };
        print(
          flags,
          await client(flags).send<Snapshot>('POST', path(flags, name, '/snapshot'), body),
          snapshotText,
        );
      },
    );

  apiOptions(
    monitors.command('compare <name>').description('compare two snapshots (default: first vs latest)'),
  )
    .option('--baseline <index>', 'baseline snapshot index (negative counts from the end)')
    .option('--recent <index>', 'recent snapshot index')
    .option('--series', 'compare every snapshot with the baseline')
    .action(
      async (name: string, flags: ApiFlags & { baseline?: string; recent?: string; series?: boolean }) => {
        const body = {
          ...(flags.baseline === undefined ? {} : { baseline: Number(flags.baseline) }),
          ...(flags.recent === undefined ? {} : { recent: Number(flags.recent) }),
          series: flags.series === true,
        };
        const answer = await client(flags).send<MonitorComparison | Series>(
          'POST',
          path(flags, name, '/compare'),
          body,
        );
        print(flags, answer, (a) => ('series' in a ? seriesText(a) : comparisonText(a)));
      },
    );

  apiOptions(
    monitors
      .command('capture <name>')
      .description('compare latest with baseline; log drift and alert events'),
  ).action(async (name: string, flags: ApiFlags) => {
    const result = await client(flags).send<CaptureResult>('POST', path(flags, name, '/capture'));
    print(flags, result, captureText);
    // Lets scripts gate on drift, as `driftwatch compare` does.
    if (result.drift) process.exitCode = 1;
  });

  apiOptions(
    monitors
      .command('track <name>')
      .description('run the monitor on a schedule: hourly, daily, weekly, monthly, "daily at HH:MM" or cron'),
  )
    .requiredOption('--schedule <schedule>', 'when to run')
    .action(async (name: string, flags: ApiFlags & { schedule: string }) => {
      const job = await client(flags).send<MonitorJob>('POST', path(flags, name, '/track'), {
        schedule: flags.schedule,
      });
      print(flags, job, jobText);
    });

  apiOptions(monitors.command('jobs').description('list monitor jobs and their state')).action(
    async (flags: ApiFlags) => {
      const answer = await client(flags).send<{ jobs: MonitorJob[] }>(
        'GET',
        `/api/v1/jobs?project=${encodeURIComponent(flags.project)}`,
      );
      print(flags, answer, (a) => jobsText(a.jobs));
    },
  );

  return monitors;
}

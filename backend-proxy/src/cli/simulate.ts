import { Command, Option } from 'commander';
import { z } from 'zod';
import { DEFAULT_SIMULATOR_OPTIONS, Simulator, type SimulatorOptions } from '../demo/simulator';
import { parse } from '../schemas/parse';
import { createLogger } from '../logger';
import { parseDuration } from '../time';

const duration = z.string().transform((s, ctx) => {
  const ms = s === '0' ? 0 : parseDuration(s);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration like 30s, 10m, 2h` });
    return z.NEVER;
  }
  return ms;
});

const flags = z.object({
  url: z.url(),
  key: z.string().optional(),
  project: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
    .optional(),
  rate: z.coerce.number().positive().max(10_000).optional(),
  backfill: duration.optional(),
  driftAfter: duration.optional(),
  duration: duration.optional(),
  seed: z.coerce.number().int().optional(),
});

export function simulatorOptions(raw: unknown): SimulatorOptions {
  const f = parse(flags, raw, 'flags');
  return {
    ...DEFAULT_SIMULATOR_OPTIONS,
    url: f.url.replace(/\/$/, ''),
    apiKey: f.key,
    project: f.project ?? DEFAULT_SIMULATOR_OPTIONS.project,
    ratePerSecond: f.rate ?? DEFAULT_SIMULATOR_OPTIONS.ratePerSecond,
    backfillMs: f.backfill ?? DEFAULT_SIMULATOR_OPTIONS.backfillMs,
    driftAfterMs: f.driftAfter ?? DEFAULT_SIMULATOR_OPTIONS.driftAfterMs,
    durationMs: f.duration ?? DEFAULT_SIMULATOR_OPTIONS.durationMs,
    seed: f.seed ?? DEFAULT_SIMULATOR_OPTIONS.seed,
  };
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('send demo traffic (iris classifiers, injected drift, late labels) to a proxy')
    .addOption(
      new Option('--url <url>', 'proxy base URL').default('http://localhost:8080').env('DRIFTWATCH_URL'),
    )
    .addOption(
      new Option('--key <key>', 'API key with write scope (env DRIFTWATCH_API_KEY)').env(
        'DRIFTWATCH_API_KEY',
      ),
    )
    .addOption(new Option('--project <name>', 'project of the demo endpoints').default('demo'))
    .addOption(new Option('--rate <n>', 'mean predictions per second per endpoint').default('2'))
    .addOption(
      new Option('--backfill <duration>', 'history to generate first, e.g. 30m (0 for none)').default('30m'),
    )
    .addOption(new Option('--drift-after <duration>', 'when drift starts without backfill').default('2m'))
    .addOption(new Option('--duration <duration>', 'stop after this long (0: until Ctrl-C)').default('0'))
    .addOption(new Option('--seed <n>', 'random seed').default('42'))
    .action(async (raw: unknown) => {
      const simulator = new Simulator(simulatorOptions(raw), createLogger('info'));
      process.once('SIGINT', () => void simulator.stop());
      process.once('SIGTERM', () => void simulator.stop());
      await simulator.setUp();
      await simulator.run();
      process.stdout.write(`sent ${simulator.predictionsSent} predictions\n`);
    });
}

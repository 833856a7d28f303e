import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { parse } from '../schemas/parse';
import {
  compareCsvFiles,
  parseTestOverride,
  progressReporter,
  renderReport,
  type CompareOptions,
  type TestOverride,
} from '../reports';

/**
 * `driftwatch compare reference.csv current.csv`: the batch drift report on the command line.
 * Exit status: 0 no drift, 1 drift (dataset, target or prediction; see compareDatasets.ts), 2 bad
 * usage or input (main.ts sets 2 for thrown errors; commander's own usage errors are mapped to 2
 * here, since its default 1 would read as "drift" to a CI gate).
 */

const tests = z.array(z.string()).transform((texts, ctx) => {
  const byColumn: Record<string, TestOverride> = {};
  for (const text of texts) {
    const parsed = parseTestOverride(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    else if (Object.hasOwn(byColumn, parsed.column))
      ctx.addIssue({ code: 'custom', message: `column "${parsed.column}" has two --test flags` });
    else byColumn[parsed.column] = parsed.override;
  }
  return byColumn;
});

const flags = z.object({
  target: z.string().min(1).optional(),
  prediction: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  test: tests,
  driftShare: z
    .string()
    .transform((s) => (s.trim() === '' ? NaN : Number(s)))
    .pipe(z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]')),
  progress: z.boolean(),
  sharedColumns: z.boolean().optional(),
});

export function compareOptions(raw: unknown): CompareOptions & { json?: string; progress: boolean } {
  const f = parse(flags, raw, 'flags');
  return {
    target: f.target,
    prediction: f.prediction,
    tests: f.test,
    driftShare: f.driftShare,
    sharedColumns: f.sharedColumns === true,
    json: f.json,
    progress: f.progress,
  };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function compareCommand(): Command {
  return new Command('compare')
    .description(
      'compare a current CSV dataset with a reference: per-column drift tests, data quality, exit 1 on drift',
    )
    .argument('<reference>', 'reference CSV file (e.g. the training data)')
    .argument('<current>', 'current CSV file (e.g. last week of production inputs)')
    .addOption(new Option('--target <column>', 'the target column, reported apart from the features'))
    .addOption(new Option('--prediction <column>', 'the prediction column, reported apart from the features'))
    .addOption(new Option('--json <file>', "also write the whole result, with every score's method, as JSON"))
    .addOption(
      new Option(
        '--test <column=test[:threshold]>',
        "force a column's test (tvd, hellinger, kld, kl, psi, js, ks, wasserstein, chi2); repeatable",
      )
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option(
        '--drift-share <share>',
        'dataset drift when at least this share of feature columns drifted',
      ).default('0.5'),
    )
    .addOption(
      new Option(
        '--shared-columns',
        'compare only the columns both files have (without it, different columns exit 2, naming them)',
      ),
    )
    .addOption(new Option('--no-progress', 'no progress output on stderr'))
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (reference: string, current: string, raw: unknown) => {
      const options = compareOptions(raw);
      const report = await compareCsvFiles(reference, current, {
        ...options,
        onProgress: options.progress
          ? progressReporter({ stream: process.stderr, env: process.env })
          : undefined,
      });
      if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(
        renderReport(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }),
      );
      if (report.summary.drift) process.exitCode = 1;
    });
}

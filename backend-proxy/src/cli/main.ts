#!/usr/bin/env node
import { Command } from 'commander';
import { DomainError } from '../errors';
import { serveCommand } from './serve';
import { keysCommand } from './keys';
import { monitorsCommand } from './monitors';
import { simulateCommand } from './simulate';
import { compareCommand } from './compare';
import { referenceCommand } from './reference';
import { verifyStoreCommand } from './verifyStore';
import { version } from '../../package.json';

const program = new Command()
  .name('driftwatch')
  .description('Driftwatch: experiment tracking and model monitoring for Grafana')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(keysCommand());
program.addCommand(monitorsCommand());
program.addCommand(simulateCommand());
program.addCommand(compareCommand());
program.addCommand(referenceCommand());
program.addCommand(verifyStoreCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`driftwatch: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof DomainError && err.details !== undefined)
    process.stderr.write(`${JSON.stringify(err.details, null, 2)}\n`);
  process.exitCode = 2;
});

import { Option } from 'commander';
import { loadConfig, type Config } from '../config';

/** Flags shared by every command that opens the store; each overrides its environment variable. */
export const storeOption = () =>
  new Option(
    '--store <location>',
    'mongodb://... URL, embedded store file, or :memory: (env DRIFTWATCH_STORE)',
  );

export interface CommonFlags {
  store?: string;
  port?: string;
  host?: string;
  logLevel?: string;
  demo?: boolean;
}

/** Environment first, then flags on top. */
export function configFrom(flags: CommonFlags): Config {
  const overrides: Partial<Config> = {};
  if (flags.store !== undefined) overrides.store = flags.store;
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.logLevel !== undefined) overrides.logLevel = flags.logLevel;
  if (flags.demo !== undefined) overrides.demo = flags.demo;
  const env = { ...process.env };
  if (flags.port !== undefined) env.DRIFTWATCH_PORT = flags.port;
  return loadConfig(env, overrides);
}

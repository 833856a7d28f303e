/** External programs the tests use (promtool, prometheus, docker-compose), found on PATH. */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../src/files';

export function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export interface Tool {
  /** The executable, or null when it is missing. */
  path: string | null;
  /** Missing and allowed to be (the skip variable is set): tests using it are skipped. */
  skipped: boolean;
  /** Why a test cannot run without it, naming the install command and the skip variable. */
  missingMessage: string;
}

export function tool(name: string, install: string, skipVariable: string): Tool {
  const path = findExecutable(name);
  return {
    path,
    skipped: path === null && process.env[skipVariable] === '1',
    missingMessage: `${name} is not installed: run \`${install}\` (as root), or set ${skipVariable}=1 to skip the tests that need it`,
  };
}

export const PROMETHEUS_SKIP = 'DRIFTWATCH_SKIP_PROMETHEUS';
export const promtool = () => tool('promtool', 'apt-get install -y prometheus', PROMETHEUS_SKIP);
export const prometheus = () => tool('prometheus', 'apt-get install -y prometheus', PROMETHEUS_SKIP);
export const dockerCompose = () =>
  tool(
    'docker-compose',
    'apt-get install -y --no-install-recommends docker-compose',
    'DRIFTWATCH_SKIP_COMPOSE',
  );

export interface Completed {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], cwd = REPO_ROOT): Promise<Completed> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A repository file parsed as YAML (the tests' view of what Grafana, Prometheus or Compose read). */
export function readYaml<T = unknown>(path: string): T {
  return parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
}

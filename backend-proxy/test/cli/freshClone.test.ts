/**
 * `npx driftwatch` in a fresh clone, before any build. The clone is a `git clone` of this
 * checkout's committed HEAD (so no dist/), its node_modules a hard-link copy of ours (what
 * `npm ci` would install, without the 80 s download); `npm rebuild --ignore-scripts` then links
 * the workspaces' bins as `npm ci` does. What this does not verify: the registry download itself.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

describe('a fresh clone', () => {
  let dir: string;
  let clone: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftwatch-clone-'));
    clone = join(dir, 'clone');
    await run('git', ['clone', '--quiet', ROOT, clone], { timeout: 60_000 });
    await run('cp', ['-al', join(ROOT, 'node_modules'), join(clone, 'node_modules')], { timeout: 60_000 });
    await run('rm', ['-f', join(clone, 'node_modules', '.bin', 'driftwatch')]);
    await run('npm', ['rebuild', '--ignore-scripts', '--offline'], { cwd: clone, timeout: 120_000 });
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no build, and `npx driftwatch --version` prints the package version', async () => {
    expect(existsSync(join(clone, 'backend-proxy', 'dist'))).toBe(false);
    const { stdout } = await run('npx', ['--offline', 'driftwatch', '--version'], {
      cwd: clone,
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe(VERSION);
  }, 90_000);

  it('runs a command from the sources: `driftwatch --help` lists the commands', async () => {
    const { stdout } = await run('npx', ['--offline', 'driftwatch', '--help'], {
      cwd: clone,
      timeout: 60_000,
    });
    for (const command of ['serve', 'keys', 'monitors', 'simulate', 'compare'])
      expect(stdout).toContain(command);
  }, 90_000);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningProxy } from '../../src/server';
import { startTestProxy } from '../helpers/proxy';

const BACKEND = join(__dirname, '..', '..');

/** Runs the real CLI (TypeScript source through tsx) as a child process. */
function driftwatch(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: BACKEND, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('driftwatch monitors (CLI over HTTP)', () => {
  let proxy: RunningProxy;
  let folder: string;
  beforeAll(async () => {
    proxy = await startTestProxy();
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-cli-'));
  });
  afterAll(async () => {
    await proxy.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('creates a monitor, snapshots two datasets, and exits 1 from capture when they drift', async () => {
    const env = { DRIFTWATCH_URL: proxy.url };
    const created = await driftwatch(
      ['monitors', 'create', 'cli-mon', '--experiment', 'cli/exp', '--project', 'cli', '--json'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'cli-mon',
      kind: 'data',
      experiment: 'cli/exp',
    });
    const baseline = join(folder, 'baseline.json');
    const current = join(folder, 'current.json');
    writeFileSync(
      baseline,
      JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ v: i, c: i % 2 ? 'a' : 'b' }))),
    );
    writeFileSync(current, JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ v: 200 + i, c: 'z' }))));
    expect(
      (await driftwatch(['monitors', 'snapshot', 'cli-mon', '--project', 'cli', '--rows', baseline], env))
        .code,
    ).toBe(0);
    expect(
      (await driftwatch(['monitors', 'snapshot', 'cli-mon', '--project', 'cli', '--rows', current], env))
        .code,
    ).toBe(0);
    const capture = await driftwatch(['monitors', 'capture', 'cli-mon', '--project', 'cli', '--json'], env);
    expect(capture.code).toBe(1);
    expect(JSON.parse(capture.stdout)).toMatchObject({
      drift: true,
      comparison: { overall: { status: 'DRIFT_DETECTED', driftedShare: 1 } },
    });

    // Without --json: tables a person reads, with the same facts.
    const list = await driftwatch(['monitors', 'list', '--project', 'cli'], env);
    expect(list.code).toBe(0);
    const [header, rule, row, ...rest] = list.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'NAME',
      'PROJECT',
      'KIND',
      'EXPERIMENT',
      'ENDPOINT',
      'ALERTS',
      'CREATED',
    ]);
    expect(rule).toMatch(/^-+( +-+)+$/);
    expect(row.split(/\s{2,}/).slice(0, 6)).toEqual(['cli-mon', 'cli', 'data', 'cli/exp', '-', '0']);
    expect(rest).toEqual([]);
    const table = await driftwatch(['monitors', 'capture', 'cli-mon', '--project', 'cli'], env);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^status +DRIFT_DETECTED$/m);
    expect(table.stdout).toMatch(/^drifted +2 \(share 1\)$/m);
    expect(table.stdout).toMatch(/^COLUMN +KIND +STATUS +MEASURE +VALUE +THRESHOLD/m);
    expect(table.stdout).toMatch(/^v +numeric +DRIFT_DETECTED /m);
    expect(table.stdout).toMatch(/^c +categorical +DRIFT_DETECTED /m);
    expect(table.stdout).toContain('drift: yes (exit status 1)');
    expect(() => JSON.parse(table.stdout) as unknown).toThrow();
    const jobs = await driftwatch(['monitors', 'jobs', '--project', 'cli'], env);
    expect(jobs.stdout).toBe('(no jobs)\n');
    expect(
      JSON.parse((await driftwatch(['monitors', 'jobs', '--project', 'cli', '--json'], env)).stdout),
    ).toEqual({
      jobs: [],
    });
    const missing = await driftwatch(['monitors', 'capture', 'nope', '--project', 'cli'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/answered 404.*monitor \\"nope\\" does not exist/);
  });
});

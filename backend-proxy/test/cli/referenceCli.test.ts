import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LINES_MIN_BYTES } from '../../src/reports/progress';
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';
import { generateData } from '../monitoring/reference/referenceData';

const BACKEND = join(__dirname, '..', '..');

/** Runs the real CLI (TypeScript source through tsx) as a child process, stderr not a terminal. */
function driftwatch(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: BACKEND, env: { ...process.env, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('driftwatch reference set (CLI over HTTP)', () => {
  let proxy: RunningProxy;
  let folder: string;
  let env: Record<string, string>;
  const data = generateData(2_000, 5);
  const endpoint = async (model: string) =>
    (await call<{ id: string }>(proxy.url, 'POST', '/api/v1/endpoints', { body: { model } })).body.id;

  beforeAll(async () => {
    proxy = await startTestProxy({ maxArtifactBytes: 256 << 20 });
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-cli-reference-'));
    env = { DRIFTWATCH_URL: proxy.url, CI: 'true' };
  });
  afterAll(async () => {
    await proxy.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('uploads a .csv.gz file and prints the new version', async () => {
    const file = join(folder, 'train.csv.gz');
    writeFileSync(file, gzipSync(data.csv));
    const id = await endpoint('cli-gz');
    const run = await driftwatch(['reference', 'set', id, file, '--categorical', 'c'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      endpointId: id,
      version: 1,
      rowCount: 2_000,
      features: ['a:numeric', 'b:numeric', 'c:categorical', 'cat:categorical', 'zip:categorical'],
      lineage: null,
    });
  });

  it('streams a large file with progress lines on a non-terminal stderr', async () => {
    const file = join(folder, 'big.csv');
    const body = data.csv.slice(data.csv.indexOf('\n') + 1);
    const copies = Math.ceil((LINES_MIN_BYTES + (1 << 20)) / body.length);
    writeFileSync(file, `a,b,c,cat,zip\n${body.repeat(copies)}`);
    const id = await endpoint('cli-big');
    const run = await driftwatch(['reference', 'set', id, file], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/driftwatch: uploading big\.csv: 10% /);
    expect(run.stderr).toMatch(/driftwatch: uploading big\.csv: 100% /);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 1, rowCount: 2_000 * copies });
  }, 300_000);

  it('makes a run artifact the reference, and refuses ambiguous or failing requests (exit 2)', async () => {
    await call(proxy.url, 'POST', '/api/v1/experiments/cli-train/runs');
    await call(proxy.url, 'PUT', '/api/v1/experiments/cli-train/runs/1/artifacts/train.ndjson', {
      rawBody: data.ndjson,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    const id = await endpoint('cli-run');
    const run = await driftwatch(
      ['reference', 'set', id, '--experiment', 'cli-train', '--run', '1', '--artifact', 'train.ndjson'],
      env,
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({
      version: 1,
      rowCount: 2_000,
      lineage: { experiment: 'cli-train', run: 1, artifact: 'train.ndjson', rows: 2_000 },
    });
    const neither = await driftwatch(['reference', 'set', id], env);
    expect(neither).toMatchObject({
      code: 2,
      stderr: 'driftwatch: give either a file or --experiment, --run and --artifact\n',
    });
    const missing = await driftwatch(['reference', 'set', id, join(folder, 'nope.csv')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the reference file ".*nope\.csv": no such file/);
    const empty = join(folder, 'empty.csv');
    writeFileSync(empty, 'a,b\n');
    const refused = await driftwatch(['reference', 'set', id, empty], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/answered 422: \{"error":"the reference has no rows"\}/);
  });
});

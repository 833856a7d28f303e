import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComparisonReport } from '../../src/reports';

const BACKEND = join(__dirname, '..', '..');
const FIXTURES = 'test/fixtures/compare';
const NO_DRIFT = [`${FIXTURES}/no-drift-reference.csv`, `${FIXTURES}/no-drift-current.csv`];
const DRIFT = [`${FIXTURES}/drift-reference.csv`, `${FIXTURES}/drift-current.csv`];

/** Runs the real CLI (TypeScript source through tsx, no build needed) as a child process, from backend-proxy/. */
function driftwatch(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'compare', ...args],
      { cwd: BACKEND, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** A table row: cells separated by runs of spaces. */
const row = (...cells: string[]) =>
  new RegExp(`^${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+')}$`, 'm');

// Each case starts several CLIs through tsx (a few seconds each on a loaded 2-core machine).
jest.setTimeout(120_000);

describe('driftwatch compare (CLI)', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-compare-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('exits 0 on two random halves of iris, with the table, verdict and JSON', async () => {
    const json = join(folder, 'no-drift.json');
    const run = await driftwatch([
      ...NO_DRIFT,
      '--target',
      'species',
      '--prediction',
      'predicted_species',
      '--json',
      json,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      row('column', 'role', 'kind', 'values (ref/cur)', 'test', 'score', 'threshold', 'drifted'),
    );
    expect(run.stdout).toMatch(
      row('sepal_length', 'feature', 'numeric', '75/75', 'ks', '0.5204', 'p < 0.05', 'no'),
    );
    expect(run.stdout).toMatch(
      row('petal_length', 'feature', 'numeric', '75/75', 'ks', '0.9999', 'p < 0.05', 'no'),
    );
    expect(run.stdout).toMatch(
      row('species', 'target', 'categorical', '75/75', 'chi2', '1.0000', 'p < 0.05', 'no'),
    );
    expect(run.stdout).toMatch(
      row('predicted_species', 'prediction', 'categorical', '75/75', 'chi2', '0.9212', 'p < 0.05', 'no'),
    );
    expect(run.stdout).toContain('Drifted feature columns: 0 of 4 (0.0%); dataset drift when >= 50.0%');
    expect(run.stdout).toContain('Dataset drift: not detected');
    expect(run.stdout).toContain('Target drift (species): not detected');
    expect(run.stdout).toMatch(/Verdict: no drift\n$/);
    expect(run.stdout).not.toContain('\x1b[');

    const report = JSON.parse(readFileSync(json, 'utf8')) as ComparisonReport;
    expect(report.summary).toMatchObject({
      featureColumns: 4,
      testedFeatures: 4,
      driftedFeatures: 0,
      driftedShare: 0,
      drift: false,
      targetDrift: false,
      predictionDrift: false,
    });
    expect(report.columns.map((c) => [c.name, c.role, c.test?.metric])).toEqual([
      ['sepal_length', 'feature', 'ks'],
      ['sepal_width', 'feature', 'ks'],
      ['petal_length', 'feature', 'ks'],
      ['petal_width', 'feature', 'ks'],
      ['species', 'target', 'chi2'],
      ['predicted_species', 'prediction', 'chi2'],
    ]);
    for (const column of report.columns) {
      expect(column.test?.method).toMatchObject({
        metric: column.test?.metric,
        description: expect.any(String),
        bins: expect.any(String),
      });
    }
    expect(report.columns[0].test?.method.values).toBe('raw');
  });

  it('exits 1 on summer against winter weather, with the drifted share and the target drift', async () => {
    const json = join(folder, 'drift.json');
    const run = await driftwatch([...DRIFT, '--target', 'weather', '--json', json]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      row('location', 'feature', 'categorical', '1464/1458', 'js', '0.0000', '>= 0.1', 'no'),
    );
    expect(run.stdout).toMatch(
      row('temp_max', 'feature', 'numeric', '1464/1458', 'wasserstein', '2.1790', '>= 0.1', 'yes'),
    );
    expect(run.stdout).toMatch(
      row('temp_min', 'feature', 'numeric', '1464/1458', 'wasserstein', '1.9477', '>= 0.1', 'yes'),
    );
    expect(run.stdout).toMatch(
      row('weather', 'target', 'categorical', '1464/1458', 'js', '0.2307', '>= 0.1', 'yes'),
    );
    expect(run.stdout).toContain('Drifted feature columns: 4 of 5 (80.0%); dataset drift when >= 50.0%');
    expect(run.stdout).toContain('Dataset drift: DETECTED');
    expect(run.stdout).toContain('Target drift (weather): DETECTED');
    expect(run.stdout).toMatch(row('temp_max', '0.0%', '0.0%', '21.7%', '0.0%', '-'));
    expect(run.stdout).toContain(
      'Verdict: DRIFT: 4 of 5 feature columns drifted (80.0% >= 50.0%); the target "weather" drifted',
    );

    const report = JSON.parse(readFileSync(json, 'utf8')) as ComparisonReport;
    expect(report.summary).toMatchObject({
      featureColumns: 5,
      driftedFeatures: 4,
      driftedShare: 0.8,
      datasetDrift: true,
      targetDrift: true,
      predictionDrift: null,
      drift: true,
    });
    const tempMax = report.columns.find((c) => c.name === 'temp_max');
    expect(tempMax?.test?.method.normalisation).toMatch(/population std/);
    expect(tempMax?.histograms?.reference).toHaveLength(22);
    expect(tempMax?.quality.outOfRangeCount).toBe(316);
  });

  it('forces a test per column, and a higher drift share turns dataset drift off', async () => {
    const run = await driftwatch([
      ...DRIFT,
      '--test',
      'location=chi2',
      '--test',
      'wind=psi:0.5',
      '--drift-share',
      '0.9',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      row('location', 'feature', 'categorical', '1464/1458', 'chi2*', '1.0000', 'p < 0.05', 'no'),
    );
    expect(run.stdout).toMatch(
      row('wind', 'feature', 'numeric', '1464/1458', 'psi*', '0.3937', '>= 0.5', 'no'),
    );
    // Without --target, weather is a feature: 4 of 6 drifted, under the 90% asked for.
    expect(run.stdout).toContain('Drifted feature columns: 4 of 6 (66.7%); dataset drift when >= 90.0%');
    expect(run.stdout).toContain('Verdict: no drift');
    expect(run.stdout).toContain('* test forced with --test');
  });

  it('exits 2 with a clear message on a missing file, bad flags or an unknown column', async () => {
    const missing = await driftwatch([`${FIXTURES}/nope.csv`, NO_DRIFT[1]]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read the reference file "${FIXTURES}/nope.csv": no such file`);
    expect(missing.stdout).toBe('');

    const share = await driftwatch([...NO_DRIFT, '--drift-share', '1.5']);
    expect(share.code).toBe(2);
    expect(share.stderr).toMatch(/invalid flags[\s\S]*flags\.driftShare[\s\S]*must be in \(0, 1\]/);

    const test = await driftwatch([...NO_DRIFT, '--test', 'sepal_length=median']);
    expect(test.code).toBe(2);
    expect(test.stderr).toContain('\\"median\\" is not a test');

    const unknown = await driftwatch([...NO_DRIFT, '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");

    const arity = await driftwatch([NO_DRIFT[0]]);
    expect(arity.code).toBe(2);
    expect(arity.stderr).toContain("missing required argument 'current'");

    const column = await driftwatch([...NO_DRIFT, '--target', 'label']);
    expect(column.code).toBe(2);
    expect(column.stderr).toContain('column "label" is in neither the reference nor the current dataset');

    const wrongKind = await driftwatch([...NO_DRIFT, '--test', 'species=ks']);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('ks needs ordered values and the column is categorical');

    const ragged = join(folder, 'ragged.csv');
    writeFileSync(ragged, 'a,b\n1,2\n3\n');
    const bad = await driftwatch([ragged, NO_DRIFT[1], '--shared-columns']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a readable CSV file: .*Invalid Record Length/);

    // Different columns: exit 2 naming them, unless the shared columns are asked for.
    const renamed = join(folder, 'renamed.csv');
    writeFileSync(
      renamed,
      'sepal_length,sepal_width,petal_length,petal_width,species,colour\n5.1,3.5,1.4,0.2,setosa,red\n',
    );
    const mismatch = await driftwatch([NO_DRIFT[0], renamed]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(
      'the datasets have different columns (only in the reference: "predicted_species"; only in the current: "colour")',
    );
    const shared = await driftwatch([NO_DRIFT[0], renamed, '--shared-columns', '--no-progress']);
    expect(shared.code).not.toBe(2);
  });
});

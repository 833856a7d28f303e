/**
 * `pip install ./sdk/python` into a fresh virtual environment (`python3 -m venv`), with no package
 * index (`--no-index`: the in-tree build backend needs nothing from PyPI), then the Python example
 * copied out of the repository (so its `sys.path` line finds no sdk/python and the installed module
 * is the one imported) runs against a real proxy. Skipped, with one line saying so, when
 * `python3 -m venv` is not available.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import { REPO_ROOT, runProcess } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pip-'));
const venv = path.join(dir, 'venv');
const made = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
const python = path.join(venv, 'bin', 'python');
const available = made.status === 0 && fs.existsSync(python);
if (!available)
  console.warn(
    `skipped: pip install ./sdk/python, because python3 -m venv is not available (${(made.stderr || made.error?.message || '').trim().split('\n')[0]})`,
  );

(available ? describe : describe.skip)('pip install ./sdk/python into a fresh venv', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(async () => {
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs without an index and imports from site-packages at the module version', async () => {
    const install = await runProcess(
      python,
      ['-m', 'pip', 'install', '--no-index', '--no-cache-dir', './sdk/python'],
      {
        cwd: REPO_ROOT,
        env: { PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' },
        timeoutMs: 120_000,
      },
    );
    expect({
      code: install.code,
      installed: /Successfully installed driftwatch-/.test(install.output),
    }).toEqual({
      code: 0,
      installed: true,
    });
    const version = /^__version__ = '([^']+)'/m.exec(
      fs.readFileSync(path.join(REPO_ROOT, 'sdk', 'python', 'driftwatch.py'), 'utf8'),
    )?.[1];
    const shown = await runProcess(
      python,
      ['-c', 'import driftwatch; print(driftwatch.__version__, driftwatch.__file__)'],
      {
        cwd: dir,
      },
    );
    const [printed, file] = shown.output.trim().split(' ');
    expect(printed).toBe(version);
    expect(file.startsWith(path.join(venv, 'lib'))).toBe(true);
    expect(file).toMatch(/site-packages\/driftwatch\.py$/);
    // Nothing was written into the source folder by the build.
    expect(
      fs
        .readdirSync(path.join(REPO_ROOT, 'sdk', 'python'))
        .filter((f) => /build$|egg-info|\.whl$/.test(f) && f !== '_build'),
    ).toEqual([]);
  }, 150_000);

  it('runs the example, copied outside the repository, against a proxy', async () => {
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    for (const f of ['end_to_end.py', 'iris.csv'])
      fs.copyFileSync(path.join(REPO_ROOT, 'examples', 'python', f), path.join(app, f));
    const result = await runProcess(python, ['end_to_end.py'], {
      cwd: app,
      env: { DRIFTWATCH_URL: proxy.url, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const line = result.output.split('\n').find((l) => l.startsWith('RESULT '));
    expect({ code: result.code, result: line !== undefined }).toEqual({ code: 0, result: true });
    const summary = JSON.parse((line as string).slice('RESULT '.length)) as {
      served: number;
      predictions: number;
    };
    expect(summary.predictions).toBe(summary.served);
    expect(result.output).toMatch(/model artifact restored: NearestCentroid with 3 centroids/);
  }, 150_000);
});

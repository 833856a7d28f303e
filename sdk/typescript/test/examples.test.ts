import path from 'node:path';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import type { DriftReport } from '../src';
import { getJson, REPO_ROOT, runProcess, type ProcessResult } from './helpers';

interface ExampleResult {
  endpointId: string;
  served: number;
  sent: number;
  predictions: number;
  status: string;
}

function resultOf(run: ProcessResult): ExampleResult {
  const line = run.output.split('\n').find((l) => l.startsWith('RESULT '));
  if (run.code !== 0 || !line) throw new Error(`the example failed (exit ${run.code}):\n${run.output}`);
  return JSON.parse(line.slice('RESULT '.length)) as ExampleResult;
}

/** Both end-to-end examples, run as a user would run them, against a real proxy. */
describe('examples/', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(() => proxy.close());

  async function expectDriftShows(result: ExampleResult): Promise<void> {
    expect(result.sent).toBe(result.served);
    expect(result.predictions).toBe(result.served);
    // Checked again here, without the SDK: the served predictions are in the drift query.
    const report = await getJson<DriftReport>(
      `${proxy.url}/api/v1/endpoints/${result.endpointId}/drift?from=now-1h`,
    );
    expect(report.window.predictions).toBe(result.served);
    expect(report.features.map((f) => f.name)).toEqual([
      'sepal_length',
      'sepal_width',
      'petal_length',
      'petal_width',
    ]);
    expect(['POSSIBLE_DRIFT', 'DRIFT_DETECTED']).toContain(report.overall.status);
    const petal = report.features.find((f) => f.name === 'petal_length');
    expect(petal?.measures.tvd.value).toBeGreaterThan(0.3);
  }

  it('the TypeScript example tracks a run, serves predictions and finds the injected drift', async () => {
    const run = await runProcess(
      process.execPath,
      ['--import', 'tsx', path.join('examples', 'typescript', 'endToEnd.ts')],
      // The example imports '@driftwatch/client'; this tsconfig maps it to the SDK's source.
      {
        cwd: REPO_ROOT,
        env: {
          DRIFTWATCH_URL: proxy.url,
          TSX_TSCONFIG_PATH: path.join(REPO_ROOT, 'examples', 'typescript', 'tsconfig.json'),
        },
      },
    );
    const result = resultOf(run);
    expect(run.output).toMatch(/model artifact restored with 3 centroids/);
    await expectDriftShows(result);
  });

  it('the Python example does the same with the standard-library client', async () => {
    const run = await runProcess('python3', [path.join('examples', 'python', 'end_to_end.py')], {
      cwd: REPO_ROOT,
      env: { DRIFTWATCH_URL: proxy.url, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const result = resultOf(run);
    expect(run.output).toMatch(/model artifact restored: NearestCentroid with 3 centroids/);
    await expectDriftShows(result);
  });
});

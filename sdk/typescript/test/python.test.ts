import path from 'node:path';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import { REPO_ROOT, runProcess } from './helpers';

/**
 * The Python client's unittest suite, run by `npm test` against a real proxy started here. The
 * proxy lives in this process, so python runs as an asynchronous child (a synchronous spawn would
 * stop the proxy from answering it).
 */
describe('Python client (sdk/python)', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(() => proxy.close());

  it('passes its unittest suite against a real proxy', async () => {
    const result = await runProcess(
      'python3',
      ['-m', 'unittest', 'discover', '-s', path.join('sdk', 'python', 'tests'), '-v'],
      {
        cwd: REPO_ROOT,
        env: { DRIFTWATCH_URL: proxy.url, PYTHONDONTWRITEBYTECODE: '1' },
        timeoutMs: 240_000,
      },
    );
    if (result.code !== 0) {
      // Print python's report so that the failing test and its traceback show in jest's output.
      console.error(result.output);
    }
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(result.output).toMatch(/\nOK/);
  }, 300_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GRAFANA_URL_MISSING } from '../../src/server';

const BACKEND = join(__dirname, '..', '..');

/** Starts `driftwatch serve` on a free port with a file store; resolves with its port once it is up. */
function serve(
  store: string,
  env: Record<string, string | undefined> = {},
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--store', store],
    {
      cwd: BACKEND,
      env: {
        ...process.env,
        DRIFTWATCH_EVALUATION_INTERVAL_MS: '0',
        DRIFTWATCH_GRAFANA_URL: undefined,
        ...env,
      },
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not come up:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Driftwatch is up on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

describe('driftwatch serve', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-serve-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('creates the store file, answers health checks, and on SIGTERM finishes the request in flight before exiting 0', async () => {
    const { child, port, output } = await serve(join(folder, 'nested', 'store.db'));
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', store: 'embedded' });
    // The banner says how to see it in Grafana.
    expect(output()).toContain(`Grafana      data source URL http://localhost:${port}/grafana`);
    expect(output()).toContain('docker compose up --build, then http://localhost:3000');
    // Without DRIFTWATCH_GRAFANA_URL: the warning, logged before the banner, and the banner's line.
    expect(output()).toContain(`"msg":${JSON.stringify(GRAFANA_URL_MISSING)}`);
    expect(output()).toContain(
      '  alert links  none into Grafana: set DRIFTWATCH_GRAFANA_URL to its base URL',
    );
    await fetch(`${base}/api/v1/experiments/graceful/runs`, { method: 'POST' });

    // An artifact upload is half sent when SIGTERM arrives; it must still complete.
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const upload = new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/api/v1/experiments/graceful/runs/1/artifacts/slow.bin`,
        { method: 'PUT', headers: { 'content-type': 'application/octet-stream' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 1));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(Buffer.alloc(64 * 1024, 2)), 300);
      }, 200);
    });
    expect(await upload).toBe(201);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/"msg":"shutting down"/);
    expect(output()).toMatch(/"msg":"driftwatch proxy stopped"/);
    // New connections are refused once it has stopped.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('with DRIFTWATCH_GRAFANA_URL: no warning, and the banner names where alerts link', async () => {
    const { child, output } = await serve(join(folder, 'linked.db'), {
      DRIFTWATCH_GRAFANA_URL: 'https://grafana.example.com/',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(output()).not.toContain('DRIFTWATCH_GRAFANA_URL is not set');
    expect(output()).toContain(
      '  alert links  https://grafana.example.com/d/driftwatch-details (DRIFTWATCH_GRAFANA_URL)',
    );
  }, 60_000);

  it('refuses a bad configuration with a clear message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: BACKEND,
      env: { ...process.env, DRIFTWATCH_PORT: 'eighty' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/DRIFTWATCH_PORT must be an integer >= 0, got "eighty"/);
  });
});

/**
 * A real Prometheus (the Debian package) scrapes a seeded proxy, with a bearer key as a production
 * scrape config would, and its query API returns the drift-status series. Install Prometheus
 * with `apt-get install -y prometheus`; set DRIFTWATCH_SKIP_PROMETHEUS=1 to skip this test where
 * it cannot be installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixture, type Fixture } from '../grafana/fixture';
import { freePort } from '../helpers/freePort';

const SKIP = process.env.DRIFTWATCH_SKIP_PROMETHEUS === '1';
const binary = spawnSync('/bin/sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).stdout.trim();
const WAIT_MS = 30_000;

interface QueryAnswer {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

(SKIP ? describe.skip : describe)('a real Prometheus scraping the proxy', () => {
  let f: Fixture;
  let prometheus: ChildProcess | null = null;
  let dir = '';
  let output = '';

  beforeAll(async () => {
    if (!binary) {
      throw new Error(
        'the prometheus binary is not on PATH: install it with `apt-get update && apt-get install -y prometheus` ' +
          '(.ci/run does), or set DRIFTWATCH_SKIP_PROMETHEUS=1 to skip this test',
      );
    }
    f = await startFixture();
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await f?.close();
  });

  it(
    'scrapes /metrics with a key, and answers driftwatch_drift_status for the drifting endpoint with 2',
    async () => {
      const key = (await f.proxy.services.keys.create('prometheus', ['read'], null)).secret;
      dir = mkdtempSync(join(tmpdir(), 'driftwatch-prometheus-'));
      const target = new URL(f.url).host;
      const port = await freePort();
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          '  evaluation_interval: 1s',
          'scrape_configs:',
          '  - job_name: driftwatch',
          '    metrics_path: /metrics',
          '    authorization:',
          '      type: Bearer',
          `      credentials: "${key}"`,
          '    static_configs:',
          `      - targets: ["${target}"]`,
          '',
        ].join('\n'),
      );
      prometheus = spawn(
        binary,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      prometheus.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

      const query = encodeURIComponent(`driftwatch_drift_status{endpoint="${f.churn}"}`);
      const deadline = Date.now() + WAIT_MS;
      let answer: QueryAnswer | null = null;
      while (Date.now() < deadline) {
        if (prometheus.exitCode !== null)
          throw new Error(`prometheus exited with ${prometheus.exitCode}:\n${output}`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${query}`);
          if (response.ok) {
            answer = (await response.json()) as QueryAnswer;
            if (answer.data.result.length > 0) break;
          }
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (!answer || answer.data.result.length === 0)
        throw new Error(`no drift-status series after ${WAIT_MS} ms; prometheus said:\n${output}`);
      expect(answer.status).toBe('success');
      expect(answer.data.result).toHaveLength(1);
      expect(answer.data.result[0].metric).toMatchObject({
        __name__: 'driftwatch_drift_status',
        job: 'driftwatch',
        project: 'shop',
        endpoint: f.churn,
        model: 'churn',
        version: 'v1',
      });
      expect(answer.data.result[0].value[1]).toBe('2');

      // The scrape itself is healthy (the key was accepted): `up` is 1.
      const up = (await (
        await fetch(`http://127.0.0.1:${port}/api/v1/query?query=up`)
      ).json()) as QueryAnswer;
      expect(up.data.result.map((r) => r.value[1])).toEqual(['1']);
    },
    WAIT_MS + 15_000,
  );
});

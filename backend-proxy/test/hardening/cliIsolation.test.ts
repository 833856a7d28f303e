/**
 * Project isolation through the CLI (`driftwatch monitors`, a child process reading the API over
 * HTTP) with DRIFTWATCH_API_KEY limited to project `alpha`: it lists alpha's monitors; a listing
 * asked for `beta` is narrowed to nothing (the API's rule for listings); a command naming a beta
 * monitor exits 2 with the API's 403 message; nothing of beta is ever printed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { RunningProxy } from '../../src/server';
import { call, startTestProxy } from '../helpers/proxy';

const BACKEND = join(__dirname, '..', '..');

function driftwatch(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: BACKEND, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('CLI project isolation (driftwatch monitors with a key limited to alpha)', () => {
  let proxy: RunningProxy;
  let admin: string;
  let alpha: string;
  beforeAll(async () => {
    proxy = await startTestProxy();
    admin = (
      await call<{ secret: string }>(proxy.url, 'POST', '/api/v1/keys', {
        body: { name: 'admin', scopes: ['admin'] },
      })
    ).body.secret;
    for (const project of ['alpha', 'beta']) {
      for (const name of [`${project}-one`, `${project}-two`]) {
        const created = await call(proxy.url, 'POST', '/api/v1/monitors', {
          token: admin,
          body: { name, project, experiment: `exp-${project}`, endpoint: null },
        });
        expect(created.status).toBe(201);
      }
    }
    alpha = (
      await call<{ secret: string }>(proxy.url, 'POST', '/api/v1/keys', {
        token: admin,
        body: { name: 'alpha-team', scopes: ['read', 'write'], projects: ['alpha'] },
      })
    ).body.secret;
  });
  afterAll(() => proxy.close());

  const asAlpha = (args: string[]) =>
    driftwatch(args, { DRIFTWATCH_URL: proxy.url, DRIFTWATCH_API_KEY: alpha });
  const refusal = 'may not access project \\"beta\\"';

  it('lists only alpha monitors for alpha', async () => {
    const run = await asAlpha(['monitors', 'list', '--project', 'alpha', '--json']);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as
      { monitors?: Array<{ name: string; project: string }> } | Array<{ name: string; project: string }>;
    const monitors = Array.isArray(listed) ? listed : (listed.monitors ?? []);
    expect(monitors.map((m) => m.name).sort()).toEqual(['alpha-one', 'alpha-two']);
    expect(monitors.every((m) => m.project === 'alpha')).toBe(true);
    expect(run.stdout).not.toContain('beta');
  }, 120_000);

  it.each([[['monitors', 'list', '--project', 'beta']], [['monitors', 'jobs', '--project', 'beta']]])(
    'narrows %j to nothing',
    async (args) => {
      const run = await asAlpha([...args, '--json']);
      expect(run.code).toBe(0);
      const listed = JSON.parse(run.stdout) as Record<string, unknown> | unknown[];
      const items = Array.isArray(listed) ? listed : Object.values(listed).find(Array.isArray);
      expect(items).toEqual([]);
      expect(run.stdout).not.toContain('beta-');
    },
    120_000,
  );

  it.each([
    [['monitors', 'capture', 'beta-one', '--project', 'beta']],
    [['monitors', 'compare', 'beta-one', '--project', 'beta']],
    [['monitors', 'track', 'beta-one', '--project', 'beta', '--schedule', '1h']],
  ])(
    'refuses %j with the API 403 and prints nothing of beta',
    async (args) => {
      const run = await asAlpha(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('answered 403');
      expect(run.stderr).toContain(refusal);
      expect(run.stderr).not.toContain('beta-two');
    },
    120_000,
  );

  it('an unrestricted key sees beta (the refusals are the key, not the command)', async () => {
    const run = await driftwatch(['monitors', 'list', '--project', 'beta'], {
      DRIFTWATCH_URL: proxy.url,
      DRIFTWATCH_API_KEY: admin,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('beta-one');
    expect(run.stdout).toContain('beta-two');
  }, 120_000);
});

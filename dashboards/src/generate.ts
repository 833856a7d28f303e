/**
 * `npm run build -w dashboards`: writes the generated dashboards and alert rules.
 * `npm run check -w dashboards`: exits 1 if a committed file differs from what the builders make.
 * `npm run build -w dashboards -- --grafana-url https://grafana.example.com`: the alert rules link
 * to that Grafana (default http://localhost:3000, docker-compose's).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './files';
import { renderAll } from './render';

function current(path: string): string | null {
  try {
    return readFileSync(join(REPO_ROOT, path), 'utf8');
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const at = process.argv.indexOf('--grafana-url');
  const grafanaUrl = at >= 0 ? process.argv[at + 1] : undefined;
  if (at >= 0 && !/^https?:\/\/\S+$/.test(grafanaUrl ?? ''))
    throw new Error(`--grafana-url needs an http(s) URL, got ${JSON.stringify(grafanaUrl ?? '')}`);
  const files = await renderAll(grafanaUrl?.replace(/\/$/, ''));
  const stale = files.filter((f) => current(f.path) !== f.content);
  if (check) {
    for (const f of stale)
      process.stderr.write(
        `${f.path} differs from what dashboards/src generates; run npm run build -w dashboards\n`,
      );
    process.exitCode = stale.length ? 1 : 0;
    return;
  }
  for (const f of stale) {
    mkdirSync(dirname(join(REPO_ROOT, f.path)), { recursive: true });
    writeFileSync(join(REPO_ROOT, f.path), f.content);
  }
  process.stdout.write(`${files.length} files generated (${stale.length} changed)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

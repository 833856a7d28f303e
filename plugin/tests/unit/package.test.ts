/**
 * `npm run package`'s archive (scripts/package.ts) in the layout Grafana's installer and plugin
 * validator expect, read back with Python's zipfile (an independent ZIP reader): named
 * `<plugin-id>-<version>.zip`, one top folder named after the plugin id holding dist/ as it is
 * (the validator's archive and archivename rules), a valid plugin inside, and a sha256 file that
 * `sha256sum -c` accepts. That the packaged modules load and render: tests/browser/packaged.ts.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packagePlugin } from '../../scripts/package';
import { checkPluginDir } from '../helpers/pluginCheck';

const PLUGIN = path.resolve(__dirname, '../..');
const DIST = path.join(PLUGIN, 'dist');
const app = JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8')) as {
  id: string;
  info: { version: string };
};
const version = (
  JSON.parse(fs.readFileSync(path.join(PLUGIN, 'package.json'), 'utf8')) as { version: string }
).version;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('the plugin package', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-package-'));
  const { zip, sha256 } = packagePlugin(DIST, out);
  afterAll(() => fs.rmSync(out, { recursive: true }));

  it('is <plugin-id>-<version>.zip with the package version, and a sha256 file beside it', () => {
    expect(path.basename(zip)).toBe(`driftwatch-monitoring-app-${version}.zip`);
    expect(app.info.version).toBe(version);
    const digest = crypto.createHash('sha256').update(fs.readFileSync(zip)).digest('hex');
    expect(sha256).toBe(digest);
    expect(fs.readFileSync(`${zip}.sha256`, 'utf8')).toBe(`${digest}  ${path.basename(zip)}\n`);
    expect(execFileSync('sha256sum', ['-c', `${path.basename(zip)}.sha256`], { cwd: out }).toString()).toBe(
      `${path.basename(zip)}: OK\n`,
    );
  });

  it('has one top folder named after the plugin id, holding every file of dist/ byte for byte', () => {
    const names = JSON.parse(
      execFileSync('python3', [
        '-c',
        'import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps(z.namelist()))',
        zip,
      ]).toString(),
    ) as string[];
    expect(new Set(names.map((n) => n.split('/')[0]))).toEqual(new Set([app.id]));
    const unpacked = path.join(out, 'unpacked');
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, unpacked]);
    expect(fs.readdirSync(unpacked)).toEqual([app.id]);
    const root = path.join(unpacked, app.id);
    expect(filesUnder(root)).toEqual(filesUnder(DIST));
    for (const f of filesUnder(DIST))
      expect({
        f,
        same: fs.readFileSync(path.join(root, f)).equals(fs.readFileSync(path.join(DIST, f))),
      }).toEqual({
        f,
        same: true,
      });
    // What Grafana loads from it: the app's plugin.json and module.js at the top, no dist/ level.
    expect(names).toEqual(
      expect.arrayContaining([`${app.id}/plugin.json`, `${app.id}/module.js`, `${app.id}/LICENSE`]),
    );
    expect(names.some((n) => n.startsWith(`${app.id}/dist/`))).toBe(false);
    expect(checkPluginDir(root, { grafanaVersion: '12.4.10' })).toEqual([]);
  });
});

/**
 * The release zip in Chromium: `npm run package`'s archive (scripts/package.ts), unpacked with
 * Python's zipfile (an independent reader), served as Grafana serves a plugin folder; the page
 * (packaged/index.tsx) loads its three module.js files through AMD and renders the packaged panel
 * from the packaged data source's query against the live demo proxy.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { packagePlugin } from '../../scripts/package';

export interface PackagedRun {
  /** Unpacked top folder and the plugin id it is named after. */
  dir: string;
  pluginId: string;
}

/** Packages dist/ into `out`, unpacks the zip there and returns its single top folder. */
export function packageAndUnpack(out: string): PackagedRun {
  fs.rmSync(out, { recursive: true, force: true });
  const { zip } = packagePlugin(undefined, out);
  const unpacked = path.join(out, 'unpacked');
  execFileSync('python3', ['-m', 'zipfile', '-e', zip, unpacked]);
  const top = fs.readdirSync(unpacked);
  assert.equal(top.length, 1, `one top folder, found ${top.join(', ')}`);
  return { dir: path.join(unpacked, top[0]), pluginId: top[0] };
}

type Check = (name: string, fn: () => Promise<void>) => Promise<void>;

export async function checkPackaged(
  browser: Browser,
  url: string,
  expectedRows: string[],
  check: Check,
): Promise<void> {
  console.log('browser: the packaged plugin (release zip) loaded through AMD');
  const page = await browser.newPage({ viewport: { width: 1670, height: 500 }, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${url}/packaged`);
  await page.waitForFunction(() => window.__packaged?.rendered === true || window.__packaged?.error, null, {
    timeout: 30_000,
  });
  const state = await page.evaluate(() => window.__packaged);

  await check(
    'packaged: module.js of the app, data source and panel load and export their plugins',
    async () => {
      assert.equal(state?.error, undefined);
      assert.deepEqual(state?.loaded, {
        app: 'AppPlugin',
        datasource: 'DataSourcePlugin',
        panel: 'PanelPlugin',
      });
    },
  );
  await check(
    'packaged: the panel renders the data source’s feature_drift rows from the live proxy',
    async () => {
      await page.locator('[data-testid^="feature-row-"]').first().waitFor({ timeout: 15_000 });
      const rows = await page.$$eval('[data-testid^="feature-row-"]', (els) =>
        els.map((r) => r.getAttribute('data-testid')?.replace('feature-row-', '') ?? ''),
      );
      assert.deepEqual([...rows].sort(), [...expectedRows].sort());
      assert.equal(await page.locator('[data-testid="cell-petal_length-status"]').innerText(), 'Drift');
    },
  );
  await check('packaged: no page errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
  await page.close();
}

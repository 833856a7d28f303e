/**
 * The browser test (run by `npm test` after Jest): Debian's Chromium through playwright-core
 * opens the harness page (tests/browser/harness) served locally, in Grafana's dark and light
 * themes. In each it picks an endpoint from the live proxy's list in the real QueryEditor, lets
 * the real FeatureDriftPanel render that endpoint's drift, and checks the rendered rows and values
 * against the proxy's REST API; then bin tooltips, sorting and "click a feature sets $feature".
 * Screenshots: test-output/feature-drift.png (dark), test-output/feature-drift-light.png and
 * test-output/query-editor.png (the plugin.json screenshots in src/ are copies of these).
 *
 * Then the release zip (packaged.ts): unpacked, its module.js files loaded through AMD, its panel
 * rendering its data source's query.
 *
 * Needs `chromium` on PATH (`apt-get install -y chromium`; .ci/run installs it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { startDemoProxy, type DemoEndpoint } from '../helpers/demoProxy';
import { checkPackaged, packageAndUnpack } from './packaged';
import { startHarnessServer } from './server';

const PLUGIN_DIR = path.resolve(__dirname, '../..');
const OUTPUT = path.join(PLUGIN_DIR, 'test-output');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface DriftFeature {
  name: string;
  measures: Record<string, { value: number } | undefined>;
  expected: { min: number | null; mean: number | null; max: number | null };
  actual: { min: number | null; mean: number | null; max: number | null };
  histograms: { expected: number[]; actual: number[] };
}

let passed = 0;
let failed = 0;
async function check(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`  ✗ ${name}\n    ${(err as Error).stack ?? String(err)}`);
  }
}

function chromiumPath(): string {
  const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser || true'])
    .toString()
    .trim();
  if (!found) throw new Error('chromium is not on PATH: apt-get update && apt-get install -y chromium');
  return found;
}

async function bundlePage(name: 'harness' | 'packaged'): Promise<string> {
  const outfile = path.join(OUTPUT, name, `${name}.js`);
  await build({
    entryPoints: [path.join(__dirname, name, 'index.tsx')],
    bundle: true,
    outfile,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    // Stylesheets and fonts of editors the harness never opens (Monaco's) are left out.
    loader: {
      '.svg': 'dataurl',
      '.png': 'dataurl',
      '.css': 'empty',
      '.ttf': 'empty',
      '.woff': 'empty',
      '.woff2': 'empty',
    },
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * A cell shows the REST value: '–' when there is none, else a number within the precision the
 * panel prints (3 decimals, 1 from 100, 3 significant digits from 10,000, 2 below 0.001). Parsed,
 * not re-formatted with the panel's own formatter, so a formatting bug cannot hide.
 */
function assertShows(text: string, value: number | null | undefined, what: string): void {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    assert.equal(text, '–', what);
    return;
  }
  const shown = Number(text);
  assert.ok(
    Number.isFinite(shown) && Math.abs(shown - value) <= Math.max(5e-4, Math.abs(value) * 5e-3),
    `${what}: shows ${text}, REST says ${value}`,
  );
}

const rowNames = (page: Page) =>
  page.$$eval('[data-testid^="feature-row-"]', (rows) =>
    rows.map((r) => r.getAttribute('data-testid')?.replace('feature-row-', '') ?? ''),
  );
const cellText = (page: Page, feature: string, key: string) =>
  page.locator(`[data-testid="cell-${feature}-${key}"]`).innerText();

async function main() {
  fs.mkdirSync(OUTPUT, { recursive: true });
  if (!fs.existsSync(path.join(PLUGIN_DIR, 'dist/datasource/plugin.json')))
    throw new Error('build the plugin first (npm run build): the harness uses the built plugin.json routes');
  const bundle = await bundlePage('harness');
  const packaged = packageAndUnpack(path.join(OUTPUT, 'package'));
  const demo = await startDemoProxy();
  const uid = 'driftwatch';
  const drifting = demo.info.endpoints.find((e) => e.driftStatus === 'DRIFT_DETECTED') as DemoEndpoint;
  const server = await startHarnessServer(
    bundle,
    { uid, jsonData: { url: demo.info.url }, secureJsonData: { apiKey: demo.info.readKey } },
    { uid, proxyUrl: demo.info.url, project: demo.info.project },
    {
      bundleFile: await bundlePage('packaged'),
      config: { pluginId: packaged.pluginId, uid, project: demo.info.project, endpointId: drifting.id },
      pluginId: packaged.pluginId,
      dir: packaged.dir,
    },
  );
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  const label = `${drifting.model}:${drifting.version}`;
  try {
    for (const theme of ['dark', 'light'] as const) {
      console.log(`browser: feature-drift harness, ${theme} theme`);
      const page = await browser.newPage({ viewport: { width: 1670, height: 700 }, deviceScaleFactor: 1 });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${server.url}/?theme=${theme}`);
      let features: DriftFeature[] = [];
      let columnNames: string[] = [];

      await check(
        `${theme}: before an endpoint is picked, the editor shows the proxy's validation error`,
        async () => {
          const alert = page.getByTestId('driftwatch-query-error');
          await alert.waitFor({ timeout: 15_000 });
          assert.match(await alert.innerText(), /feature_drift needs one endpoint_id/);
          assert.equal(await page.getByTestId('feature-drift-empty').count(), 1);
        },
      );

      await check(
        `${theme}: the endpoint list comes from the live proxy; picking ${label} renders its drift`,
        async () => {
          await page.getByLabel('Endpoint', { exact: true }).click();
          const offered = await page.getByRole('option').allInnerTexts();
          for (const e of demo.info.endpoints)
            assert.ok(
              offered.some((o) => o.includes(`${e.model}:${e.version}`)),
              `offered: ${offered.join(', ')}`,
            );
          await page.getByRole('option', { name: label }).first().click();
          await page.locator('[data-testid="feature-row-petal_length"]').waitFor({ timeout: 15_000 });
          assert.equal(await page.getByTestId('driftwatch-query-error').count(), 0);
        },
      );

      await check(
        `${theme}: one row per feature and prediction column, values equal the REST API's`,
        async () => {
          const range = await page.evaluate(() => window.__harness?.lastRange);
          assert.ok(range);
          const url = `${demo.info.url}/api/v1/endpoints/${drifting.id}/drift?from=${range.from}&to=${range.to}`;
          const reply = await fetch(url, { headers: { authorization: `Bearer ${demo.info.readKey}` } });
          const report = (await reply.json()) as { features: DriftFeature[]; predictions: DriftFeature[] };
          features = report.features;
          const names = await rowNames(page);
          columnNames = [...report.features.map((f) => f.name), ...report.predictions.map((p) => p.name)];
          assert.deepEqual([...names].sort(), [...columnNames].sort());
          for (const f of report.features) {
            assertShows(await cellText(page, f.name, 'tvd'), f.measures.tvd?.value, `${f.name} tvd`);
            assertShows(
              await cellText(page, f.name, 'hellinger'),
              f.measures.hellinger?.value,
              `${f.name} hellinger`,
            );
            assertShows(await cellText(page, f.name, 'kld'), f.measures.kld?.value, `${f.name} kld`);
            assertShows(
              await cellText(page, f.name, 'expected_mean'),
              f.expected.mean,
              `${f.name} expected mean`,
            );
            assertShows(await cellText(page, f.name, 'actual_mean'), f.actual.mean, `${f.name} actual mean`);
            assertShows(await cellText(page, f.name, 'actual_max'), f.actual.max, `${f.name} actual max`);
          }
          // Sorted by TVD, largest first.
          const byTvd = [...report.features]
            .sort((a, b) => (b.measures.tvd?.value ?? 0) - (a.measures.tvd?.value ?? 0))
            .map((f) => f.name);
          assert.deepEqual(
            names.filter((n) => byTvd.includes(n)),
            byTvd,
          );
          // The injected drift moves petal_length far beyond its training range: the status says so.
          assert.equal(await cellText(page, 'petal_length', 'status'), 'Drift');
          assert.ok(
            (await page.locator('[data-testid="cell-species-name"]').innerText()).includes('prediction'),
          );
        },
      );

      await check(`${theme}: hovering a bar shows its bin and both shares`, async () => {
        const f = features.find((x) => x.name === 'petal_length') as DriftFeature;
        const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
        // The bin where actual gained most.
        const shares = f.histograms.actual.map(
          (c, i) => c / total(f.histograms.actual) - f.histograms.expected[i] / total(f.histograms.expected),
        );
        const bin = shares.indexOf(Math.max(...shares));
        await page.hover(`[data-testid="bin-petal_length-${bin}"]`);
        const tooltip = page.getByTestId('feature-drift-tooltip');
        await tooltip.waitFor({ timeout: 5_000 });
        const text = await tooltip.innerText();
        const pct = (c: number, counts: number[]) => `${((c / total(counts)) * 100).toFixed(1)}%`;
        assert.ok(text.includes(`expected ${pct(f.histograms.expected[bin], f.histograms.expected)}`), text);
        assert.ok(text.includes(`actual ${pct(f.histograms.actual[bin], f.histograms.actual)}`), text);
        assert.ok(text.includes('petal_length'), text);
      });

      const shot = path.join(OUTPUT, theme === 'dark' ? 'feature-drift.png' : 'feature-drift-light.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`  screenshot: ${path.relative(PLUGIN_DIR, shot)}`);
      if (theme === 'dark') {
        const editor = path.join(OUTPUT, 'query-editor.png');
        await page.getByTestId('editor-box').screenshot({ path: editor });
        console.log(`  screenshot: ${path.relative(PLUGIN_DIR, editor)}`);
      }

      await check(`${theme}: clicking a column header sorts by it`, async () => {
        await page.mouse.move(5, 5);
        await page.locator('th', { hasText: 'TVD' }).getByRole('button').click();
        const asc = [...features]
          .sort((a, b) => (a.measures.tvd?.value ?? 0) - (b.measures.tvd?.value ?? 0))
          .map((x) => x.name);
        const names = await rowNames(page);
        assert.deepEqual(
          names.filter((n) => asc.includes(n)),
          asc,
        );
        await page.locator('th', { hasText: 'Feature' }).getByRole('button').click();
        assert.deepEqual(
          await rowNames(page),
          [...columnNames].sort((a, b) => a.localeCompare(b)),
        );
      });

      await check(`${theme}: clicking a feature sets the dashboard variable $feature`, async () => {
        await page.locator('[data-testid="cell-sepal_width-name"] button').click();
        await page.waitForFunction(() => window.location.search.includes('var-feature=sepal_width'));
        assert.match(await page.getByTestId('panel-box').innerText(), /\$feature = sepal_width/);
      });

      await check(`${theme}: no page errors`, async () => {
        assert.deepEqual(pageErrors, []);
      });
      await page.close();
    }
    const drift = (await (
      await fetch(
        `${demo.info.url}/api/v1/endpoints/${drifting.id}/drift?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}`,
        {
          headers: { authorization: `Bearer ${demo.info.readKey}` },
        },
      )
    ).json()) as { features: DriftFeature[]; predictions: DriftFeature[] };
    await checkPackaged(
      browser,
      server.url,
      [...drift.features, ...drift.predictions].map((f) => f.name),
      check,
    );
  } finally {
    await browser.close();
    await server.close();
    await demo.close();
  }
  console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

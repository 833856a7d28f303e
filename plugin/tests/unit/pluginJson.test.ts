/**
 * The built plugin (dist/, made by `npm run build` before Jest in `npm test`) is valid for Grafana,
 * and the build fails clearly when a listed dashboard is missing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkPluginDir, satisfies } from '../helpers/pluginCheck';
import { PLUGIN_SCHEMA, validate } from '../helpers/pluginSchema';

const PLUGIN = path.resolve(__dirname, '../..');
const DIST = path.join(PLUGIN, 'dist');
const GRAFANA_DATA_VERSION = (
  JSON.parse(fs.readFileSync(path.join(PLUGIN, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@grafana/data'];
const DASHBOARDS = [
  'dashboards/overview.json',
  'dashboards/details.json',
  'dashboards/performance.json',
  'dashboards/experiments.json',
];

describe("Grafana's plugin.json schema (its facts, pluginSchema.ts)", () => {
  const SOURCES = ['plugin.json', 'datasource/plugin.json', 'panels/featureDrift/plugin.json'];

  it.each(SOURCES)('src/%s is valid before the build fills its placeholders', (file) => {
    expect(validate(JSON.parse(fs.readFileSync(path.join(PLUGIN, 'src', file), 'utf8')))).toEqual([]);
  });

  it.each(SOURCES)('dist/%s is valid', (file) => {
    expect(validate(JSON.parse(fs.readFileSync(path.join(DIST, file), 'utf8')))).toEqual([]);
  });

  it('refuses what the schema refuses, naming the place', () => {
    const good = JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const info = good.info as Record<string, unknown>;
    expect(
      validate({
        ...good,
        type: 'widget',
        id: 'Driftwatch',
        info: {
          ...info,
          version: 'one',
          updated: 'today',
          keywords: [],
          logos: { small: 'a.svg' },
          colour: 'red',
        },
        includes: [{ type: 'report', role: 'Owner' }],
        dependencies: { grafanaDependency: 'twelve', plugins: [{ id: 'x' }] },
        routes: [{ path: 'a', url: 'b', secret: 1 }],
        state: 'gamma',
      }),
    ).toEqual([
      '$.type "widget" is not one of app, datasource, panel, renderer, secretsmanager, transformer',
      `$.id "Driftwatch" does not match ${PLUGIN_SCHEMA.properties?.id?.pattern as string}`,
      '$.info.keywords needs at least 1 item(s)',
      '$.info.logos.large is required',
      expect.stringMatching(/^\$\.info\.version "one" does not match /),
      expect.stringMatching(/^\$\.info\.updated "today" does not match /),
      '$.info.colour is not a known key',
      '$.includes[0].type "report" is not one of dashboard, page, panel, datasource, secretsmanager',
      '$.includes[0].role "Owner" is not one of Admin, Editor, Viewer',
      expect.stringMatching(/^\$\.dependencies\.grafanaDependency "twelve" does not match /),
      '$.dependencies.plugins[0].name is required',
      '$.dependencies.plugins[0].type is required',
      '$.dependencies.plugins[0].version is required',
      '$.dependencies.plugins[0].id "x" does not match ^[0-9a-z]+\\-([0-9a-z]+\\-)?(app|panel|datasource|secretsmanager)$',
      '$.routes[0].secret is not a known key',
      '$.state "gamma" is not one of alpha, beta',
    ]);
    expect(validate({})).toEqual(
      ['type', 'name', 'id', 'info', 'dependencies'].map((k) => `$.${k} is required`),
    );
    expect(validate([])).toEqual(['$ must be an object']);
  });
});

describe('the built plugin', () => {
  it('is valid for the Grafana version its @grafana packages come from', () => {
    expect(checkPluginDir(DIST, { grafanaVersion: GRAFANA_DATA_VERSION })).toEqual([]);
  });

  it('has a module.js and plugin.json per part, ids in the <org>-<name>-<type> form, and the four dashboards', () => {
    const ids = ['plugin.json', 'datasource/plugin.json', 'panels/featureDrift/plugin.json'].map(
      (f) => (JSON.parse(fs.readFileSync(path.join(DIST, f), 'utf8')) as { id: string }).id,
    );
    expect(ids).toEqual([
      'driftwatch-monitoring-app',
      'driftwatch-proxy-datasource',
      'driftwatch-featuredrift-panel',
    ]);
    for (const f of [
      'module.js',
      'datasource/module.js',
      'panels/featureDrift/module.js',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'img/logo.svg',
      ...DASHBOARDS,
    ]) {
      expect(fs.existsSync(path.join(DIST, f))).toBe(true);
    }
    // The repository's Apache-2.0 LICENSE, as the packages' "license" fields say.
    expect(fs.readFileSync(path.join(DIST, 'LICENSE'), 'utf8')).toBe(
      fs.readFileSync(path.join(__dirname, '..', '..', '..', 'LICENSE'), 'utf8'),
    );
    const app = JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8')) as {
      includes: Array<{ type: string; name: string; path?: string }>;
    };
    // The nested plugins by type and path; no bundled dashboards (they are file-provisioned).
    expect(app.includes.filter((i) => i.type !== 'page')).toEqual([
      { type: 'datasource', name: 'Driftwatch', path: 'datasource/plugin.json' },
      { type: 'panel', name: 'Feature drift', path: 'panels/featureDrift/plugin.json' },
    ]);
    // AMD modules that leave Grafana's shared libraries to Grafana.
    const module = fs.readFileSync(path.join(DIST, 'datasource/module.js'), 'utf8');
    expect(module).toMatch(
      /define\(\["@grafana\/data","@grafana\/runtime","@grafana\/ui","module","react","react\/jsx-runtime","rxjs"\]/,
    );
  });

  it('reports what is wrong with a broken plugin folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-plugin-'));
    fs.cpSync(DIST, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'panels/featureDrift/module.js'));
    fs.rmSync(path.join(dir, 'panels/featureDrift/img/feature-drift-light.png'));
    fs.writeFileSync(path.join(dir, 'LICENSE'), 'All rights reserved.\n');
    const app = JSON.parse(fs.readFileSync(path.join(dir, 'plugin.json'), 'utf8')) as {
      includes: Array<Record<string, unknown>>;
      info: Record<string, unknown>;
    };
    fs.writeFileSync(
      path.join(dir, 'plugin.json'),
      JSON.stringify({
        ...app,
        info: { ...app.info, screenshots: [{ name: 'x', path: 'img/logo.png' }] },
        includes: app.includes.map((i) => (i.type === 'panel' ? { ...i, path: undefined } : i)),
        extra: true,
      }),
    );
    fs.copyFileSync(path.join(dir, 'img/logo.svg'), path.join(dir, 'img/logo.png'));
    const ds = JSON.parse(fs.readFileSync(path.join(dir, 'datasource/plugin.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(
      path.join(dir, 'datasource/plugin.json'),
      JSON.stringify({
        ...ds,
        id: 'Driftwatch_DS',
        routes: [],
        dependencies: { grafanaDependency: '>=13.0.0' },
      }),
    );
    const problems = checkPluginDir(dir, { grafanaVersion: '12.4.10' });
    const ID_PATTERN = PLUGIN_SCHEMA.properties?.id?.pattern as string;
    expect(problems).toEqual(
      expect.arrayContaining([
        'plugin.json: schema: $.extra is not a known key',
        'plugin.json: screenshot img/logo.png has extension .png but is image/svg+xml',
        'plugin.json: includes panel "Feature drift" without a path to its plugin.json',
        'panels/featureDrift/plugin.json: nested panel "Feature drift" is not declared (type and path) in the app\'s includes',
        'panels/featureDrift/plugin.json: no module.js beside it',
        'panels/featureDrift/plugin.json: screenshot img/feature-drift-light.png does not exist',
        'LICENSE: not the Apache License 2.0 the packages declare',
        `datasource/plugin.json: schema: $.id "Driftwatch_DS" does not match ${ID_PATTERN}`,
        'datasource/plugin.json: no data-proxy routes: the API key would have to travel through the browser',
        'datasource/plugin.json: grafanaDependency ">=13.0.0" excludes Grafana 12.4.10',
      ]),
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('reads grafanaDependency ranges as Grafana does for the versions that matter', () => {
    expect(satisfies('12.4.10', '>=12.0.0')).toBe(true);
    expect(satisfies('11.6.0', '>=12.0.0')).toBe(false);
    expect(satisfies('12.4.10', '^12.0.0')).toBe(true);
    expect(satisfies('13.0.0', '^12.0.0')).toBe(false);
  });

  const compose = path.resolve(PLUGIN, '../docker-compose.yml');
  (fs.existsSync(compose) ? it : it.skip)(
    "docker-compose's Grafana image is a version the plugin is built for",
    () => {
      const image = /grafana\/grafana(?:-oss|-enterprise)?:(?:\$\{\w+:-)?(\d+\.\d+\.\d+)/.exec(
        fs.readFileSync(compose, 'utf8'),
      );
      expect(image).not.toBeNull();
      const version = (image as RegExpExecArray)[1];
      expect(checkPluginDir(DIST, { grafanaVersion: version })).toEqual([]);
      // Same major.minor as the @grafana packages the plugin compiles against.
      expect(version.split('.').slice(0, 2)).toEqual(GRAFANA_DATA_VERSION.split('.').slice(0, 2));
    },
  );

  it('the build fails naming every listed dashboard that is missing', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-dashboards-'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-dist-'));
    let output = '';
    let failed = false;
    try {
      execFileSync(
        'npx',
        [
          'webpack',
          '--disable-interpret',
          '-c',
          './.config/webpack/webpack.config.ts',
          '--env',
          'production',
          '--output-path',
          out,
        ],
        {
          cwd: PLUGIN,
          env: { ...process.env, NODE_OPTIONS: '--import tsx', DRIFTWATCH_DASHBOARDS_DIR: empty },
          stdio: 'pipe',
        },
      );
    } catch (err) {
      failed = true;
      const e = err as { stdout?: Buffer; stderr?: Buffer };
      output = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`;
    }
    expect(failed).toBe(true);
    expect(output).toContain('Driftwatch plugin: files listed for dist/ are missing');
    for (const d of DASHBOARDS) expect(output).toContain(`${d} (expected at`);
    fs.rmSync(empty, { recursive: true });
    fs.rmSync(out, { recursive: true });
  }, 60_000);
});

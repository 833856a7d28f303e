import fs from 'node:fs';
import path from 'node:path';
import webpack from 'webpack';
import { SOURCE_DIR } from '../bundler/constants';
import { findPluginJsons, hasReadme, readPluginJson } from '../bundler/utils';

const PLUGIN_NAME = 'DriftwatchAssets';

export interface AssetsOptions {
  /** Plugin folder (where package.json is). */
  root: string;
  version: string;
  pluginId: string;
  /** Where the dashboards are read from. */
  dashboardsDir: string;
  /** The dashboards shipped in the package for file provisioning, as `dashboards/<file>.json`. */
  dashboards: string[];
}

interface Copy {
  from: string;
  to: string;
  /** Replace %VERSION%, %TODAY% and %PLUGIN_ID%. */
  template: boolean;
}

/**
 * Everything Grafana loads from the plugin folder besides the bundles: every plugin.json (with
 * placeholders replaced), README, CHANGELOG, LICENSE, each plugin's logos and screenshots,
 * and the dashboards (in `dashboards/`, for file provisioning: the app does not bundle them; see
 * docs/grafana-setup.md). A listed file that does not exist fails the build with its
 * name, so a missing dashboard cannot go unnoticed.
 */
export class AssetsWebpackPlugin {
  constructor(private readonly options: AssetsOptions) {}

  private copies(): { copies: Copy[]; missing: string[] } {
    const { root, dashboardsDir, dashboards } = this.options;
    const src = path.join(root, SOURCE_DIR);
    const copies: Copy[] = [];
    const missing: string[] = [];
    const add = (from: string, to: string, template = false, required = true) => {
      if (fs.existsSync(from)) copies.push({ from, to, template });
      else if (required) missing.push(`${to} (expected at ${path.relative(root, from) || from})`);
    };

    add(hasReadme() ? path.join(src, 'README.md') : path.join(root, 'README.md'), 'README.md', true);
    add(path.join(root, 'CHANGELOG.md'), 'CHANGELOG.md');
    // The plugin's own LICENSE when it has one, else the repository's (the validator wants one in the package).
    const ownLicense = path.join(root, 'LICENSE');
    add(fs.existsSync(ownLicense) ? ownLicense : path.join(root, '..', 'LICENSE'), 'LICENSE');

    for (const relative of findPluginJsons()) {
      const folder = path.dirname(relative);
      const json = readPluginJson(relative);
      add(path.join(src, relative), relative, true);
      const logos = new Set(
        [json.info?.logos?.small, json.info?.logos?.large].filter((p): p is string => typeof p === 'string'),
      );
      for (const logo of logos) add(path.join(src, folder, logo), path.join(folder, logo));
      for (const shot of json.info?.screenshots ?? [])
        add(path.join(src, folder, shot.path), path.join(folder, shot.path));
    }
    for (const dashboard of dashboards) {
      // `dashboards/overview.json` in the package is `<dashboardsDir>/overview.json` in the repository.
      add(path.join(dashboardsDir, path.relative('dashboards', dashboard)), dashboard);
    }
    return { copies, missing };
  }

  apply(compiler: webpack.Compiler): void {
    const { version, pluginId } = this.options;
    const today = new Date().toISOString().slice(0, 10);
    const fill = (text: string) =>
      text
        .replace(/%VERSION%/g, version)
        .replace(/%TODAY%/g, today)
        .replace(/%PLUGIN_ID%/g, pluginId);

    compiler.hooks.thisCompilation.tap(PLUGIN_NAME, (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: PLUGIN_NAME, stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          const { copies, missing } = this.copies();
          if (missing.length > 0) {
            compilation.errors.push(
              new webpack.WebpackError(
                `Driftwatch plugin: files listed for dist/ are missing:\n  - ${missing.join('\n  - ')}`,
              ),
            );
          }
          for (const copy of copies) {
            compilation.fileDependencies.add(copy.from);
            const content = fs.readFileSync(copy.from);
            const source = copy.template
              ? new webpack.sources.RawSource(fill(content.toString('utf8')))
              : new webpack.sources.RawSource(content);
            const name = copy.to.split(path.sep).join('/');
            if (compilation.getAsset(name)) compilation.updateAsset(name, source);
            else compilation.emitAsset(name, source);
          }
        },
      );
    });
  }
}
